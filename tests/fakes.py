"""Fakes over mocks: an in-memory Store and a clock the tests move by hand."""

from __future__ import annotations

import copy
import itertools
from datetime import datetime, timedelta

from core.engine import FULL_LENGTH, Answer, Session


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


class InMemoryStore:
    """The Store port in memory; copies on the way in and out, as a database would."""

    def __init__(self) -> None:
        self.identities: dict[tuple[str, str], int] = {}
        self.sessions: dict[int, Session] = {}
        self.answers: list[Answer] = []
        self._ids = itertools.count(1)

    async def learner(self, platform: str, external_id: str) -> int:
        if (platform, external_id) not in self.identities:
            self.identities[(platform, external_id)] = next(self._ids)
        return self.identities[(platform, external_id)]

    def _load(self, session: Session) -> Session:
        out = copy.deepcopy(session)
        out.answers = sorted((a for a in self.answers if a.session_id == session.id), key=lambda a: a.position)
        return out

    async def active_session(self, learner_id: int) -> Session | None:
        live = [s for s in self.sessions.values() if s.learner_id == learner_id and not s.finished]
        return self._load(live[-1]) if live else None

    async def session(self, session_id: int) -> Session | None:
        return self._load(self.sessions[session_id]) if session_id in self.sessions else None

    async def latest_session(self, learner_id: int) -> Session | None:
        mine = [s for s in self.sessions.values() if s.learner_id == learner_id]
        return self._load(mine[-1]) if mine else None

    async def create_session(self, session: Session) -> Session:
        session.id = len(self.sessions) + 1
        self.sessions[session.id] = copy.deepcopy(session)
        return session

    async def save(self, session: Session, answer: Answer | None = None) -> bool:
        if answer is not None:
            if any(a.session_id == session.id and a.position == answer.position for a in self.answers):
                return False
            self.answers.append(answer)
        stored = self.sessions[session.id]
        stored.position, stored.finished_at = session.position, session.finished_at
        return True

    async def history(self, learner_id: int) -> list[Answer]:
        return [a for a in self.answers if a.learner_id == learner_id]

    async def forms(self, learner_id: int) -> list[Session]:
        return [self._load(s) for s in self.sessions.values()
                if s.learner_id == learner_id and s.mode in FULL_LENGTH]

    async def expired_sessions(self, now: datetime) -> list[Session]:
        return [self._load(s) for s in self.sessions.values() if s.expired(now)]

    async def forget(self, learner_id: int) -> None:
        self.identities = {k: v for k, v in self.identities.items() if v != learner_id}
        self.sessions = {k: v for k, v in self.sessions.items() if v.learner_id != learner_id}
        self.answers = [a for a in self.answers if a.learner_id != learner_id]
