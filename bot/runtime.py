"""One event loop for every chat adapter and the scheduler; SIGTERM or SIGINT stops them cleanly.

Stopping is a drain: the ops server's /healthz turns 503 ("draining") so a proxy sends no more, the scheduler
takes no new tick and the running one finishes, then each adapter stops taking updates and finishes those it
has, all within SHUTDOWN_SECONDS; then the process exits 0."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.startup import retry_async
from core.plan.engine import PushTarget
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.reply import Reply
from core.rounds.service import RoundService
from core.rounds.view import RoundUpdate
from core.text import plural

log = logging.getLogger(__name__)
TICK_SECONDS = 5
PRUNE_SECONDS = 3600  # housekeeping (old push claims) hourly, and once at start


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


class OpsServer(Protocol):
    """What Runtime needs of the ops HTTP server (adapters.ops.server.OpsServer): started first, so /healthz
    answers while the adapters start; told when draining; stopped last."""

    draining: bool

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class WebServer(Protocol):
    """What Runtime needs of the web view's server (adapters.web.server.WebServer): started before the chat
    adapters, so a card's button never points at a page that is not served yet; stopped after them."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Runtime:
    """Starts the adapters, ticks the scheduler, routes unsolicited replies to the adapter that owns them."""

    def __init__(self, service: QuizService, adapters: list[ChatAdapter], tick_seconds: float = TICK_SECONDS,
                 planner: PlanService | None = None, rounds: RoundService | None = None,
                 start_attempts: int = 1, start_retry_seconds: float = 0.0, ops: OpsServer | None = None,
                 pushed: Callable[[bool], None] | None = None, shutdown_seconds: float = 25.0,
                 prune_seconds: float = PRUNE_SECONDS, web: WebServer | None = None):
        self.service = service
        self.ops = ops
        self.web = web
        self.pushed = pushed  # told each push's outcome (True: sent), for the metrics
        self.shutdown_seconds = shutdown_seconds
        self._idle = asyncio.Event()  # set while no tick runs
        self._idle.set()
        self.start_attempts = start_attempts
        self.start_retry_seconds = start_retry_seconds
        self.adapters = adapters
        self.tick_seconds = tick_seconds
        self.prune_seconds = prune_seconds
        self.planner = planner
        self.rounds = rounds

    def owner(self, channel: str | None) -> ChatAdapter | None:
        return next((a for a in self.adapters if channel and channel.startswith(a.prefix)), None)

    async def beat(self) -> None:
        """The heartbeat: a gap between two is time the bot was down (core/quiz/timekeeper.py)."""
        await self.service.beat(timedelta(seconds=self.tick_seconds))

    async def tick(self) -> None:
        """Beat; end timed sessions whose deadline passed and warn those with 10 minutes left, sending each
        report or warning where the session began; reveal due round questions; send due pushes. One INFO
        line says what a run did, only when it did something (APScheduler's own lines: quiet_scheduler)."""
        await self.beat()
        expired = await self.service.expire_due()
        for session, reply in expired + await self.service.warnings_due():
            channel = session.channel
            adapter = self.owner(channel)
            if channel is None or adapter is None:
                continue
            try:
                await adapter.deliver(channel, reply)
            except Exception:  # one failed delivery must not stop the others
                log.exception("could not deliver a timed message of session %s", session.id)
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
        done = [f"{plural(n, *what)} {verb}" for n, what, verb in (
            (len(expired), ("timed session",), "expired"), (revealed, ("round update",), "shown"),
            (pushed, ("push", "pushes"), "sent")) if n]
        if done:
            log.info("scheduler run: %s", ", ".join(done))

    async def prune(self) -> None:
        """Hourly housekeeping: push claims past their retention (and any left without a target) go."""
        if self.planner is not None:
            await self.planner.prune_claims()

    async def push(self, target: PushTarget, reply: Reply) -> bool:
        """Send one daily push through the adapter that owns its channel; False if unreachable."""
        adapter = self.owner(target.channel)
        sent = False
        try:
            sent = adapter is not None and await adapter.deliver(target.channel, reply)
        finally:
            if self.pushed is not None:
                self.pushed(sent)
        return sent

    async def _tick(self) -> None:
        """The scheduler's job: one tick, marked as running so that stopping waits for it to finish."""
        self._idle.clear()
        try:
            await self.tick()
        finally:
            self._idle.set()

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
        scheduler.add_job(self._tick, "interval", seconds=self.tick_seconds, max_instances=1, coalesce=True,
                          next_run_time=datetime.now(UTC))
        scheduler.add_job(self.prune, "interval", seconds=self.prune_seconds, max_instances=1, coalesce=True,
                          next_run_time=datetime.now(UTC))
        started: list[ChatAdapter] = []
        status = 0
        try:
            await self.beat()  # before serving anyone: the outage since the last run is known to every reply
            if self.ops is not None:
                await self.ops.start()
            if self.web is not None:
                await self.web.start()
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
            await self._drain(scheduler, started)
        return status

    async def _drain(self, scheduler: AsyncIOScheduler, started: list[ChatAdapter]) -> None:
        """Stop in order: no new work (health says draining, no new tick), the running tick and the updates in
        flight finished (each adapter's stop() waits for its own), the ops server last."""
        deadline = time.monotonic() + self.shutdown_seconds
        if self.ops is not None:
            self.ops.draining = True
        if scheduler.running:
            scheduler.pause()
            if not self._idle.is_set():
                await self._within(self._idle.wait(), deadline, "the scheduler's tick")
            scheduler.shutdown(wait=False)  # cancels a tick that outlived the deadline (its pushes' leases lapse)
        for adapter in reversed(started):
            await self._within(adapter.stop(), deadline, f"stopping {adapter.prefix.rstrip(':')}")
        if self.web is not None:
            await self._within(self.web.stop(), deadline, "stopping the web view")
        if self.ops is not None:
            await self.ops.stop()

    @staticmethod
    async def _within(step, deadline: float, what: str) -> None:
        try:
            await asyncio.wait_for(step, max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            log.warning("%s did not finish within SHUTDOWN_SECONDS; going on", what)
