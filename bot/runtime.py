"""One event loop for every chat adapter and the scheduler; SIGTERM or SIGINT stops them cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.startup import retry_async
from core.plan.engine import PushTarget
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.reply import Reply
from core.rounds.service import RoundService
from core.rounds.view import RoundUpdate

log = logging.getLogger(__name__)
TICK_SECONDS = 5


def quiet_scheduler() -> None:
    """APScheduler logs "Running job" and "executed successfully" at INFO for every run: two lines every
    TICK_SECONDS, about 35,000 a day of nothing. Its warnings (a run missed or skipped) still show, and
    LOG_LEVEL=DEBUG keeps every line for whoever is debugging the scheduler."""
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        for name in ("apscheduler.executors", "apscheduler.scheduler"):
            logging.getLogger(name).setLevel(logging.WARNING)


class ChatAdapter(Protocol):
    """What Runtime needs of a chat surface (console, Telegram, Discord)."""

    prefix: str  # the start of the channel addresses it owns, e.g. "telegram:"
    ended: asyncio.Event  # set when the adapter stops on its own: a fatal gateway error, the console's /quit
    exit_code: int  # the process's exit status when this adapter ended on its own (0: a normal end)
    # restartable (optional, default False): whether start() may be called again after it failed, so a
    # temporary outage at start is retried (PTB's Application may; a closed discord.py Client may not)

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver(self, channel: str, reply: Reply) -> bool:
        """Send a reply nobody asked for just now (a timed report, a push); False if unreachable."""
        ...

    async def deliver_round(self, update: RoundUpdate) -> None:
        """Show a round update a deadline caused: the reveal, the next question, the end."""
        ...


class Runtime:
    """Starts the adapters, ticks the scheduler, routes unsolicited replies to the adapter that owns them."""

    def __init__(self, service: QuizService, adapters: list[ChatAdapter], tick_seconds: float = TICK_SECONDS,
                 planner: PlanService | None = None, rounds: RoundService | None = None,
                 start_attempts: int = 1, start_retry_seconds: float = 0.0):
        self.service = service
        self.start_attempts = start_attempts
        self.start_retry_seconds = start_retry_seconds
        self.adapters = adapters
        self.tick_seconds = tick_seconds
        self.planner = planner
        self.rounds = rounds

    def owner(self, channel: str | None) -> ChatAdapter | None:
        return next((a for a in self.adapters if channel and channel.startswith(a.prefix)), None)

    async def tick(self) -> None:
        """End timed sessions whose deadline passed, and send each report where the session began; reveal
        due round questions; send due pushes. One INFO line says what a run did, only when it did something
        (APScheduler's own per-run lines are quieted in quiet_scheduler)."""
        expired = await self.service.expire_due()
        for session, reply in expired:
            channel = session.channel
            adapter = self.owner(channel)
            if channel is None or adapter is None:
                continue
            try:
                await adapter.deliver(channel, reply)
            except Exception:  # one failed delivery must not stop the others
                log.exception("could not deliver the report of session %s", session.id)
        revealed = 0
        if self.rounds is not None:  # group rounds whose question passed its deadline: reveal, move on
            updates = await self.rounds.due()
            revealed = len(updates)
            for update in updates:
                owner = self.owner(update.chat)
                try:
                    if owner is not None:
                        await owner.deliver_round(update)
                except Exception:  # one chat's failure must not stop the other rounds
                    log.exception("could not show round %s", update.round_id)
        pushed = await self.planner.run_pushes(self.push) if self.planner is not None else 0
        done = [f"{n} {what}" for n, what in ((len(expired), "timed session(s) expired"),
                                              (revealed, "round update(s) shown"), (pushed, "push(es) sent"))
                if n]
        if done:
            log.info("scheduler run: %s", ", ".join(done))

    async def push(self, target: PushTarget, reply: Reply) -> bool:
        """Send one daily push through the adapter that owns its channel; False if unreachable."""
        adapter = self.owner(target.channel)
        return adapter is not None and await adapter.deliver(target.channel, reply)

    async def run(self, stop: asyncio.Event | None = None) -> int:
        """Until SIGTERM or SIGINT (0), or until an adapter stops on its own (its exit_code: 1 for a chat
        adapter that failed, as a process serving fewer chats than it was configured for should exit so that
        its supervisor restarts it; 0 for the console the learner left)."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        quiet_scheduler()
        scheduler = AsyncIOScheduler()
        # The first run right after the adapters start: a report or push that fell due while the process
        # was down (the console's daily reminder, say) comes at launch, not a tick later.
        scheduler.add_job(self.tick, "interval", seconds=self.tick_seconds, max_instances=1, coalesce=True,
                          next_run_time=datetime.now(UTC))
        started: list[ChatAdapter] = []
        status = 0
        try:
            for adapter in self.adapters:
                attempts = self.start_attempts if getattr(adapter, "restartable", False) else 1
                await retry_async(adapter.start, attempts, self.start_retry_seconds,
                                  f"starting {adapter.prefix.rstrip(':')}")
                started.append(adapter)
            scheduler.start()
            waits = [asyncio.ensure_future(stop.wait())]
            waits += [asyncio.ensure_future(a.ended.wait()) for a in started]
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for wait in waits:
                    wait.cancel()
            ended = [a for a in started if a.ended.is_set()]
            status = 0 if stop.is_set() else max(a.exit_code for a in ended)
            if status:
                log.error("a chat adapter stopped on its own; stopping the others")
            else:
                log.info("stopping")
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            for adapter in reversed(started):
                await adapter.stop()
        return status
