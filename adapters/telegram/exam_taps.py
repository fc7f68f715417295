"""Telegram: a tap on a diagnostic or mock's key (Flag, Previous, Skip, the review screen's grid and pages,
Submit and its confirmation, the walk-through's pages), run by the core (core/quiz/exam_keys.py).

The tapped message becomes what the tap shows, so an exam moves in one message instead of filling the
chat; a move's words (flagged, the offline note) come as the tap's notice. A refused tap (stale, forged,
another attempt's) is a notice only, and changes nothing.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from adapters.telegram import render
from adapters.telegram.codec import Callback
from adapters.telegram.context import Context, call, caller, chat_of, is_private, query_of, remember, send
from core.quiz import key_press
from core.quiz.exam_keys import Act
from core.quiz.exam_service import ExamService
from core.reply import Reply

log = logging.getLogger(__name__)


async def on_key(update: Update, context: Context, cb: Callback) -> None:
    """Run the key for the learner who tapped it; show the result in place of the tapped message."""
    query, chat = query_of(update), chat_of(update)
    learner = (await caller(update, context)).learner_id
    reply = await key_press.press(ExamService(context.bot_data.quiz), learner, Act(cb.value), cb.session_id,
                                  cb.position)
    if reply.refused:
        await query.answer(render.toast(reply.text))
        return
    shown = Reply([], card=reply.card) if reply.card is not None else reply
    await query.answer(render.toast(reply.text) if shown is not reply and reply.paragraphs else None)
    remember(context, chat, reply)
    messages = render.messages(shown, private=is_private(chat))
    if len(messages) == 1:
        text, markup = messages[0]
        try:
            await call(lambda: query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup))
            return
        except BadRequest as exc:  # gone, too old, or "not modified" (a double tap): send it instead
            if "not modified" in str(exc):
                return
            log.debug("exam screen not placed in the tapped message: %s", exc)
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except BadRequest as exc:
        log.debug("keyboard already gone: %s", exc)
    await send(context.bot, chat, shown)
