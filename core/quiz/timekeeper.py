"""The clock of timed sessions (mock, diagnostic) across the bot's downtime, and the 10-minute warning.

The rule is the real exam's: wall-clock time. A session's deadline is fixed when it starts and does not
move while the bot is down, so a kill -9 cannot buy time and two processes agree on every deadline. What
the learner is owed is to be told: the first reply about their session after an outage says how long the
bot was offline during it ("The clock ran while we were offline: 33 s.").

Downtime is read from a heartbeat: the runtime writes the time to the database every tick (5 s) and once
at start. A gap between two beats longer than two ticks is an outage, from the last beat before it to the
first after it (so it is known to within one tick). The beat is shared by every process on the database:
while one of them runs, the bot is up. Outages are kept a day, as are processed update ids.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from core.quiz.engine import Session, format_left

if TYPE_CHECKING:
    from core.ports import Clock, Store

WARN_AT = timedelta(minutes=10)  # the one warning of a timed session, at this much time left
KEEP = timedelta(days=1)  # processed updates and outages older than this are pruned
PRUNE_EVERY = timedelta(hours=1)

Outage = tuple[datetime, datetime]  # (the last beat before it, the first beat after it)


def offline_during(outages: list[Outage], start: datetime, end: datetime) -> timedelta:
    """How much of [start, end] fell in an outage."""
    total = timedelta()
    for down, up in outages:
        lo, hi = max(down, start), min(up, end)
        if hi > lo:
            total += hi - lo
    return total


def format_duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s" if seconds % 60 else f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds // 60 % 60} min"


def offline_note(session: Session, outages: list[Outage], now: datetime) -> str | None:
    """The note owed on this session's next reply, if the bot was offline during it since the last note;
    records on the session that it was told (the caller saves the session)."""
    if session.deadline is None:
        return None
    offline = int(offline_during(outages, session.started_at, min(now, session.deadline)).total_seconds())
    if offline <= session.offline_told:
        return None
    note = f"The clock ran while we were offline: {format_duration(timedelta(seconds=offline - session.offline_told))}."
    session.offline_told = offline
    return note


def warning(session: Session, now: datetime) -> str:
    answered = len(session.answers)
    return (f"⏳ {format_left(session.deadline - now if session.deadline else timedelta())} left in your "
            f"{session.mode}: {answered} of {session.total} answered. Send /question to see the open question.")


class Timekeeper:
    """Writes the heartbeat, knows the recent outages, prunes what is kept only for a while."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.outages: list[Outage] = []
        self._pruned_at: datetime | None = None

    async def beat(self, every: timedelta) -> Outage | None:
        """Record that the bot is up; the outage this beat ends, if the last beat is over two ticks old."""
        now = self.clock()
        last = await self.store.beat(now)
        outage = None
        if last is not None and now - last > 2 * every:
            outage = (last, now)
            await self.store.add_outage(*outage)
        self.outages = await self.store.outages(now - KEEP)
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = now
            await self.store.prune_updates(now - KEEP)
            await self.store.prune_outages(now - KEEP)
        return outage

    def note(self, session: Session) -> str | None:
        return offline_note(session, self.outages, self.clock())

    async def warnings_due(self) -> list[tuple[Session, str]]:
        """Timed sessions that reached WARN_AT left and were not warned: each is claimed in the database
        before it is returned, so it is warned once, by one process, even across restarts (a warning whose
        process died between the claim and the send is not sent again). A session that was never longer
        than WARN_AT is claimed without a warning: it began with that little time."""
        now = self.clock()
        out = []
        for session in await self.store.warnings_due(now, WARN_AT):
            if not await self.store.claim_warning(session.saved_id, now):
                continue
            if session.deadline is not None and session.deadline - session.started_at > WARN_AT:
                out.append((session, warning(session, now)))
        return out
