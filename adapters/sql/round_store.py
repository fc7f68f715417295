"""SqlRoundStore: the core's RoundStore port on the same Database as SqlStore (SQLite or PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from adapters.sql.database import Database
from adapters.sql.round_tables import (
    GroupSettingsRow,
    RoundAnswerRow,
    RoundQuestionRow,
    RoundRow,
    RoundSelectionRow,
)
from core.rounds.engine import Round, RoundAnswer, RoundQuestion, RoundSettings


def _to_question(row: RoundQuestionRow) -> RoundQuestion:
    return RoundQuestion(position=row.position, question_id=row.question_id, opened_at=row.opened_at,
                         deadline=row.deadline, closed_at=row.closed_at, message_ref=row.message_ref, id=row.id)


def _to_round(row: RoundRow, questions: list[RoundQuestionRow], answers: list[RoundAnswerRow]) -> Round:
    by_id = {q.id: q for q in questions}
    return Round(
        id=row.id, chat=row.chat, starter_id=row.starter_id, starter_name=row.starter_name, scope=row.scope,
        question_ids=list(row.question_ids), orders=[list(o) for o in row.orders], seconds=row.seconds,
        position=row.position, started_at=row.started_at, finished_at=row.finished_at, stopped=row.stopped,
        exam=row.exam, questions=[_to_question(q) for q in sorted(questions, key=lambda q: q.position)],
        answers=[_answer(a, by_id[a.round_question_id]) for a in sorted(answers, key=lambda a: (a.answered_at, a.id))],
    )


def _answer(row: RoundAnswerRow, question: RoundQuestionRow) -> RoundAnswer:
    return RoundAnswer(round_id=row.round_id, position=question.position, member_id=row.member_id,
                       name=row.member_name, question_id=question.question_id, response=list(row.response),
                       correct=row.correct, answered_at=row.answered_at, elapsed_ms=row.elapsed_ms,
                       points=row.points)


def _load(db: Session, rows: list[RoundRow]) -> list[Round]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    questions = db.exec(select(RoundQuestionRow).where(col(RoundQuestionRow.round_id).in_(ids))).all()
    answers = db.exec(select(RoundAnswerRow).where(col(RoundAnswerRow.round_id).in_(ids))).all()
    return [_to_round(r, [q for q in questions if q.round_id == r.id], [a for a in answers if a.round_id == r.id])
            for r in rows]


def _load_one(db: Session, row: RoundRow | None) -> Round | None:
    return _load(db, [row])[0] if row else None


def _question_row(round_id: int, question: RoundQuestion) -> RoundQuestionRow:
    return RoundQuestionRow(round_id=round_id, position=question.position, question_id=question.question_id,
                            opened_at=question.opened_at, deadline=question.deadline,
                            closed_at=question.closed_at, message_ref=question.message_ref)


def _question_id(db: Session, round_id: int, position: int) -> int | None:
    return db.exec(select(col(RoundQuestionRow.id)).where(
        col(RoundQuestionRow.round_id) == round_id, col(RoundQuestionRow.position) == position)).first()


def _create_round(db: Session, rnd: Round) -> Round | None:
    row = RoundRow(chat=rnd.chat, starter_id=rnd.starter_id, starter_name=rnd.starter_name[:64],
                   scope=rnd.scope, question_ids=rnd.question_ids, orders=rnd.orders, seconds=rnd.seconds,
                   position=rnd.position, started_at=rnd.started_at, finished_at=rnd.finished_at,
                   stopped=rnd.stopped, exam=rnd.exam)
    db.add(row)
    try:
        db.flush()
    except IntegrityError:  # the partial unique index: this chat already has a live round
        db.rollback()
        return None
    rnd.id = row.id
    added = [_question_row(rnd.saved_id, q) for q in rnd.questions]
    db.add_all(added)
    db.commit()
    for question, added_row in zip(rnd.questions, added, strict=True):
        question.id = added_row.id
    return rnd


def _save(db: Session, rnd: Round, closes: int | None) -> bool:
    """One step of the round, as a compare-and-set: the question it closes (at position `closes`) must still
    be open and the round still running, else another process took this step first: nothing is stored."""
    moved = db.exec(sa.update(RoundRow).where(col(RoundRow.id) == rnd.id, col(RoundRow.finished_at).is_(None))
                    .values(position=rnd.position, finished_at=rnd.finished_at, stopped=rnd.stopped))
    closing = rnd.questions[closes] if closes is not None and moved.rowcount == 1 else None
    if closing is not None:
        moved = db.exec(sa.update(RoundQuestionRow).where(
            col(RoundQuestionRow.id) == closing.id, col(RoundQuestionRow.closed_at).is_(None)).values(
            closed_at=closing.closed_at))
    if moved.rowcount != 1:
        db.rollback()
        return False
    added = [(question, _question_row(rnd.saved_id, question)) for question in rnd.questions if question.id is None]
    db.add_all([row for _, row in added])
    db.commit()
    for question, row in added:
        question.id = row.id
    return True


def _record_answer(db: Session, answer: RoundAnswer) -> bool:
    question_id = _question_id(db, answer.round_id, answer.position)
    if question_id is None:
        return False
    db.add(RoundAnswerRow(round_question_id=question_id, round_id=answer.round_id, member_id=answer.member_id,
                          member_name=answer.name[:64], response=answer.response, correct=answer.correct,
                          answered_at=answer.answered_at, elapsed_ms=answer.elapsed_ms, points=answer.points))
    try:
        db.commit()
    except IntegrityError:  # a double tap or a duplicated update: the first answer stands
        db.rollback()
        return False
    return True


def _selection(db: Session, round_id: int, position: int, member_id: int) -> list[int]:
    question_id = _question_id(db, round_id, position)
    row = db.get(RoundSelectionRow, (question_id, member_id)) if question_id else None
    return list(row.picks) if row else []


def _save_selection(db: Session, round_id: int, position: int, member_id: int, picks: list[int]) -> None:
    question_id = _question_id(db, round_id, position)
    if question_id is not None:
        db.merge(RoundSelectionRow(round_question_id=question_id, member_id=member_id, picks=list(picks)))


def _forget(db: Session, member_id: int) -> None:
    for table in (RoundAnswerRow, RoundSelectionRow):
        db.exec(sa.delete(table).where(col(table.member_id) == member_id))
    db.exec(sa.update(RoundRow).where(col(RoundRow.starter_id) == member_id).values(
        starter_id=None, starter_name="a former member"))  # their id could otherwise stop the round


class SqlRoundStore:
    """Each method is one transaction, committed before it returns (a kill -9 loses nothing replied)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # --- settings ----------------------------------------------------------------------------------

    async def settings(self, chat: str) -> RoundSettings | None:
        def read(db: Session) -> RoundSettings | None:
            row = db.get(GroupSettingsRow, chat)
            return RoundSettings(seconds=row.seconds, length=row.length, exam=row.exam) if row else None
        return await self._db.run_orm(read)

    async def save_settings(self, chat: str, settings: RoundSettings) -> None:
        await self._db.run_orm(lambda db: db.merge(GroupSettingsRow(chat=chat, seconds=settings.seconds,
                                                                length=settings.length, exam=settings.exam)))

    # --- rounds ------------------------------------------------------------------------------------

    async def live_round(self, chat: str) -> Round | None:
        query = (select(RoundRow).where(col(RoundRow.chat) == chat, col(RoundRow.finished_at).is_(None))
                 .order_by(col(RoundRow.id).desc()).limit(1))
        return await self._db.run_orm(lambda db: _load_one(db, db.exec(query).first()))

    async def round(self, round_id: int) -> Round | None:
        """A round by id, finished or not (for tests and tools)."""
        return await self._db.run_orm(lambda db: _load_one(db, db.get(RoundRow, round_id)))

    async def create_round(self, rnd: Round) -> Round | None:
        return await self._db.run_orm(_create_round, rnd)

    async def save(self, rnd: Round, closes: int | None = None) -> bool:
        return await self._db.run_orm(_save, rnd, closes)

    async def record_answer(self, answer: RoundAnswer) -> bool:
        return await self._db.run_orm(_record_answer, answer)

    async def selection(self, round_id: int, position: int, member_id: int) -> list[int]:
        return await self._db.run_orm(_selection, round_id, position, member_id)

    async def save_selection(self, round_id: int, position: int, member_id: int, picks: list[int]) -> None:
        await self._db.run_orm(_save_selection, round_id, position, member_id, picks)

    async def set_message(self, round_id: int, position: int, message_ref: str) -> None:
        await self._db.run_orm(lambda db: db.exec(sa.update(RoundQuestionRow).where(
            col(RoundQuestionRow.round_id) == round_id, col(RoundQuestionRow.position) == position).values(
            message_ref=message_ref)))

    async def due_rounds(self, now: datetime) -> list[Round]:
        opened = sa.and_(col(RoundQuestionRow.round_id) == col(RoundRow.id),
                         col(RoundQuestionRow.position) == col(RoundRow.position))
        query = (select(RoundRow).join(RoundQuestionRow, opened)
                 .where(col(RoundRow.finished_at).is_(None), col(RoundQuestionRow.closed_at).is_(None),
                        col(RoundQuestionRow.deadline) <= now).order_by(col(RoundQuestionRow.deadline)))
        return await self._db.run_orm(lambda db: _load(db, list(db.exec(query).all())))

    async def answers_since(self, chat: str, since: datetime) -> list[RoundAnswer]:
        query = (select(RoundAnswerRow, RoundQuestionRow)
                 .join(RoundQuestionRow, col(RoundQuestionRow.id) == col(RoundAnswerRow.round_question_id))
                 .join(RoundRow, col(RoundRow.id) == col(RoundAnswerRow.round_id))
                 .where(col(RoundRow.chat) == chat, col(RoundAnswerRow.answered_at) >= since)
                 .order_by(col(RoundAnswerRow.answered_at), col(RoundAnswerRow.id)))
        return await self._db.run_orm(lambda db: [_answer(a, q) for a, q in db.exec(query).all()])

    async def forget(self, member_id: int) -> None:
        """Erase a member's round answers and picks, and their name on rounds they started (/forget)."""
        await self._db.run_orm(_forget, member_id)
