"""DiscordAdapter: runs the DiscordBot inside the shared event loop, as bot.runtime.Runtime expects."""

from __future__ import annotations

import asyncio
import logging

from adapters.discord import views
from adapters.discord.client import DiscordBot
from core.reply import Reply
from core.rounds.view import RoundUpdate
from core.text import plural

log = logging.getLogger(__name__)
READY_TIMEOUT = 120.0  # login, command sync and the gateway's READY; a hung start must not hang the process
STOP_TIMEOUT = 10.0


class DiscordAdapter:
    """Owns one DiscordBot: start (login, sync, gateway), deliver unsolicited replies and round updates, stop."""

    prefix = f"{views.PLATFORM}:"
    exit_code = 1  # the client stopping on its own is a failure: the supervisor should restart the process

    def __init__(self, bot: DiscordBot, token: str, ready_timeout: float = READY_TIMEOUT) -> None:
        self.bot = bot
        self._token = token
        self.ready_timeout = ready_timeout
        self._task: asyncio.Task | None = None
        self.ended = asyncio.Event()  # set when the client stops on its own after it was ready

    async def start(self) -> None:
        """Run client.start(token) as a task; return once the gateway is ready, raise if it failed first."""
        self._task = asyncio.create_task(self.bot.start(self._token), name="discord-client")
        ready = asyncio.create_task(self.bot.ready.wait(), name="discord-ready")
        try:
            done, _ = await asyncio.wait({self._task, ready}, timeout=self.ready_timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
        if self._task in done:  # login failed (a wrong token), the sync failed, or the gateway closed
            failed, self._task = self._task, None
            await self.bot.close()
            error = failed.exception()
            raise error or RuntimeError("the Discord client stopped before it was ready")
        if not done:
            await self.stop()
            raise TimeoutError(f"Discord was not ready within {self.ready_timeout:.0f} s")
        self._task.add_done_callback(self._ended)

    async def connected(self) -> bool:
        """The gateway session is up (READY, not closed)."""
        return self.bot.is_ready() and not self.bot.is_closed()

    async def stop(self) -> None:
        """Finish the interactions in flight (their replies need the open client), then close."""
        if self.bot.in_flight:
            log.info("waiting for %s in flight", plural(self.bot.in_flight, "Discord interaction"))
            try:
                await asyncio.wait_for(self.bot.idle.wait(), STOP_TIMEOUT)
            except TimeoutError:
                log.warning("%s still in flight after %.0f s; closing",
                            plural(self.bot.in_flight, "Discord interaction"), STOP_TIMEOUT)
        task, self._task = self._task, None
        await self.bot.close()
        if task is None:
            return
        try:
            await asyncio.wait_for(task, STOP_TIMEOUT)
        except TimeoutError:  # wait_for has cancelled it
            log.warning("the Discord client did not stop within %.0f s", STOP_TIMEOUT)
        except Exception as exc:  # a failure after READY was logged by _ended; stopping goes on
            log.debug("the Discord client ended with %r", exc)

    def _ended(self, task: asyncio.Task) -> None:
        """The client stopped after it was ready (stop() clears _task first, so this is not a stop)."""
        if task is not self._task:
            return
        error = None if task.cancelled() else task.exception()
        log.error("the Discord client stopped on its own", exc_info=error)
        self.ended.set()

    async def deliver(self, channel: str, reply: Reply) -> bool:
        """A timed session's report, a daily push or a question of the day; False if unreachable."""
        return await self.bot.deliver(channel, reply)

    async def deliver_round(self, update: RoundUpdate) -> None:
        """A round update the scheduler found (a deadline passed): reveal, next question, end."""
        await self.bot.deliver_round(update)
