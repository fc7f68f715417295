"""Telegram's side of group rounds: the surface the core's RoundDelivery draws on, the round buttons, and
the replies to round commands (the commands themselves go through the core's dispatcher)."""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from adapters.telegram import round_render
from adapters.telegram.codec import decode
from adapters.telegram.context import BotData, Context, call, caller, channel_of, chat_id_of, say
from adapters.telegram.render import toast
from core.rounds.delivery import RoundDelivery
from core.rounds.engine import CLOSED
from core.rounds.layout import Layout, leaderboard_layout, plain_layout
from core.rounds.view import RoundReply

log = logging.getLogger(__name__)


class TelegramRoundSurface:
    """Round messages as HTML with inline keyboards, sent and edited through the rate-limited Bot API."""

    per_row = round_render.PER_ROW

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def post(self, chat: str, layout: Layout) -> str:
        message = await call(lambda: self.bot.send_message(
            chat_id_of(chat), round_render.text(layout), parse_mode=ParseMode.HTML,
            reply_markup=round_render.keyboard(layout)))
        return str(message.message_id)

    async def edit(self, chat: str, ref: str, layout: Layout) -> bool:
        try:
            await call(lambda: self.bot.edit_message_text(
                round_render.text(layout), chat_id=chat_id_of(chat), message_id=int(ref),
                parse_mode=ParseMode.HTML, reply_markup=round_render.keyboard(layout)))
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True
            log.info("could not edit round message %s: %s", ref, exc)
            return False
        return True

    async def say(self, chat: str, layout: Layout) -> None:
        await say(self.bot, chat_id_of(chat), round_render.messages(layout))


def delivery(data: BotData) -> RoundDelivery:
    assert data.round_delivery is not None, "rounds are wired in adapters/telegram/app.py"
    return data.round_delivery


async def show_reply(update: Update, context: Context, reply: RoundReply) -> None:
    """A round command's result: text (quoting the command), a first question, or an update such as a stop."""
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None
    drawing = delivery(context.bot_data)
    if reply.paragraphs:
        await say(context.bot, chat.id, round_render.messages(plain_layout(reply.paragraphs)),
                  message.message_id if message else None)
    if reply.leaderboard is not None:
        await say(context.bot, chat.id, round_render.messages(leaderboard_layout(reply.leaderboard)))
    if reply.card is not None:
        await drawing.start(channel_of(chat.id), reply.card)
    if reply.update is not None:
        await drawing.deliver(reply.update)


async def on_round_button(update: Update, context: Context) -> None:
    """A round button: every tap is acknowledged privately; only the live count is shown to the group."""
    query = update.callback_query
    assert query is not None
    cb = decode(query.data)
    if cb is None or cb.kind not in "rgG" or update.effective_chat is None:
        await query.answer(CLOSED)
        return
    data = context.bot_data
    service, drawing = data.rounds, delivery(data)
    assert service is not None
    member = await caller(update, context)
    channel = member.channel
    if cb.kind == "r":
        reply = await service.answer(channel, cb.session_id, cb.position, member.learner_id, member.name,
                                     [int(cb.value)])
    elif cb.kind == "g":
        reply = await service.toggle(channel, cb.session_id, cb.position, member.learner_id, int(cb.value))
    else:
        reply = await service.submit(channel, cb.session_id, cb.position, member.learner_id, member.name)
    await query.answer(toast(reply.ack) if reply.ack else None)
    if reply.live is not None:
        tapped = str(query.message.message_id) if query.message else None
        drawing.show_count(channel, reply.live, reply.message_ref or tapped)
    if reply.update is not None:
        await drawing.deliver(reply.update)


def register_rounds(app: Application) -> None:
    """Attach the round buttons (before the generic button handler); the round commands go through the
    core's dispatcher like every other command."""
    app.add_handler(CallbackQueryHandler(on_round_button, pattern=r"^[rgG]:"))
