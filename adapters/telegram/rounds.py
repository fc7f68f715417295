"""Telegram handlers for group rounds: /round, /stopround, /roundsettings, /leaderboard and the round buttons.

Group chats allow about 20 messages a minute, so each question is ONE message: sent once, edited for the
live answer count, edited again for the reveal. Its message id is stored with the question (message_ref),
so a reveal after a restart still edits the right message.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from telegram import Bot, ReplyParameters, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, NetworkError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from adapters.telegram import round_render
from adapters.telegram.codec import decode
from adapters.telegram.render import toast
from core.rounds.engine import CLOSED
from core.rounds.service import NOT_IN_PRIVATE, RoundService
from core.rounds.view import RoundCard, RoundReply, RoundUpdate

log = logging.getLogger(__name__)
PLATFORM = "telegram"  # the same platform name as handlers.PLATFORM (not imported: handlers imports us)
ATTEMPTS = 4
NAME_LIMIT = 64

def channel_of(chat_id: int) -> str:
    return f"{PLATFORM}:{chat_id}"


def chat_id_of(channel: str) -> int:
    return int(channel.removeprefix(f"{PLATFORM}:"))


def _rounds(context: ContextTypes.DEFAULT_TYPE) -> RoundService:
    return context.application.bot_data["rounds"]


def _drawing(app: Application, chat_id: int) -> asyncio.Lock:
    """One chat's round messages are drawn one change at a time, so a late live count never lands on
    top of the reveal (the tick reveals while a tap's handler is still acknowledging the tap)."""
    return app.bot_data.setdefault("round_drawing", defaultdict(asyncio.Lock))[chat_id]


async def _member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[int, str]:
    """The member's learner id (the same identity as their private practice) and display name."""
    user = update.effective_user
    learner = await context.application.bot_data["service"].learner(PLATFORM, str(user.id))
    return learner, (user.full_name or str(user.id))[:NAME_LIMIT]


async def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Ask Telegram (getChatMember); an anonymous admin posts as the group itself, which only admins can."""
    chat, message = update.effective_chat, update.effective_message
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    member = await context.bot.get_chat_member(chat.id, update.effective_user.id)
    return member.status in ("administrator", "creator")


async def _call(make) -> object:
    """A Bot API call with a few retries on network errors (BadRequest and Forbidden are final)."""
    for attempt in range(ATTEMPTS):
        try:
            return await make()
        except BadRequest:
            raise
        except NetworkError:
            if attempt == ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.5 * 2**attempt)
    return None


async def _say(bot: Bot, chat_id: int, texts: list[str], reply_to: int | None = None) -> None:
    quote = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
    for text in texts:
        await _call(lambda text=text: bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,
                                                       reply_parameters=quote))


async def send_card(bot: Bot, service: RoundService, chat_id: int, card: RoundCard) -> None:
    """Send a new question and remember its message, so the count and the reveal edit it in place."""
    message = await _call(lambda: bot.send_message(chat_id, round_render.card_text(card), parse_mode=ParseMode.HTML,
                                                   reply_markup=round_render.card_keyboard(card)))
    await service.set_message(card.round_id, card.position, str(message.message_id))


async def _edit(bot: Bot, chat_id: int, message_ref: str | None, text: str, keyboard=None) -> bool:
    """Edit a question's message; False when there is none or Telegram refuses (deleted, too old)."""
    if message_ref is None:
        return False
    try:
        await _call(lambda: bot.edit_message_text(text, chat_id=chat_id, message_id=int(message_ref),
                                                  parse_mode=ParseMode.HTML, reply_markup=keyboard))
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return True
        log.info("could not edit round message %s: %s", message_ref, exc)
        return False
    return True


async def deliver_round(app: Application, update: RoundUpdate) -> None:
    """Show a round update: the reveal edited into the question's message, the next question, the end."""
    bot, service, chat_id = app.bot, app.bot_data["rounds"], chat_id_of(update.chat)
    async with _drawing(app, chat_id):
        if update.reveal is not None:
            text = round_render.reveal_text(update.reveal)
            if not await _edit(bot, chat_id, update.message_ref, text):
                await _say(bot, chat_id, [text])  # the question was never shown (a crash) or its message is gone
        if update.next is not None:
            await send_card(bot, service, chat_id, update.next)
        if update.end is not None:
            await _say(bot, chat_id, round_render.summary_messages(update.end))


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: RoundReply) -> None:
    """A command's result: text (quoting the command), a first question, or an update such as a stop."""
    chat_id = update.effective_chat.id
    if reply.paragraphs:
        await _say(context.bot, chat_id, round_render.plain(reply.paragraphs), update.effective_message.message_id)
    if reply.leaderboard is not None:
        await _say(context.bot, chat_id, round_render.leaderboard_messages(reply.leaderboard))
    if reply.card is not None:
        async with _drawing(context.application, chat_id):
            await send_card(context.bot, _rounds(context), chat_id, reply.card)
    if reply.update is not None:
        await deliver_round(context.application, reply.update)


