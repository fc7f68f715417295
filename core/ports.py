"""The small interfaces the core owns; adapters implement them (SQL store) and tests fake them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from core.engine import Answer, Session

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Store(Protocol):
    """Persistence for learners, sessions and answers. Every method commits before it returns."""

    async def learner(self, platform: str, external_id: str) -> int:
        """The internal learner id for a platform identity, created on first sight."""

    async def active_session(self, learner_id: int) -> Session | None:
        """The learner's unfinished session, with its answers, if any."""

    async def session(self, session_id: int) -> Session | None:
        """A session by id, with its answers."""

    async def latest_session(self, learner_id: int) -> Session | None:
        """The learner's most recently started session, finished or not."""

    async def create_session(self, session: Session) -> Session:
        """Insert a new session and set its id."""

    async def save(self, session: Session, answer: Answer | None = None) -> bool:
        """Store the session's step (and the answer) in one transaction.

        Returns False, storing nothing, when an answer for that session and position already exists.
        """

    async def history(self, learner_id: int) -> list[Answer]:
        """All the learner's answers, oldest first."""

    async def forms(self, learner_id: int) -> list[Session]:
        """The learner's diagnostics and mocks with their answers, oldest first."""

    async def expired_sessions(self, now: datetime) -> list[Session]:
        """Unfinished sessions whose deadline has passed, with their answers."""

    async def forget(self, learner_id: int) -> None:
        """Erase the learner: identities, sessions, answers and everything else kept about them."""
