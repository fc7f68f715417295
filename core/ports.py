"""The small interfaces the core owns; adapters implement them (SQL store) and tests fake them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from core.charts.model import ProgressChart
from core.plan.engine import PushTarget
from core.quiz.binding import UpdateKey
from core.quiz.engine import Answer, Session
from core.reply import WebLink
from core.review.engine import Card, Review
from core.rounds.engine import Round, RoundAnswer, RoundSettings

Clock = Callable[[], datetime]
Eraser = Callable[[int], Awaitable[None]]  # erases everything kept about a learner
WebLinker = Callable[[Session], Awaitable[WebLink | None]]  # the web view's button for a session's card


def utcnow() -> datetime:
    return datetime.now(UTC)


class Store(Protocol):
    """Persistence for learners, sessions and answers. Every method commits before it returns."""

    async def learner(self, platform: str, external_id: str) -> int:
        """The internal learner id for a platform identity, created on first sight."""

    async def exam(self, learner_id: int) -> str:
        """The code of the exam the learner studies ("mla-c02"): what they chose, or what a new learner
        starts on (the newest exam)."""

    async def set_exam(self, learner_id: int, exam: str) -> None:
        """Record the learner's choice of exam."""

    async def active_session(self, learner_id: int) -> Session | None:
        """The learner's unfinished session, with its answers, if any."""

    async def session(self, session_id: int) -> Session | None:
        """A session by id, with its answers."""

    async def latest_session(self, learner_id: int) -> Session | None:
        """The learner's most recently started session, finished or not."""

    async def create_session(self, session: Session) -> Session:
        """Insert a new session and set its id."""

    async def save(self, session: Session, answer: Answer | None = None, update: UpdateKey | None = None) -> bool:
        """Store the session's step (position, end, flags, time spent; and the answer, and the update that
        carried it) in one transaction.

        Returns False, storing nothing, when an answer for that session and position already exists (in a
        diagnostic or mock, whose answers change until submit, the new answer replaces it instead), the
        update was recorded already, or the session was finished already (by another process).
        """

    async def seen_update(self, update: UpdateKey) -> bool:
        """Whether this chat update was recorded as applied."""

    async def record_update(self, update: UpdateKey, learner_id: int | None, at: datetime) -> bool:
        """Record the update as applied; False if it was recorded already (atomic across processes)."""

    async def prune_updates(self, before: datetime) -> int:
        """Forget updates recorded before `before` (Telegram re-sends for a day at most); how many."""

    async def history(self, learner_id: int) -> list[Answer]:
        """All the learner's answers, oldest first."""

    async def forms(self, learner_id: int) -> list[Session]:
        """The learner's diagnostics and mocks with their answers, oldest first."""

    async def tallies(self) -> dict[str, tuple[int, int]]:
        """Over every learner, per question id: (learners who answered it, how many of them got it right the
        first time) (for item difficulties, core/adaptive)."""

    async def expired_sessions(self, now: datetime) -> list[Session]:
        """Unfinished sessions whose deadline has passed, with their answers."""

    # The clock of timed sessions (core/quiz/timekeeper.py).

    async def beat(self, now: datetime) -> datetime | None:
        """Record that the bot is up at `now`; the previous beat (of any process), None on the first."""

    async def add_outage(self, started_at: datetime, ended_at: datetime) -> None:
        """Record a time the bot was down; the same outage noticed twice is recorded once."""

    async def outages(self, since: datetime) -> list[tuple[datetime, datetime]]:
        """Outages that ended at or after `since`, as (start, end)."""

    async def prune_outages(self, before: datetime) -> int:
        """Forget outages that ended before `before`; how many."""

    async def warnings_due(self, now: datetime, within: timedelta) -> list[Session]:
        """Unfinished timed sessions not yet warned whose deadline is after `now` and within `within` of it."""

    async def claim_warning(self, session_id: int, now: datetime) -> bool:
        """Mark the session warned; False if it was already (atomic across processes)."""

    async def forget(self, learner_id: int) -> None:
        """Erase the learner: identities, sessions, answers, processed updates and everything else kept about
        them."""


class PlanStore(Protocol):
    """Persistence for study plans, push targets, push claims and Day-2 miss labels."""

    async def exam_date(self, learner_id: int) -> tuple[date | None, bool]:
        """(the plan's exam date, whether the learner set it) or (None, False)."""

    async def set_exam_date(self, learner_id: int, exam_date: date, explicit: bool) -> None:
        """Store the plan's anchor."""

    async def target(self, channel: str) -> PushTarget | None:
        """The push target for a channel, if any."""

    async def targets_of(self, learner_id: int) -> list[PushTarget]:
        """Every push target of a learner (for the plan's time zone)."""

    async def save_target(self, target: PushTarget) -> None:
        """Insert or update a push target."""

    async def due_targets(self, now: datetime, limit: int) -> list[PushTarget]:
        """Targets not paused or unreachable whose next_push_at <= now, earliest first (one query)."""

    async def claim(self, channel: str, day: date, now: datetime, lease: timedelta) -> bool:
        """Claim the push for (channel, local day) as a lease: True if nobody claimed it, or if a claim
        taken at least `lease` before `now` was never confirmed (its sender died or failed); False if it
        was sent, or is claimed within its lease (by anyone). Atomic across processes."""

    async def confirm(self, target: PushTarget, day: date, now: datetime) -> None:
        """Mark (channel, day) sent and record the push on the target (its last_pushed, next_push_at and
        unreachable), in one transaction; settings the learner changed during the send stay as they are."""

    async def release(self, channel: str, day: date) -> None:
        """Give back an unsent claim whose push failed, so a later tick sends it."""

    async def prune_claims(self, before: date) -> int:
        """Delete claims for days before `before`, and claims whose channel has no push target (left by a
        process that died while dropping an erased learner's push); returns how many went."""

    async def labels(self, session_id: int) -> dict[int, str]:
        """Day-2 miss labels of a session: position -> the stage the learner chose."""

    async def add_label(self, learner_id: int, session_id: int, position: int, stage: str) -> bool:
        """Record a label once; False if that miss was labelled already."""

    async def forget(self, learner_id: int) -> None:
        """Erase the learner's plan, labels, private push targets and their push claims."""


