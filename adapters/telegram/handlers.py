"""Telegram handlers: translate commands and button taps into QuizService calls, and replies back."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Poll, ReplyParameters, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from adapters.telegram import render
from adapters.telegram.codec import Callback, decode, encode
from adapters.telegram.rounds import register_rounds
from core.quiz.grading import LETTERS
from core.quiz.service import QUIZ_COMMANDS, STALE, QuizService
from core.reply import Reply

log = logging.getLogger(__name__)
PLATFORM = "telegram"
SEND_ATTEMPTS = 4

MENU = [
    ("start", "What this bot does, and the main modes"),
    ("quiz", "One quick question from your weakest area"),
    ("drill", "10 questions from a domain or task statement"),
    ("diagnostic", "Full-length 65-question diagnostic, 130 minutes"),
    ("mock", "Timed mixed set: 20 questions in 40 minutes"),
    ("review", "Retry the questions you missed"),
    ("explain", "Full rationale of your last answer"),
    ("stats", "Accuracy by domain, recent scores, readiness"),
    ("stop", "End the current session"),
    ("plan", "Your seven-day study plan"),
    ("examdate", "Set your exam date: /examdate 2026-12-15"),
    ("settings", "Daily push time, time zone, pause"),
    ("time", "Daily push time: /time 07:30"),
    ("timezone", "Your time zone: /timezone Europe/Berlin"),
    ("pause", "Pause daily pushes"),
    ("resume", "Resume daily pushes"),
    ("classify", "Sort your last mock's misses by lifecycle stage"),
    ("daily", "Groups: question of the day on or off (admins)"),
    ("round", "Groups: a quiz round for everyone, e.g. /round 8 2"),
    ("stopround", "Groups: stop the round (its starter or an admin)"),
    ("roundsettings", "Groups: round time and length (admins)"),
    ("leaderboard", "Groups: this week's round leaderboard"),
    ("forget", "Erase all your data (asks first)"),
    ("help", "All commands"),
]
ROUND_COMMANDS = {"round", "stopround", "roundsettings", "leaderboard"}  # handled in rounds.py
CHANNEL_SETTINGS = {"settings", "time", "timezone", "pause", "resume", "daily"}


def channel_of(chat_id: int) -> str:
    return f"{PLATFORM}:{chat_id}"


async def send(bot, chat_id: int, reply: Reply, reply_to: int | None = None) -> None:
    """Send every message of a reply; network errors are retried with backoff, BadRequest is not."""
    quote = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
    for text, markup in render.messages(reply):
        await _retrying(lambda text=text, markup=markup: bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, reply_parameters=quote))
    if reply.poll is not None:
        poll = reply.poll
        await _retrying(lambda: bot.send_poll(chat_id, poll.question, poll.options, is_anonymous=False,
                                              type=Poll.QUIZ, correct_option_ids=[poll.correct],
                                              explanation=render.toast(poll.explanation)))


async def _retrying(call) -> None:
    """RetryAfter waits as long as Telegram asks, however long, and loses nothing; other network errors
    get a few attempts with backoff; BadRequest and Forbidden are final."""
    attempt = 0
    while True:
        try:
            await call()
            return
        except RetryAfter as exc:
            wait = exc.retry_after
            await asyncio.sleep(wait.total_seconds() if hasattr(wait, "total_seconds") else wait)
        except BadRequest:
            raise
        except NetworkError:
            attempt += 1
            if attempt == SEND_ATTEMPTS:
                raise
            await asyncio.sleep(0.5 * 2 ** (attempt - 1))


def _service(context: ContextTypes.DEFAULT_TYPE) -> QuizService:
    return context.application.bot_data["service"]


async def _learner(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await _service(context).learner(PLATFORM, str(update.effective_user.id))


async def _respond(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Reply in the chat; in groups, quote the learner's message so the answer is clearly theirs."""
    chat = update.effective_chat
    message = update.effective_message
    reply_to = message.message_id if chat.type != ChatType.PRIVATE and message else None
    await send(context.bot, chat.id, reply, reply_to)


def _arg(context: ContextTypes.DEFAULT_TYPE) -> str | None:
    return " ".join(context.args) if context.args else None


