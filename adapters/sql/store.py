"""SqlStore: the core's Store port on SQLAlchemy async (SQLite via aiosqlite, PostgreSQL via asyncpg)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.sql.tables import AnswerRow, IdentityRow, LearnerRow, SessionRow
from core.engine import FULL_LENGTH, Answer, Mode, Session


def _to_answer(row: AnswerRow) -> Answer:
    return Answer(session_id=row.session_id, position=row.position, learner_id=row.learner_id,
                  question_id=row.question_id, response=list(row.response), correct=row.correct,
                  answered_at=row.answered_at, mode=Mode(row.mode))


def _to_session(row: SessionRow, answers: list[AnswerRow]) -> Session:
    return Session(
        id=row.id, learner_id=row.learner_id, mode=Mode(row.mode), scope=row.scope,
        question_ids=list(row.question_ids), orders=[list(o) for o in row.orders], position=row.position,
        started_at=row.started_at, deadline=row.deadline, finished_at=row.finished_at, unseen=row.unseen,
        channel=row.channel,
        answers=[_to_answer(a) for a in sorted(answers, key=lambda a: a.position)],
    )


class SqlStore:
    """Each method is one transaction, committed before it returns (a kill -9 loses nothing replied)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)

    async def learner(self, platform: str, external_id: str) -> int:
        async with self._sessions() as db:
            found = await db.get(IdentityRow, (platform, external_id))
            if found is not None:
                return found.learner_id
        async with self._sessions() as db:  # a write-first transaction of its own
            learner = LearnerRow(created_at=datetime.now(UTC))
            db.add(learner)
            await db.flush()
            db.add(IdentityRow(platform=platform, external_id=external_id, learner_id=learner.id))
            try:
                await db.commit()
                return learner.id
            except IntegrityError:  # another update for the same new user won the race
                await db.rollback()
        async with self._sessions() as db:
            return (await db.get(IdentityRow, (platform, external_id))).learner_id

    async def _with_answers(self, db: AsyncSession, rows: list[SessionRow]) -> list[Session]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        answers = (await db.exec(select(AnswerRow).where(AnswerRow.session_id.in_(ids)))).all()
        by_session: dict[int, list[AnswerRow]] = {i: [] for i in ids}
        for a in answers:
            by_session[a.session_id].append(a)
        return [_to_session(r, by_session[r.id]) for r in rows]

    async def _one(self, query) -> Session | None:
        async with self._sessions() as db:
            row = (await db.exec(query)).first()
            found = await self._with_answers(db, [row] if row else [])
            return found[0] if found else None

    async def active_session(self, learner_id: int) -> Session | None:
        return await self._one(select(SessionRow).where(SessionRow.learner_id == learner_id,
                                                        SessionRow.finished_at.is_(None))
                               .order_by(SessionRow.id.desc()).limit(1))

    async def session(self, session_id: int) -> Session | None:
        return await self._one(select(SessionRow).where(SessionRow.id == session_id))

    async def latest_session(self, learner_id: int) -> Session | None:
        return await self._one(select(SessionRow).where(SessionRow.learner_id == learner_id)
                               .order_by(SessionRow.id.desc()).limit(1))

    async def create_session(self, session: Session) -> Session:
        async with self._sessions() as db:
            row = SessionRow(learner_id=session.learner_id, mode=session.mode.value, scope=session.scope,
                             question_ids=session.question_ids, orders=session.orders,
                             position=session.position, started_at=session.started_at,
                             deadline=session.deadline, finished_at=session.finished_at,
                             unseen=session.unseen, channel=session.channel)
            db.add(row)
            await db.commit()
            session.id = row.id
            return session

    async def save(self, session: Session, answer: Answer | None = None) -> bool:
        async with self._sessions() as db:
            await db.exec(sa.update(SessionRow).where(SessionRow.id == session.id).values(
                position=session.position, finished_at=session.finished_at))
            if answer is not None:
                db.add(AnswerRow(session_id=session.id, position=answer.position, learner_id=answer.learner_id,
                                 question_id=answer.question_id, mode=answer.mode.value,
                                 response=answer.response, correct=answer.correct,
                                 answered_at=answer.answered_at))
            try:
                await db.commit()
            except IntegrityError:
                await db.rollback()
                return False
            return True

    async def history(self, learner_id: int) -> list[Answer]:
        async with self._sessions() as db:
            rows = (await db.exec(select(AnswerRow).where(AnswerRow.learner_id == learner_id)
                                  .order_by(AnswerRow.answered_at, AnswerRow.id))).all()
            return [_to_answer(r) for r in rows]

    async def forms(self, learner_id: int) -> list[Session]:
        async with self._sessions() as db:
            rows = (await db.exec(select(SessionRow).where(
                SessionRow.learner_id == learner_id,
                SessionRow.mode.in_([m.value for m in FULL_LENGTH])).order_by(SessionRow.id))).all()
            return await self._with_answers(db, list(rows))

    async def expired_sessions(self, now: datetime) -> list[Session]:
        async with self._sessions() as db:
            rows = (await db.exec(select(SessionRow).where(
                SessionRow.finished_at.is_(None), SessionRow.deadline.is_not(None),
                SessionRow.deadline <= now))).all()
            return await self._with_answers(db, list(rows))

    async def forget(self, learner_id: int) -> None:
        async with self._sessions() as db:
            for table in (AnswerRow, SessionRow, IdentityRow):
                await db.exec(sa.delete(table).where(table.learner_id == learner_id))
            await db.exec(sa.delete(LearnerRow).where(LearnerRow.id == learner_id))
            await db.commit()
