"""Telegram handlers: translate commands and button taps into calls of the core's dispatcher, and replies back."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from adapters.telegram import exam_taps, render, rounds
from adapters.telegram.codec import Callback, decode, encode
from adapters.telegram.context import (
    PLATFORM,
    Context,
    call,
    caller,
    chat_of,
    is_private,
    query_of,
    remember,
    send,
    update_key,
)
from core.args import parse_scope
from core.commands import Chat, Surface, by_button, offered, visible
from core.dispatch import FORGET_KEPT, FORGET_PROMPT
from core.exam.model import Exam
from core.quiz.binding import Sent
from core.quiz.grading import LETTERS
from core.quiz.service import STALE
from core.reply import FAILED, Reply
from core.rounds.view import RoundReply

log = logging.getLogger(__name__)


def menu(chat: Chat) -> list[tuple[str, str]]:
    """The command menu for a kind of chat, from the core's catalogue."""
    return [(c.name, c.summary) for c in visible(Surface.TELEGRAM, chat)]


async def _respond(update: Update, context: Context, reply: Reply | RoundReply) -> None:
    """Reply in the chat; in groups, quote the learner's message so the answer is clearly theirs."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None
    if isinstance(reply, RoundReply):
        await rounds.show_reply(update, context, reply)
        return
    reply_to = message.message_id if chat.type != ChatType.PRIVATE and message else None
    remember(context, chat.id, reply)
    await send(context.bot, chat.id, reply, reply_to)


async def _show(update: Update, context: Context, reply: Reply | RoundReply) -> None:
    """The answer to a button: a new message in the chat, not quoting the bot's own message."""
    if isinstance(reply, RoundReply):
        await rounds.show_reply(update, context, reply)
        return
    assert update.effective_chat is not None
    remember(context, chat_of(update), reply)
    await send(context.bot, chat_of(update), reply)


async def run_command(name: str, arg: str | None, update: Update, context: Context) -> Reply | RoundReply:
    """A catalogue command for whoever sent this update (typed, or a button that stands for it)."""
    return await context.bot_data.dispatcher.run(await caller(update, context, name, arg), name, arg)


async def on_command(update: Update, context: Context) -> None:
    """Every /command of the catalogue: /drill alone offers buttons, /forget asks first with buttons."""
    message = update.effective_message
    if message is None or not message.text:
        return
    if not await _first_delivery(update, context):
        return
    name = message.text.split()[0][1:].split("@")[0].lower()
    arg = " ".join(context.args) if context.args else None
    if name == "drill" and arg is None:
        await _drill_menu(update, context, None)
        return
    if name == "forget" and arg is None:
        await on_forget(update, context)
        return
    await _respond(update, context, await run_command(name, arg, update, context))


async def _drill_menu(update: Update, context: Context, domain: str | None) -> None:
    """Buttons for the mix and the four domains, then for a domain's task statements, of the learner's exam."""
    exam = await _exam(update, context)
    if domain is None:
        rows = [[InlineKeyboardButton("Mix: chosen for your level", callback_data=encode("k", value="/drill mix"))]]
        rows += [[InlineKeyboardButton(f"{d.number}. {d.name}"[:60], callback_data=encode("d", value=str(d.number)))]
                 for d in exam.domains]
        text = f"{exam.code} drill: a mix chosen for your level, or pick a domain."
    else:
        d = exam.domain(int(domain))
        rows = [[InlineKeyboardButton(f"All of domain {d.number}", callback_data=encode("D", value=str(d.number)))]]
        rows += [[InlineKeyboardButton(f"{t.id} {t.title}"[:60], callback_data=encode("D", value=t.id))]
                 for t in d.tasks]
        text = f"Drill on domain {d.number}, {d.name}: the whole domain or one task statement?"
    await context.bot.send_message(chat_of(update), render.esc(text), parse_mode=ParseMode.HTML,
                                   reply_markup=InlineKeyboardMarkup(rows))


async def on_forget(update: Update, context: Context) -> None:
    """/forget: ask first; the buttons erase or cancel."""
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton("Yes, erase my data", callback_data=encode("f", value="yes")),
        InlineKeyboardButton("Cancel", callback_data=encode("f", value="no")),
    ]])
    await context.bot.send_message(chat_of(update), FORGET_PROMPT, reply_markup=keyboard)


async def _first_delivery(update: Update, context: Context) -> bool:
    """Whether this message is new: Telegram re-sends the updates whose offset a killed bot never confirmed,
    and a command is applied once (recorded first). Button taps are not recorded: each names its session
    and position (or round and member), so a re-sent tap is refused as no longer active."""
    user = update.effective_user
    learner = await context.bot_data.quiz.learner(PLATFORM, str(user.id)) if user is not None else None
    return await context.bot_data.quiz.first_delivery(learner, update_key(update, context))


async def on_text(update: Update, context: Context) -> None:
    """A typed answer ("B", "A C", "C A B D", "1B 2A 3C") in a private chat, for the question shown before
    the message was sent; the update is recorded with the answer, so a re-sent one changes nothing."""
    message = update.effective_message
    lid = (await caller(update, context)).learner_id
    assert message is not None, "registered for text messages"
    sent = Sent(update=update_key(update, context), at=message.date, form=context.bot_data.forms.get(chat_of(update)))
    await _respond(update, context, await context.bot_data.quiz.answer_text(lid, message.text or "", sent))