async def _in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    if update.effective_chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        return True
    await _reply(update, context, RoundReply([NOT_IN_PRIVATE]))
    return False


async def on_round(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/round [n] [domain]: start a round for the whole group."""
    if not await _in_group(update, context):
        return
    member, name = await _member(update, context)
    channel = channel_of(update.effective_chat.id)
    await _reply(update, context, await _rounds(context).start(channel, member, name, list(context.args or [])))


async def on_stopround(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stopround: the starter or a chat admin ends the round."""
    if not await _in_group(update, context):
        return
    member, _ = await _member(update, context)
    channel = channel_of(update.effective_chat.id)
    await _reply(update, context, await _rounds(context).stop(channel, member, await _is_admin(update, context)))


async def on_roundsettings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/roundsettings [time N | length N]: show or (admins) change the group's round settings."""
    if not await _in_group(update, context):
        return
    words = list(context.args or [])
    is_admin = bool(words) and await _is_admin(update, context)
    channel = channel_of(update.effective_chat.id)
    await _reply(update, context, await _rounds(context).configure(channel, is_admin, words))


async def on_leaderboard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/leaderboard: the group's standings over the last 7 days."""
    if not await _in_group(update, context):
        return
    await _reply(update, context, await _rounds(context).leaderboard(channel_of(update.effective_chat.id)))


async def on_round_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A round button: every tap is acknowledged privately; only the live count is shown to the group."""
    query = update.callback_query
    cb = decode(query.data)
    if cb is None or cb.kind not in "rgG" or update.effective_chat is None:
        await query.answer(CLOSED)
        return
    service = _rounds(context)
    member, name = await _member(update, context)
    chat_id = update.effective_chat.id
    channel = channel_of(chat_id)
    if cb.kind == "r":
        reply = await service.answer(channel, cb.session_id, cb.position, member, name, [int(cb.value)])
    elif cb.kind == "g":
        reply = await service.toggle(channel, cb.session_id, cb.position, member, int(cb.value))
    else:
        reply = await service.submit(channel, cb.session_id, cb.position, member, name)
    await query.answer(toast(reply.ack) if reply.ack else None)
    if reply.live is not None:
        ref = reply.message_ref or (str(query.message.message_id) if query.message else None)
        _show_count(context.application, service, channel, chat_id, reply.live, ref)
    if reply.update is not None:
        await deliver_round(context.application, reply.update)


def _show_count(app: Application, service: RoundService, channel: str, chat_id: int, live: RoundCard,
                ref: str | None) -> None:
    """Draw the live count in the background. A group's updates are handled one at a time, and Telegram
    allows a group 20 messages a minute, so an edit may wait in the rate limiter: drawn inline, it would hold
    up the next members' taps, and their answer times. While one count edit is on its way, newer counts
    replace each other, and only the newest is drawn after it."""
    counts = app.bot_data.setdefault("round_counts", {})
    drawing = chat_id in counts
    counts[chat_id] = (live, ref)
    if not drawing:
        task = asyncio.create_task(_draw_counts(app, service, channel, chat_id), name=f"round-count-{chat_id}")
        tasks = app.bot_data.setdefault("round_count_tasks", set())
        tasks.add(task)
        task.add_done_callback(_count_drawn(tasks))


async def _draw_counts(app: Application, service: RoundService, channel: str, chat_id: int) -> None:
    counts = app.bot_data["round_counts"]
    try:
        while (newest := counts[chat_id]) is not None:
            counts[chat_id] = None
            live, ref = newest
            async with _drawing(app, chat_id):
                if await service.is_open(channel, live.round_id, live.position):  # else the reveal is (being) drawn
                    await _edit(app.bot, chat_id, ref, round_render.card_text(live), round_render.card_keyboard(live))
    finally:
        del counts[chat_id]


def _count_drawn(tasks: set):
    def done(task: asyncio.Task) -> None:
        tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("could not draw a round's live count: %r", task.exception())
    return done


def register_rounds(app: Application) -> None:
    """Attach the round commands and buttons (call before the generic button handler)."""
    for name, handler in (("round", on_round), ("stopround", on_stopround), ("roundsettings", on_roundsettings),
                          ("leaderboard", on_leaderboard)):
        app.add_handler(CommandHandler(name, handler))
    app.add_handler(CallbackQueryHandler(on_round_button, pattern=r"^[rgG]:"))
