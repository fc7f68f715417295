"""Building the PTB Application and running its lifecycle by hand, so it shares the event loop."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import BotCommand, BotCommandScopeAllGroupChats, Update
from telegram.error import Forbidden, RetryAfter
from telegram.ext import AIORateLimiter, Application, BaseUpdateProcessor, Updater

from adapters.telegram import handlers, rounds
from adapters.telegram.context import PLATFORM, channel_of, context_types, data_of, send
from core.commands import Chat
from core.dispatch import Dispatcher
from core.lockmap import LocalTurns
from core.ports import Turns
from core.reply import Reply
from core.rounds.delivery import RoundDelivery
from core.rounds.view import RoundUpdate

log = logging.getLogger(__name__)
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
REGISTRATION = "telegram-registration"  # the Turns.lead name of the replica that registers webhook and menus


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Many chats at once, but one chat's updates strictly in the order they arrived.

    Tasks are started in arrival order and each chat's turn (the core's Turns port) is first-come
    first-served, so a backlog delivered in one getUpdates batch after downtime is still handled in order
    within each chat. With replicas behind a webhook (PostgreSQL: adapters/sql/turns.py) the turn is held
    across processes, so two replicas never apply one chat's updates at once.
    """

    def __init__(self, max_concurrent_updates: int = 64, handled: Callable[[float], None] | None = None,
                 busy: Callable[[int], None] | None = None, turns: Turns | None = None,
                 failed: Callable[[Update], Awaitable[None]] | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: Turns = turns or LocalTurns()
        self.failed = failed  # tells the chat of an update that could not be handled (the core's FAILED)
        self.handled = handled  # called with the seconds each update took (the ops metrics)
        self.busy = busy  # called with +1 when an update's handling starts, -1 when it ends

    async def do_process_update(self, update: object, coroutine: Awaitable) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await self._timed(coroutine)
            return
        began = False
        try:
            async with self._turns.turn(channel_of(chat.id)):  # the key a push to this chat takes too
                began = True
                await self._timed(coroutine)
        except Exception:
            if began:
                raise
            # No turn, no update: applying it unserialised could race another replica. The database is
            # what is unreachable, so the handler would have failed too: the learner is told so, as a
            # handler's error would tell them, and sends it again.
            close = getattr(coroutine, "close", None)
            if close is not None:
                close()
            log.warning("an update of chat %s was dropped: its turn could not be taken (database unreachable)",
                        chat.id)
            if self.failed is not None and isinstance(update, Update):
                await self.failed(update)

    async def _timed(self, coroutine: Awaitable) -> None:
        """Handle one update; its latency counts from when its chat's turn came (not the wait behind it)."""
        began = time.perf_counter()
        if self.busy:
            self.busy(1)
        try:
            await coroutine
        finally:
            if self.busy:
                self.busy(-1)
            if self.handled:
                self.handled(time.perf_counter() - began)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


class CountingRateLimiter(AIORateLimiter):
    """PTB's rate limiter, telling `on_429` about each 429 (RetryAfter) before it waits and retries."""

    def __init__(self, on_429: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_429 = on_429

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        if self.on_429 is None:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        on_429 = self.on_429

        async def counted(*a: Any, **kw: Any):
            try:
                return await callback(*a, **kw)
            except RetryAfter:
                on_429()
                raise
        return await super().process_request(counted, args, kwargs, endpoint, data, rate_limit_args)


def webhook_secret(token: str) -> str:
    """A stable secret_token derived from the bot token (Telegram allows A-Z, a-z, 0-9, _ and -)."""
    return hashlib.sha256(f"mla-coach-webhook:{token}".encode()).hexdigest()[:48]


def build_application(token: str, dispatcher: Dispatcher, base_url: str | None = None, *,
                      handled: Callable[[float], None] | None = None, busy: Callable[[int], None] | None = None,
                      on_429: Callable[[], None] | None = None, turns: Turns | None = None) -> Application:
    """The real PTB Application on the core's dispatcher (its services reach handlers as typed bot_data);
    `base_url` points it at a local Bot API server (or a test stand-in). `handled`, `busy` and `on_429` are
    told about each update handled (its seconds), updates starting and ending (+1, -1), and each 429.
    `turns` serialises each chat's updates (across replicas, on PostgreSQL); in-process by default."""
    builder = (Application.builder().token(token)
               .context_types(context_types(dispatcher))
               .rate_limiter(CountingRateLimiter(on_429, max_retries=5))
               .concurrent_updates(PerChatUpdateProcessor(handled=handled, busy=busy, turns=turns,
                                                          failed=lambda update: handlers.say_failed(update, app.bot))))
    if base_url:
        builder = builder.base_url(base_url).base_file_url(base_url.replace("/bot", "/file/bot"))
    app = builder.build()
    if dispatcher.rounds is not None:
        data_of(app).round_delivery = RoundDelivery(dispatcher.rounds, rounds.TelegramRoundSurface(app.bot))
    handlers.register(app)
    return app


class FollowingUpdater(Updater):
    """An Updater that serves the webhook without registering it: PTB's start_webhook always calls
    setWebhook (in `_bootstrap`), and with replicas one of them registers (the leader), the others only
    listen. Telegram keeps one webhook per bot: N replicas restarting together would set it N times."""

    __slots__ = ()

    async def _bootstrap(self, *args: Any, **kwargs: Any) -> None:
        """Nothing: the leading replica registered the webhook."""


class TelegramAdapter:
    """Owns one Application: start (polling or webhook), deliver unsolicited replies, stop."""

    prefix = f"{PLATFORM}:"
    exit_code = 1  # the Telegram adapter never stops on its own; if it did, the process should be restarted
    restartable = True  # a failed start (the Bot API unreachable) may be tried again: initialize() is idempotent

    def __init__(self, app: Application, webhook_url: str | None = None, webhook_port: int = 8443,
                 poll_interval: float = 0.0, webhook_listen: str = "0.0.0.0", turns: Turns | None = None) -> None:
        self.app = app
        self.turns: Turns = turns or LocalTurns()  # who registers the webhook and the menus (lead)
        self.webhook_url = webhook_url
        self.webhook_port = webhook_port
        self.webhook_listen = webhook_listen
        self.poll_interval = poll_interval
        self.ended = asyncio.Event()

    async def start(self) -> None:
        """Register the command menus (and the webhook) only in the leading process: replicas on one
        database start together, and one registration is enough; the others say so and serve."""
        leads = await self.turns.lead(REGISTRATION)
        if not leads and self.webhook_url and self.app.updater is not None:
            self.app.updater = FollowingUpdater(self.app.bot, self.app.update_queue)
        await self.app.initialize()
        if leads:
            await self.app.bot.set_my_commands([BotCommand(n, about) for n, about in handlers.menu(Chat.PRIVATE)])
            await self.app.bot.set_my_commands([BotCommand(n, about) for n, about in handlers.menu(Chat.GROUP)],
                                               scope=BotCommandScopeAllGroupChats())
        else:
            log.info("another replica registers the Telegram webhook and command menus; this one only serves")
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

    async def connected(self) -> bool:
        """Serving: the Application runs and its updater still polls or listens for the webhook."""
        return self.app.running and self.app.updater is not None and self.app.updater.running

    async def stop(self) -> None:
        """Stop taking updates (polling or the webhook server) first, then finish those in flight: PTB's
        Application.stop() waits for every update it has taken to be handled."""
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