async def on_callback(update: Update, context: Context) -> None:
    """Every button tap. Anything stale, foreign or garbled is refused and changes nothing."""
    query = query_of(update)
    cb = decode(query.data)
    if cb is None:
        await query.answer(STALE)
        return
    if cb.kind == "c":
        await query.answer()
        if cb.value == "drill":
            await _drill_menu(update, context, None)
        else:
            await _show(update, context, await run_command(cb.value, None, update, context))
        return
    if cb.kind in "dD":
        if not await _drill_scope(update, context, cb):  # forged: "d:9", "d:x", "d:1.9" name no domain
            await query.answer(STALE)
            return
        await query.answer()
        if cb.kind == "d":
            await _drill_menu(update, context, cb.value)
        else:
            await _show(update, context, await run_command("drill", cb.value, update, context))
        return
    if cb.kind == "f":
        await _forget(update, context, cb)
        return
    if cb.kind == "e":
        await exam_taps.on_key(update, context, cb)
        return
    if cb.kind == "k":  # a command with arguments, as if typed
        name, _, arg = cb.value[1:].partition(" ")
        if not by_button(name):
            await query.answer(STALE)
            return
        reply = await run_command(name, arg or None, update, context)
        await query.answer(render.toast(reply.text) if reply.refused else None)
        if not reply.refused:
            await _show(update, context, reply)
        return
    await _question_button(update, context, cb)


async def _exam(update: Update, context: Context) -> Exam:
    """The exam the learner behind the update studies."""
    return (await context.bot_data.quiz.exam_of((await caller(update, context)).learner_id)).exam


async def _drill_scope(update: Update, context: Context, cb: Callback) -> bool:
    """Whether a drill-menu button names what its buttons carry: a domain number ("d:2"), or a domain or
    task statement of the exam ("D:2", "D:2.1")."""
    exam = await _exam(update, context)
    if cb.kind == "d":
        return cb.value in {str(d.number) for d in exam.domains}
    return parse_scope(exam, cb.value) == cb.value


async def _forget(update: Update, context: Context, cb: Callback) -> None:
    query = query_of(update)
    await query.answer()
    await _drop_keyboard(query)
    if cb.value == "yes":
        reply = await context.bot_data.quiz.forget((await caller(update, context)).learner_id)
    else:
        reply = Reply([FORGET_KEPT])
    await send(context.bot, chat_of(update), reply)


async def _question_button(update: Update, context: Context, cb: Callback) -> None:
    query = query_of(update)
    service, lid = context.bot_data.quiz, (await caller(update, context)).learner_id
    if cb.kind == "x":
        await query.answer()
        await send(context.bot, chat_of(update),
                   await service.explain(lid, cb.position + 1, session_id=cb.session_id))
        return
    if cb.kind in "tom":  # partial choice: redraw the card with the new selection
        current = (await service.current(lid)).card
        if (current is None or (current.session_id, current.position) != (cb.session_id, cb.position)
                or not _valid_state(cb, len(current.choices), len(current.prompts))):
            await query.answer(STALE)
            return
        text, keyboard = render.card_message(current, cb.value, private=is_private(chat_of(update)))
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
    reply = await service.answer(lid, cb.session_id, cb.position, response, from_message=True)
    if reply.refused:
        await query.answer(render.toast(reply.text))
        return
    await query.answer("Answer recorded.")
    remember(context, chat_of(update), reply)
    in_place = render.verdict_message(reply)
    if in_place is None:
        await _drop_keyboard(query)
        await send(context.bot, chat_of(update), reply)
        return
    verdict, under = in_place
    try:
        await call(lambda: query.edit_message_text(verdict, parse_mode=ParseMode.HTML, reply_markup=under))
    except BadRequest as exc:  # the question's message cannot be edited (gone, or too old): send the verdict
        log.debug("verdict not placed under its question: %s", exc)
        await send(context.bot, chat_of(update), reply)
        return
    if reply.card is not None:
        await send(context.bot, chat_of(update), Reply([], card=reply.card))


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


async def on_error(update: object, context: Context) -> None:
    """Log a handler's error once, without its arguments (which could hold a learner's text), and answer the
    learner with the core's FAILED wording, so a bug or a database outage never leaves them without a reply."""
    if isinstance(context.error, Forbidden):
        log.warning("a chat blocked the bot; not retrying: %s", context.error)
        return
    log.error("handler failed: %r", context.error, exc_info=context.error)
    if isinstance(update, Update):
        await say_failed(update, context.bot)


async def say_failed(update: Update, bot: Bot) -> None:
    """A tap gets FAILED as its notice (or as a message once the tap was answered); a message, a reply."""
    try:
        query = update.callback_query  # None for a message
        if query is not None:
            try:
                await query.answer(FAILED)
                return
            except BadRequest:  # the tap was answered already (or is too old): say it in the chat
                pass
        if update.effective_chat is not None:
            await send(bot, chat_of(update), Reply([FAILED]))
    except TelegramError as exc:  # Telegram is unreachable too: the log has the first error already
        log.warning("could not tell the chat that a command failed: %s", exc)


def register(app: Application) -> None:
    """Attach every handler; nothing is registered at import time."""
    rounds.register_rounds(app)  # first, so the round buttons take precedence over the generic ones
    app.add_handler(CommandHandler([c.name for c in offered(Surface.TELEGRAM)], on_command))
    app.add_handler(CallbackQueryHandler(on_callback))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, on_text))
    app.add_error_handler(on_error)