class RoundStore(Protocol):
    """Persistence for group rounds and per-chat round settings. Every method commits before it returns."""

    async def settings(self, chat: str) -> RoundSettings | None:
        """The chat's saved round settings, if any."""

    async def save_settings(self, chat: str, settings: RoundSettings) -> None:
        """Insert or replace the chat's round settings."""

    async def live_round(self, chat: str) -> Round | None:
        """The chat's unfinished round, with its opened questions and answers, if any."""

    async def create_round(self, rnd: Round) -> Round | None:
        """Insert a round and its opened questions, setting their ids; None if the chat already has one live."""

    async def save(self, rnd: Round, closes: int | None = None) -> bool:
        """Store one step of the round in one transaction: its position and end, the question at position
        `closes` closed, newly opened questions inserted. False, storing nothing, when that question was
        closed already or the round had ended (another process took this step first: replicas share one
        database, and each one's scheduler finds the same deadline due)."""

    async def record_answer(self, answer: RoundAnswer) -> bool:
        """Store an answer; False, storing nothing, if the member already answered that question."""

    async def selection(self, round_id: int, position: int, member_id: int) -> list[int]:
        """The member's partial pick on a multi-response question (display positions), empty if none."""

    async def save_selection(self, round_id: int, position: int, member_id: int, picks: list[int]) -> None:
        """Insert or replace the member's partial pick."""

    async def set_message(self, round_id: int, position: int, message_ref: str) -> None:
        """Remember which platform message shows the question, so later edits survive a restart."""

    async def due_rounds(self, now: datetime) -> list[Round]:
        """Unfinished rounds whose open question's deadline has passed, with their questions and answers."""

    async def answers_since(self, chat: str, since: datetime) -> list[RoundAnswer]:
        """The chat's round answers given at or after `since`, oldest first."""

    async def forget(self, member_id: int) -> None:
        """Erase a member's round answers and picks, and their id and name on rounds they started."""


class ReviewStore(Protocol):
    """Persistence for spaced-review cards and their review logs. Every method commits before it returns."""

    async def card(self, learner_id: int, question_id: str) -> Card | None:
        """The learner's card for a question, if they ever answered it."""

    async def cards(self, learner_id: int) -> list[Card]:
        """All the learner's cards."""

    async def logged(self, learner_id: int) -> set[tuple[int, int]]:
        """(session id, position) of every answer that has a review log."""

    async def logs(self, learner_id: int, question_ids: set[str]) -> list[Review]:
        """The learner's review logs of those questions."""

    async def save(self, cards: list[Card], reviews: list[Review]) -> bool:
        """Insert the logs and insert or replace the cards, in one transaction. Returns False, storing
        nothing, when a log for one of those answers exists already (another caller recorded it)."""

    async def forget(self, learner_id: int) -> None:
        """Erase the learner's cards and review logs."""


class SecretStore(Protocol):
    """Secrets the bot makes itself and every process must share (the web view's link key)."""

    async def secret(self, name: str, candidate: str) -> str:
        """The secret stored under `name`; `candidate` is stored first when there is none, so the first
        process to ask decides and every replica reads the same value afterwards."""


class ChartRenderer(Protocol):
    """Draws progress charts (adapters/charts). Drawing takes CPU for a while, so an implementation runs it
    off the event loop (in an executor) and other chats go on meanwhile."""

    async def render(self, chart: ProgressChart) -> bytes:
        """The chart as a PNG image."""


class Turns(Protocol):
    """One holder at a time per key (a chat), across every process on the database: a chat's updates are
    applied one after the other, in the order they reach the turn, even when replicas share the chat.
    The in-process implementation (core/lockmap.py LocalTurns) suffices where one process owns the
    database (SQLite); PostgreSQL replicas use adapters/sql/turns.py."""

    def turn(self, key: str) -> AbstractAsyncContextManager[None]:
        """`async with turns.turn(key):` runs the block alone among blocks on the same key, in any process."""
        ...

    async def lead(self, name: str) -> bool:
        """Whether this process is the one that does `name` (register the webhook, say): True in the first
        process to ask, kept until it ends (or loses its database session); False in the others meanwhile."""
        ...

    async def dispose(self) -> None:
        """Give up leadership and close connections, at the end of the process."""
        ...
