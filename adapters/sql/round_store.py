"""SqlRoundStore: the core's RoundStore port on SQLAlchemy async (SQLite via aiosqlite, PostgreSQL via asyncpg)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.sql.round_tables import (
    GroupSettingsRow,
    RoundAnswerRow,
    RoundQuestionRow,
    RoundRow,
    RoundSelectionRow,
)
from core.round import Round, RoundAnswer, RoundQuestion, RoundSettings


def _to_question(row: RoundQuestionRow) -> RoundQuestion:
    return RoundQuestion(position=row.position, question_id=row.question_id, opened_at=row.opened_at,
                         deadline=row.deadline, closed_at=row.closed_at, message_ref=row.message_ref, id=row.id)


def _to_round(row: RoundRow, questions: list[RoundQuestionRow], answers: list[RoundAnswerRow]) -> Round:
    by_id = {q.id: q for q in questions}
    return Round(
        id=row.id, chat=row.chat, starter_id=row.starter_id, starter_name=row.starter_name, scope=row.scope,
        question_ids=list(row.question_ids), orders=[list(o) for o in row.orders], seconds=row.seconds,
        position=row.position, started_at=row.started_at, finished_at=row.finished_at, stopped=row.stopped,
        questions=[_to_question(q) for q in sorted(questions, key=lambda q: q.position)],
        answers=[_answer(a, by_id[a.round_question_id]) for a in sorted(answers, key=lambda a: (a.answered_at, a.id))],
    )


def _answer(row: RoundAnswerRow, question: RoundQuestionRow) -> RoundAnswer:
    return RoundAnswer(round_id=row.round_id, position=question.position, member_id=row.member_id,
                       name=row.member_name, question_id=question.question_id, response=list(row.response),
                       correct=row.correct, answered_at=row.answered_at, elapsed_ms=row.elapsed_ms,
                       points=row.points)


class SqlRoundStore:
    """Each method is one transaction, committed before it returns (a kill -9 loses nothing replied)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)

    # --- settings ----------------------------------------------------------------------------------

    async def settings(self, chat: str) -> RoundSettings | None:
        async with self._sessions() as db:
            row = await db.get(GroupSettingsRow, chat)
            return RoundSettings(seconds=row.seconds, length=row.length) if row else None

    async def save_settings(self, chat: str, settings: RoundSettings) -> None:
        async with self._sessions() as db:
            await db.merge(GroupSettingsRow(chat=chat, seconds=settings.seconds, length=settings.length))
            await db.commit()

    # --- rounds ------------------------------------------------------------------------------------

    async def _load(self, db: AsyncSession, rows: list[RoundRow]) -> list[Round]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        questions = (await db.exec(select(RoundQuestionRow).where(RoundQuestionRow.round_id.in_(ids)))).all()
        answers = (await db.exec(select(RoundAnswerRow).where(RoundAnswerRow.round_id.in_(ids)))).all()
        return [_to_round(r, [q for q in questions if q.round_id == r.id], [a for a in answers if a.round_id == r.id])
                for r in rows]

    async def live_round(self, chat: str) -> Round | None:
        async with self._sessions() as db:
            row = (await db.exec(select(RoundRow).where(RoundRow.chat == chat, RoundRow.finished_at.is_(None))
                                 .order_by(RoundRow.id.desc()).limit(1))).first()
            found = await self._load(db, [row] if row else [])
            return found[0] if found else None

    async def round(self, round_id: int) -> Round | None:
        """A round by id, finished or not (for tests and tools)."""
        async with self._sessions() as db:
            row = await db.get(RoundRow, round_id)
            found = await self._load(db, [row] if row else [])
            return found[0] if found else None

    async def create_round(self, rnd: Round) -> Round | None:
        async with self._sessions() as db:
            row = RoundRow(chat=rnd.chat, starter_id=rnd.starter_id, starter_name=rnd.starter_name[:64],
                           scope=rnd.scope, question_ids=rnd.question_ids, orders=rnd.orders, seconds=rnd.seconds,
                           position=rnd.position, started_at=rnd.started_at, finished_at=rnd.finished_at,
                           stopped=rnd.stopped)
            db.add(row)
            try:
                await db.flush()
            except IntegrityError:  # the partial unique index: this chat already has a live round
                await db.rollback()
                return None
            rnd.id = row.id
            added = [self._question_row(rnd.id, q) for q in rnd.questions]
            db.add_all(added)
            await db.commit()
            for question, added_row in zip(rnd.questions, added, strict=True):
                question.id = added_row.id
            return rnd

    @staticmethod
    def _question_row(round_id: int, question: RoundQuestion) -> RoundQuestionRow:
        return RoundQuestionRow(round_id=round_id, position=question.position, question_id=question.question_id,
                                opened_at=question.opened_at, deadline=question.deadline,
                                closed_at=question.closed_at, message_ref=question.message_ref)

    async def save(self, rnd: Round) -> None:
        async with self._sessions() as db:
            await db.exec(sa.update(RoundRow).where(RoundRow.id == rnd.id).values(
                position=rnd.position, finished_at=rnd.finished_at, stopped=rnd.stopped))
            added = []
            for question in rnd.questions:
                if question.id is None:
                    added.append((question, self._question_row(rnd.id, question)))
                elif question.closed_at is not None:
                    await db.exec(sa.update(RoundQuestionRow).where(
                        RoundQuestionRow.id == question.id, RoundQuestionRow.closed_at.is_(None)).values(
                        closed_at=question.closed_at))
            db.add_all([row for _, row in added])
            await db.commit()
            for question, row in added:
                question.id = row.id

    async def record_answer(self, answer: RoundAnswer) -> bool:
        async with self._sessions() as db:
            question = (await db.exec(select(RoundQuestionRow).where(
                RoundQuestionRow.round_id == answer.round_id, RoundQuestionRow.position == answer.position))).first()
            if question is None:
                return False
            db.add(RoundAnswerRow(round_question_id=question.id, round_id=answer.round_id, member_id=answer.member_id,
                                  member_name=answer.name[:64], response=answer.response, correct=answer.correct,
                                  answered_at=answer.answered_at, elapsed_ms=answer.elapsed_ms, points=answer.points))
            try:
                await db.commit()
            except IntegrityError:  # a double tap or a duplicated update: the first answer stands
                await db.rollback()
                return False
            return True

    async def _question_id(self, db: AsyncSession, round_id: int, position: int) -> int | None:
        return (await db.exec(select(RoundQuestionRow.id).where(
            RoundQuestionRow.round_id == round_id, RoundQuestionRow.position == position))).first()

    async def selection(self, round_id: int, position: int, member_id: int) -> list[int]:
        async with self._sessions() as db:
            question_id = await self._question_id(db, round_id, position)
            row = await db.get(RoundSelectionRow, (question_id, member_id)) if question_id else None
            return list(row.picks) if row else []

    async def save_selection(self, round_id: int, position: int, member_id: int, picks: list[int]) -> None:
        async with self._sessions() as db:
            question_id = await self._question_id(db, round_id, position)
            if question_id is None:
                return
            await db.merge(RoundSelectionRow(round_question_id=question_id, member_id=member_id, picks=list(picks)))
            await db.commit()

    async def set_message(self, round_id: int, position: int, message_ref: str) -> None:
        async with self._sessions() as db:
            await db.exec(sa.update(RoundQuestionRow).where(
                RoundQuestionRow.round_id == round_id, RoundQuestionRow.position == position).values(
                message_ref=message_ref))
            await db.commit()

    async def due_rounds(self, now: datetime) -> list[Round]:
        async with self._sessions() as db:
            rows = (await db.exec(
                select(RoundRow).join(RoundQuestionRow, sa.and_(RoundQuestionRow.round_id == RoundRow.id,
                                                                RoundQuestionRow.position == RoundRow.position))
                .where(RoundRow.finished_at.is_(None), RoundQuestionRow.closed_at.is_(None),
                       RoundQuestionRow.deadline <= now).order_by(RoundQuestionRow.deadline))).all()
            return await self._load(db, list(rows))

    async def answers_since(self, chat: str, since: datetime) -> list[RoundAnswer]:
        async with self._sessions() as db:
            rows = (await db.exec(
                select(RoundAnswerRow, RoundQuestionRow)
                .join(RoundQuestionRow, RoundQuestionRow.id == RoundAnswerRow.round_question_id)
                .join(RoundRow, RoundRow.id == RoundAnswerRow.round_id)
                .where(RoundRow.chat == chat, RoundAnswerRow.answered_at >= since)
                .order_by(RoundAnswerRow.answered_at, RoundAnswerRow.id))).all()
            return [_answer(a, q) for a, q in rows]

    async def forget(self, member_id: int) -> None:
        """Erase a member's round answers and picks, and their name on rounds they started (/forget)."""
        async with self._sessions() as db:
            for table in (RoundAnswerRow, RoundSelectionRow):
                await db.exec(sa.delete(table).where(table.member_id == member_id))
            await db.exec(sa.update(RoundRow).where(RoundRow.starter_id == member_id)
                          .values(starter_name="a former member"))
            await db.commit()
