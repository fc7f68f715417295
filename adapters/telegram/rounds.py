"""Telegram handlers for group rounds: /round, /stopround, /roundsettings, /leaderboard and the round buttons.

Group chats allow about 20 messages a minute, so each question is ONE message: sent once, edited for the
live answer count, edited again for the reveal. Its message id is stored with the question (message_ref),
so a reveal after a restart still edits the right message.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from adapters.telegram import round_render
from adapters.telegram.codec import decode
from adapters.telegram.context import BotData, Context, call, caller, chat_id_of, say
from adapters.telegram.render import toast
from core.rounds.engine import CLOSED
from core.rounds.service import RoundService
from core.rounds.view import RoundCard, RoundReply, RoundUpdate

log = logging.getLogger(__name__)


def _rounds(data: BotData) -> RoundService:
    assert data.rounds is not None, "rounds are wired in bot/bootstrap.py"
    return data.rounds


async def send_card(bot: Bot, service: RoundService, chat_id: int, card: RoundCard) -> None:
    """Send a new question and remember its message, so the count and the reveal edit it in place."""
    message = await call(lambda: bot.send_message(chat_id, round_render.card_text(card), parse_mode=ParseMode.HTML,
                                                   reply_markup=round_render.card_keyboard(card)))
    await service.set_message(card.round_id, card.position, str(message.message_id))


async def _edit(bot: Bot, chat_id: int, message_ref: str | None, text: str, keyboard=None) -> bool:
    """Edit a question's message; False when there is none or Telegram refuses (deleted, too old)."""
    if message_ref is None:
        return False
    try:
        await call(lambda: bot.edit_message_text(text, chat_id=chat_id, message_id=int(message_ref),
                                                  parse_mode=ParseMode.HTML, reply_markup=keyboard))
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return True
        log.info("could not edit round message %s: %s", message_ref, exc)
        return False
    return True


async def deliver_round(app: Application, update: RoundUpdate) -> None:
    """Show a round update: the reveal edited into the question's message, the next question, the end."""
    data: BotData = app.bot_data
    bot, service, chat_id = app.bot, _rounds(data), chat_id_of(update.chat)
    async with data.round_drawing[chat_id]:
        if update.reveal is not None:
            text = round_render.reveal_text(update.reveal)
            if not await _edit(bot, chat_id, update.message_ref, text):
                await say(bot, chat_id, [text])  # the question was never shown (a crash) or its message is gone
        if update.next is not None:
            await send_card(bot, service, chat_id, update.next)
        if update.end is not None:
            await say(bot, chat_id, round_render.summary_messages(update.end))


async def show_reply(update: Update, context: Context, reply: RoundReply) -> None:
    """A round command's result: text (quoting the command), a first question, or an update such as a stop."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None
    data = context.bot_data
    if reply.paragraphs:
        await say(context.bot, chat.id, round_render.plain(reply.paragraphs), message.message_id if message else None)
    if reply.leaderboard is not None:
        await say(context.bot, chat.id, round_render.leaderboard_messages(reply.leaderboard))
    if reply.card is not None:
        async with data.round_drawing[chat.id]:
            await send_card(context.bot, _rounds(data), chat.id, reply.card)
    if reply.update is not None:
        await deliver_round(context.application, reply.update)


async def on_round_button(update: Update, context: Context) -> None:
    """A round button: every tap is acknowledged privately; only the live count is shown to the group."""
    query = update.callback_query
    cb = decode(query.data)
    if cb is None or cb.kind not in "rgG" or update.effective_chat is None:
        await query.answer(CLOSED)
        return
    service = _rounds(context.bot_data)
    member = await caller(update, context)
    chat_id, channel, name = update.effective_chat.id, member.channel, member.name
    member = member.learner_id
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
    data: BotData = app.bot_data
    counts = data.round_counts
    drawing = chat_id in counts
    counts[chat_id] = (live, ref)
    if not drawing:
        task = asyncio.create_task(_draw_counts(app, service, channel, chat_id), name=f"round-count-{chat_id}")
        tasks = data.round_count_tasks
        tasks.add(task)
        task.add_done_callback(_count_drawn(tasks))


async def _draw_counts(app: Application, service: RoundService, channel: str, chat_id: int) -> None:
    data: BotData = app.bot_data
    counts = data.round_counts
    try:
        while (newest := counts[chat_id]) is not None:
            counts[chat_id] = None
            live, ref = newest
            async with data.round_drawing[chat_id]:
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
    """Attach the round buttons (before the generic button handler); the round commands go through the
    core's dispatcher like every other command."""
    app.add_handler(CallbackQueryHandler(on_round_button, pattern=r"^[rgG]:"))
