"""What every Telegram handler reaches through `context.bot_data`, typed (PTB's ContextTypes), and the
one helper that sends through the Bot API.

PTB's AIORateLimiter keeps Telegram's limits and retries a RetryAfter itself; `call` adds the one other
retry a send needs, a few attempts with backoff on a network error. BadRequest and Forbidden are final.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from telegram import Bot, CallbackQuery, InputFile, Poll, ReplyParameters, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from adapters.telegram import render
from core.commands import Chat, Surface
from core.dispatch import Caller, Dispatcher
from core.reply import Reply
from core.rounds.delivery import RoundDelivery

PLATFORM = "telegram"
NETWORK_ATTEMPTS = 4
NAME_LIMIT = 64
T = TypeVar("T")


class BotData:
    """The services of one Application, and the round delivery drawing on its bot."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.quiz = dispatcher.quiz
        self.planner = dispatcher.planner
        self.rounds = dispatcher.rounds
        # Draws group rounds on this bot; made with the bot, once the Application is built (app.py).
        self.round_delivery: RoundDelivery | None = None
        # The diagnostic or mock question each private chat last showed, (session id, position): a typed answer
        # is for it even after the web view moved the session on (core/quiz/binding.py, Sent.form). Only a
        # hint: after a restart it is empty, and the answer is bound as any other.
        self.forms: dict[int, tuple[int, int]] = {}


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]


def context_types(dispatcher: Dispatcher) -> ContextTypes[Context, BotData, dict[Any, Any], dict[Any, Any]]:
    """ContextTypes whose bot_data is this Application's BotData (PTB builds it without arguments)."""

    class AppData(BotData):
        def __init__(self) -> None:
            super().__init__(dispatcher)

    made = ContextTypes(context=CallbackContext, bot_data=AppData)
    return cast("ContextTypes[Context, BotData, dict[Any, Any], dict[Any, Any]]", made)


def data_of(app: Application[Any, Any, Any, Any, Any, Any]) -> BotData:
    """The Application's typed bot_data (the builder's generics do not carry it through)."""
    data = app.bot_data
    assert isinstance(data, BotData), "built with context_types()"
    return data


def remember(context: Context, chat_id: int, reply: Reply) -> None:
    """Note the question a reply shows in the chat, if it is one of a running diagnostic or mock."""
    card = reply.card
    if card is not None and card.nav:
        context.bot_data.forms[chat_id] = (card.session_id, card.position)
    elif card is not None:
        context.bot_data.forms.pop(chat_id, None)


def chat_of(update: Update) -> int:
    """The chat an update came from (the handlers are registered for chat messages and buttons only)."""
    chat = update.effective_chat
    assert chat is not None, "an update without a chat"
    return chat.id


def query_of(update: Update) -> CallbackQuery:
    query = update.callback_query
    assert query is not None, "registered for button taps only"
    return query


def update_key(update: Update, context: Context) -> tuple[str, str]:
    """The update's key for applying it once: update ids are numbered per bot, so the bot's id is part of it
    (a database that once served another bot must not take this bot's updates for that one's)."""
    return f"{PLATFORM}:{context.bot.id}", str(update.update_id)


def is_private(chat_id: int) -> bool:
    """Whether a chat is a one-to-one chat with a user: Telegram numbers users from 1 up and every group,
    supergroup and channel below zero."""
    return chat_id > 0


def channel_of(chat_id: int) -> str:
    return f"{PLATFORM}:{chat_id}"


def chat_id_of(channel: str) -> int:
    return int(channel.removeprefix(f"{PLATFORM}:"))


async def call(make: Callable[[], Awaitable[T]]) -> T:
    """One Bot API call, retried a few times with backoff on a network error."""
    for attempt in range(NETWORK_ATTEMPTS):
        try:
            return await make()
        except (BadRequest, Forbidden):
            raise
        except NetworkError:
            if attempt == NETWORK_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


async def send(bot: Bot, chat_id: int, reply: Reply, reply_to: int | None = None) -> None:
    """Send every message of a reply (and its poll), quoting `reply_to` when given. A chart goes first, as a
    photo: with the reply's text as its caption when that fits one, else captioned with what it shows and
    followed by the text's messages."""
    quote = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
    if reply.image is not None:
        image, caption = reply.image, render.caption(reply)
        markup = render.actions_keyboard(reply) if caption is not None else None
        await call(lambda: bot.send_photo(chat_id, InputFile(image.data, filename=image.name),
                                          caption=caption or render.alt_caption(image.alt), parse_mode=ParseMode.HTML,
                                          reply_markup=markup, reply_parameters=quote))
        if caption is not None:
            return
    for text, markup in render.messages(reply, private=is_private(chat_id)):
        await call(lambda text=text, markup=markup: bot.send_message(  # type: ignore[misc]
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup, reply_parameters=quote))
    if reply.poll is not None:
        poll = reply.poll
        await call(lambda: bot.send_poll(chat_id, poll.question, poll.options, is_anonymous=False, type=Poll.QUIZ,
                                         correct_option_ids=[poll.correct],  # type: ignore[list-item]  # 0-11
                                         explanation=render.toast(poll.explanation)))


async def say(bot: Bot, chat_id: int, texts: list[str], reply_to: int | None = None) -> None:
    """Send already rendered HTML messages."""
    quote = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
    for text in texts:
        await call(lambda text=text: bot.send_message(chat_id, text, parse_mode=ParseMode.HTML,  # type: ignore[misc]
                                                      reply_parameters=quote))


async def is_manager(update: Update, context: Context) -> bool:
    """Whether the sender may change this chat's settings: the private chat's owner, a group's admins.

    An anonymous admin posts as the group itself (sender_chat is the group), which only admins can do."""
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in ("administrator", "creator")


async def caller(update: Update, context: Context, name: str = "", arg: str | None = None) -> Caller:
    """The core's view of who sent this update and from where; asks Telegram about admin rights only when
    the command's rights depend on them."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    data = context.bot_data
    learner = await data.quiz.learner(PLATFORM, str(user.id))
    kind = Chat.PRIVATE if chat.type == ChatType.PRIVATE else Chat.GROUP
    channel = channel_of(chat.id)
    manager = kind is Chat.PRIVATE or (data.dispatcher.manager_matters(kind, name, arg)
                                       and await is_manager(update, context))
    return Caller(learner, Surface.TELEGRAM, channel, kind, personal=channel, manager=manager,
                  name=(user.full_name or str(user.id))[:NAME_LIMIT])
