"""One event loop for every chat adapter and the scheduler; SIGTERM or SIGINT stops them cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.plan.engine import PushTarget
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.reply import Reply
from core.rounds.service import RoundService

log = logging.getLogger(__name__)
TICK_SECONDS = 5


class ChatAdapter(Protocol):
    prefix: str  # the start of the channel addresses it owns, e.g. "telegram:"

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver(self, channel: str, reply: Reply) -> bool: ...

    # Optionally `ended: asyncio.Event`, set when the adapter stopped on its own (a fatal gateway error).


class Runtime:
    """Starts the adapters, ticks the scheduler, routes unsolicited replies to the adapter that owns them."""

    def __init__(self, service: QuizService, adapters: list[ChatAdapter], tick_seconds: float = TICK_SECONDS,
                 planner: PlanService | None = None, rounds: RoundService | None = None):
        self.service = service
        self.adapters = adapters
        self.tick_seconds = tick_seconds
        self.planner = planner
        self.rounds = rounds

    def owner(self, channel: str | None) -> ChatAdapter | None:
        return next((a for a in self.adapters if channel and channel.startswith(a.prefix)), None)

    async def tick(self) -> None:
        """End timed sessions whose deadline passed, and send each report where the session began."""
        for session, reply in await self.service.expire_due():
            adapter = self.owner(session.channel)
            if adapter is None:
                continue
            try:
                await adapter.deliver(session.channel, reply)
            except Exception:  # one failed delivery must not stop the others
                log.exception("could not deliver the report of session %s", session.id)
        if self.rounds is not None:  # group rounds whose question passed its deadline: reveal, move on
            for update in await self.rounds.due():
                deliver_round = getattr(self.owner(update.chat), "deliver_round", None)
                try:
                    if deliver_round is not None:
                        await deliver_round(update)
                except Exception:  # one chat's failure must not stop the other rounds
                    log.exception("could not show round %s", update.round_id)
        if self.planner is not None:
            await self.planner.run_pushes(self.push)

    async def push(self, target: PushTarget, reply: Reply) -> bool:
        """Send one daily push through the adapter that owns its channel; False if unreachable."""
        adapter = self.owner(target.channel)
        return adapter is not None and await adapter.deliver(target.channel, reply)

    async def run(self, stop: asyncio.Event | None = None) -> int:
        """Until SIGTERM or SIGINT (0), or until an adapter stops on its own (1): a process serving fewer
        chats than it was configured for should exit, so that its supervisor restarts it and says so."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        scheduler = AsyncIOScheduler()
        scheduler.add_job(self.tick, "interval", seconds=self.tick_seconds, max_instances=1, coalesce=True)
        started: list[ChatAdapter] = []
        failed = False
        try:
            for adapter in self.adapters:
                await adapter.start()
                started.append(adapter)
            scheduler.start()
            waits = [asyncio.ensure_future(stop.wait())]
            waits += [asyncio.ensure_future(a.ended.wait()) for a in started if hasattr(a, "ended")]
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for wait in waits:
                    wait.cancel()
            failed = not stop.is_set()
            if failed:
                log.error("a chat adapter stopped on its own; stopping the others")
            else:
                log.info("stopping")
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            for adapter in reversed(started):
                await adapter.stop()
        return 1 if failed else 0