async def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    member = await context.bot.get_chat_member(update.effective_chat.id, update.effective_user.id)
    return member.status in ("administrator", "creator")


async def plan_command(name: str, arg: str | None, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Reply:
    """Plan and push settings. In a group the settings are the group's, and only admins change them."""
    planner, lid = context.application.bot_data["planner"], await _learner(update, context)
    private = update.effective_chat.type == ChatType.PRIVATE
    channel = channel_of(update.effective_chat.id)
    if name == "plan":
        return await planner.plan(lid)
    if name == "examdate":
        return await planner.set_exam_date(lid, arg or "")
    if name == "classify":
        return await planner.classify(lid, arg)
    if not private and not await _is_admin(update, context):
        return Reply(["Only a chat admin can change this group's daily settings."], refused=True)
    return await planner.channel_setting(name, arg, channel, lid if private else None)


async def run_command(name: str, arg: str | None, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Reply:
    """The service call behind each command (shared by /commands and buttons)."""
    if name in CHANNEL_SETTINGS or name in ("plan", "examdate", "classify"):
        return await plan_command(name, arg, update, context)
    service, lid = _service(context), await _learner(update, context)
    channel = channel_of(update.effective_chat.id)
    if name == "start":
        private = update.effective_chat.type == ChatType.PRIVATE
        return await context.application.bot_data["planner"].welcome(lid, channel if private else None)
    if name in QUIZ_COMMANDS:
        return await service.command(lid, name, arg, channel)
    raise ValueError(name)


def _command(name: str):
    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if name == "drill" and not context.args:
            await _drill_menu(update, context, None)
            return
        await _respond(update, context, await run_command(name, _arg(context), update, context))

    handler.__name__ = f"on_{name}"
    handler.__doc__ = f"/{name}"
    return handler


async def _drill_menu(update: Update, context: ContextTypes.DEFAULT_TYPE, domain: str | None) -> None:
    """Buttons for the four domains, then for a domain's task statements."""
    exam = _service(context).bank.exam
    if domain is None:
        rows = [[InlineKeyboardButton(f"{d.number}. {d.name}"[:60], callback_data=encode("d", value=str(d.number)))]
                for d in exam.domains]
        text = "Drill: pick a domain."
    else:
        d = exam.domain(int(domain))
        rows = [[InlineKeyboardButton(f"All of domain {d.number}", callback_data=encode("D", value=str(d.number)))]]
        rows += [[InlineKeyboardButton(f"{t.id} {t.title}"[:60], callback_data=encode("D", value=t.id))]
                 for t in d.tasks]
        text = f"Drill on domain {d.number}, {d.name}: the whole domain or one task statement?"
    await context.bot.send_message(update.effective_chat.id, render.esc(text), parse_mode=ParseMode.HTML,
                                   reply_markup=InlineKeyboardMarkup(rows))


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: ask first; the buttons erase or cancel."""
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton("Yes, erase my data", callback_data=encode("f", value="yes")),
        InlineKeyboardButton("Cancel", callback_data=encode("f", value="no")),
    ]])
    await context.bot.send_message(update.effective_chat.id,
                                   "Erase all your answers, sessions and settings? This cannot be undone.",
                                   reply_markup=keyboard)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed answer ("B", "A C", "C A B D", "1B 2A 3C") in a private chat."""
    lid = await _learner(update, context)
    await _respond(update, context, await _service(context).answer_text(lid, update.effective_message.text))


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button tap. Anything stale, foreign or garbled is refused and changes nothing."""
    query = update.callback_query
    cb = decode(query.data)
    if cb is None:
        await query.answer(STALE)
        return
    if cb.kind == "c":
        await query.answer()
        if cb.value == "drill":
            await _drill_menu(update, context, None)
        else:
            await send(context.bot, update.effective_chat.id, await run_command(cb.value, None, update, context))
        return
    if cb.kind in "dD":
        await query.answer()
        if cb.kind == "d":
            await _drill_menu(update, context, cb.value)
        else:
            await send(context.bot, update.effective_chat.id, await run_command("drill", cb.value, update, context))
        return
    if cb.kind == "f":
        await _forget(update, context, cb)
        return
    if cb.kind == "k":  # a command with arguments, as if typed
        name, _, arg = cb.value[1:].partition(" ")
        if name not in {n for n, _ in MENU} - {"forget"} - ROUND_COMMANDS:
            await query.answer(STALE)
            return
        reply = await run_command(name, arg or None, update, context)
        await query.answer(render.toast(reply.text) if reply.refused else None)
        if not reply.refused:
            await send(context.bot, update.effective_chat.id, reply)
        return
    await _question_button(update, context, cb)


async def _forget(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    await query.answer()
    await _drop_keyboard(query)
    if cb.value == "yes":
        reply = await _service(context).forget(await _learner(update, context))
    else:
        reply = Reply(["Kept: nothing was erased."])
    await send(context.bot, update.effective_chat.id, reply)


async def _question_button(update: Update, context: ContextTypes.DEFAULT_TYPE, cb: Callback) -> None:
    query = update.callback_query
    service, lid = _service(context), await _learner(update, context)
    if cb.kind == "x":
        await query.answer()
        await send(context.bot, update.effective_chat.id,
                   await service.explain(lid, cb.position + 1, session_id=cb.session_id))
        return
    if cb.kind in "tom":  # partial choice: redraw the card with the new selection
        current = (await service.current(lid)).card
        if (current is None or (current.session_id, current.position) != (cb.session_id, cb.position)
                or not _valid_state(cb, len(current.choices), len(current.prompts))):
            await query.answer(STALE)
            return
        text, keyboard = render.card_message(current, cb.value)
        await query.answer()
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        except BadRequest as exc:  # a double tap: "message is not modified"
            log.debug("edit skipped: %s", exc)
        return
    response = _response(cb)
    if response is None:
        await query.answer(STALE)
        return
    reply = await service.answer(lid, cb.session_id, cb.position, response)
    if reply.refused:
        await query.answer(render.toast(reply.text))
        return
    await query.answer("Answer recorded.")
    in_place = render.verdict_message(reply)
    if in_place is None:
        await _drop_keyboard(query)
        await send(context.bot, update.effective_chat.id, reply)
        return
    text, keyboard = in_place
    try:
        await _retrying(lambda: query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard))
    except BadRequest as exc:  # the question's message cannot be edited (gone, or too old): send the verdict
        log.debug("verdict not placed under its question: %s", exc)
        await send(context.bot, update.effective_chat.id, reply)
        return
    if reply.card is not None:
        await send(context.bot, update.effective_chat.id, Reply([], card=reply.card))


def _valid_state(cb: Callback, choices: int, prompts: int) -> bool:
    if cb.kind == "t":
        return int(cb.value) < 1 << choices
    letters = cb.value
    limit = choices if cb.kind == "o" else prompts
    return (len(letters) <= limit and len(set(letters)) == len(letters)
            and all(ch in LETTERS[:choices] for ch in letters))


def _response(cb: Callback) -> list[int] | None:
    """Display positions from a final button; None when the data cannot be an answer."""
    if cb.kind == "a":
        return [int(cb.value)]
    if cb.kind == "s":
        mask = int(cb.value)
        return [k for k in range(len(LETTERS)) if mask >> k & 1]
    if cb.kind in "OM" and all(ch in LETTERS for ch in cb.value):
        return [LETTERS.index(ch) for ch in cb.value]
    return None


async def _drop_keyboard(query) -> None:
    """Take the buttons off an answered question, so old buttons are not tapped by mistake."""
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as exc:
        log.debug("keyboard already gone: %s", exc)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log handler errors without their arguments (which could hold a learner's text), and carry on."""
    if isinstance(context.error, Forbidden):
        log.warning("a chat blocked the bot; not retrying: %s", context.error)
        return
    log.error("handler failed: %r", context.error, exc_info=context.error)


def register(app: Application) -> None:
    """Attach every handler; nothing is registered at import time."""
    register_rounds(app)  # first, so its commands and round buttons take precedence over the generic ones
    for name, _ in MENU:
        if name == "forget":
            app.add_handler(CommandHandler(name, on_forget))
        elif name not in ROUND_COMMANDS:
            app.add_handler(CommandHandler(name, _command(name)))
    app.add_handler(CallbackQueryHandler(on_callback))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, on_text))
    app.add_error_handler(on_error)
