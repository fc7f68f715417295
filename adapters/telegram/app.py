"""Building the PTB Application and running its lifecycle by hand, so it shares the event loop."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import defaultdict
from collections.abc import Awaitable

from telegram import BotCommand, BotCommandScopeAllGroupChats, Update
from telegram.error import Forbidden
from telegram.ext import AIORateLimiter, Application, BaseUpdateProcessor

from adapters.telegram import handlers, rounds
from adapters.telegram.context import PLATFORM, context_types, data_of, send
from core.commands import Chat
from core.dispatch import Dispatcher
from core.reply import Reply
from core.rounds.delivery import RoundDelivery
from core.rounds.view import RoundUpdate

log = logging.getLogger(__name__)
DEFAULT_BASE_URL = "https://api.telegram.org/bot"


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Many chats at once, but one chat's updates strictly in the order they arrived.

    Tasks are started in arrival order and asyncio locks are first-come first-served, so a backlog
    delivered in one getUpdates batch after downtime is still handled in order within each chat.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def do_process_update(self, update: object, coroutine: Awaitable) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self._locks[chat.id]:
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def webhook_secret(token: str) -> str:
    """A stable secret_token derived from the bot token (Telegram allows A-Z, a-z, 0-9, _ and -)."""
    return hashlib.sha256(f"mla-coach-webhook:{token}".encode()).hexdigest()[:48]


def build_application(token: str, dispatcher: Dispatcher, base_url: str | None = None) -> Application:
    """The real PTB Application on the core's dispatcher (its services reach handlers as typed bot_data);
    `base_url` points it at a local Bot API server (or a test stand-in)."""
    builder = (Application.builder().token(token)
               .context_types(context_types(dispatcher))
               .rate_limiter(AIORateLimiter(max_retries=5))
               .concurrent_updates(PerChatUpdateProcessor()))
    if base_url:
        builder = builder.base_url(base_url).base_file_url(base_url.replace("/bot", "/file/bot"))
    app = builder.build()
    if dispatcher.rounds is not None:
        data_of(app).round_delivery = RoundDelivery(dispatcher.rounds, rounds.TelegramRoundSurface(app.bot))
    handlers.register(app)
    return app


class TelegramAdapter:
    """Owns one Application: start (polling or webhook), deliver unsolicited replies, stop."""

    prefix = f"{PLATFORM}:"
    exit_code = 1  # the Telegram adapter never stops on its own; if it did, the process should be restarted
    restartable = True  # a failed start (the Bot API unreachable) may be tried again: initialize() is idempotent

    def __init__(self, app: Application, webhook_url: str | None = None, webhook_port: int = 8443,
                 poll_interval: float = 0.0, webhook_listen: str = "0.0.0.0") -> None:
        self.app = app
        self.webhook_url = webhook_url
        self.webhook_port = webhook_port
        self.webhook_listen = webhook_listen
        self.poll_interval = poll_interval
        self.ended = asyncio.Event()

    async def start(self) -> None:
        await self.app.initialize()
        await self.app.bot.set_my_commands([BotCommand(n, about) for n, about in handlers.menu(Chat.PRIVATE)])
        await self.app.bot.set_my_commands([BotCommand(n, about) for n, about in handlers.menu(Chat.GROUP)],
                                           scope=BotCommandScopeAllGroupChats())
        await self.app.start()
        updater = self.app.updater
        assert updater is not None, "built with an Updater (polling or webhook)"
        if self.webhook_url:
            await updater.start_webhook(
                listen=self.webhook_listen, port=self.webhook_port, url_path="telegram",
                webhook_url=self.webhook_url, secret_token=webhook_secret(self.app.bot.token),
                allowed_updates=["message", "callback_query"])
        else:
            await updater.start_polling(poll_interval=self.poll_interval,
                                                 allowed_updates=["message", "callback_query"])
        log.info("Telegram adapter running as @%s", self.app.bot.username)

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

    async def deliver_round(self, update: RoundUpdate) -> None:
        """Show a round update nobody asked for just now (a deadline passed): reveal, next question, end."""
        await rounds.delivery(data_of(self.app)).deliver(update)

    async def deliver(self, channel: str, reply: Reply) -> bool:
        """Send a reply nobody asked for just now (a timed session's report). False if unreachable."""
        chat_id = int(channel.removeprefix(self.prefix))
        try:
            await send(self.app.bot, chat_id, reply)
        except Forbidden:
            log.warning("chat %s blocked the bot; report not delivered", chat_id)
            return False
        return True
