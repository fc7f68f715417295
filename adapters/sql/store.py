"""SqlStore: the core's Store port in SQLAlchemy Core statements, built once (SQLite and PostgreSQL).

Core rather than the ORM here because every chat update runs these queries: prebuilt statements skip the
ORM's unit of work and row objects, and were measured at about a third of the CPU (bench/telegram_load.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, CursorResult, Row
from sqlalchemy.exc import IntegrityError

from adapters.sql.database import Database
from adapters.sql.tables import (
    AnswerRow,
    HeartbeatRow,
    IdentityRow,
    LearnerRow,
    OutageRow,
    ProcessedUpdateRow,
    SessionRow,
    table_of,
)
from core.quiz.binding import UpdateKey
from core.quiz.engine import FULL_LENGTH, Answer, Mode
from core.quiz.engine import Session as QuizSession

LEARNER, IDENTITY = table_of(LearnerRow), table_of(IdentityRow)
SESSION, ANSWER = table_of(SessionRow), table_of(AnswerRow)
PROCESSED = table_of(ProcessedUpdateRow)
HEARTBEAT, OUTAGE = table_of(HeartbeatRow), table_of(OutageRow)
BOT = "bot"  # the one heartbeat row every process writes

_IDENTITY = sa.select(IDENTITY.c.learner_id).where(IDENTITY.c.platform == sa.bindparam("platform"),
                                                   IDENTITY.c.external_id == sa.bindparam("external_id"))
_ACTIVE = (sa.select(SESSION).where(SESSION.c.learner_id == sa.bindparam("learner_id"),
                                    SESSION.c.finished_at.is_(None))
           .order_by(SESSION.c.id.desc()).limit(1))
_OPEN_COUNT = sa.select(sa.func.count()).select_from(SESSION).where(SESSION.c.finished_at.is_(None))
_BY_ID = sa.select(SESSION).where(SESSION.c.id == sa.bindparam("session_id"))
_LATEST = (sa.select(SESSION).where(SESSION.c.learner_id == sa.bindparam("learner_id"))
           .order_by(SESSION.c.id.desc()).limit(1))
_FORMS = (sa.select(SESSION).where(SESSION.c.learner_id == sa.bindparam("learner_id"),
                                   SESSION.c.mode.in_([m.value for m in FULL_LENGTH]))
          .order_by(SESSION.c.id))
_EXPIRED = sa.select(SESSION).where(SESSION.c.finished_at.is_(None), SESSION.c.deadline.is_not(None),
                                    SESSION.c.deadline <= sa.bindparam("now"))
_ANSWERS_OF = sa.select(ANSWER).where(ANSWER.c.session_id.in_(sa.bindparam("ids", expanding=True)))
_HISTORY = (sa.select(ANSWER).where(ANSWER.c.learner_id == sa.bindparam("learner_id"))
            .order_by(ANSWER.c.answered_at, ANSWER.c.id))
_FIRSTS = sa.select(sa.func.min(ANSWER.c.id).label("id")).group_by(ANSWER.c.learner_id, ANSWER.c.question_id).subquery()
_TALLIES = (sa.select(ANSWER.c.question_id, sa.func.count(), sa.func.sum(sa.case((ANSWER.c.correct, 1), else_=0)))
            .join(_FIRSTS, ANSWER.c.id == _FIRSTS.c.id).group_by(ANSWER.c.question_id))
# A step of a running session only: a session that another process finished (a replica's scheduler expiring
# it) is not written again, so its report is sent by that process alone.
_STEP = (SESSION.update().where(SESSION.c.id == sa.bindparam("session_id"), SESSION.c.finished_at.is_(None))
         .values(position=sa.bindparam("position"), finished_at=sa.bindparam("finished_at"),
                 offline_told=sa.bindparam("offline_told"), flags=sa.bindparam("flags"),
                 spent=sa.bindparam("spent"), shown_at=sa.bindparam("shown_at"),
                 submitted=sa.bindparam("submitted")))
_REPLACE_ANSWER = ANSWER.delete().where(ANSWER.c.session_id == sa.bindparam("session_id"),
                                        ANSWER.c.position == sa.bindparam("position"))
_EXAM = sa.select(LEARNER.c.exam).where(LEARNER.c.id == sa.bindparam("learner_id"))
_SET_EXAM = LEARNER.update().where(LEARNER.c.id == sa.bindparam("learner_id")).values(exam=sa.bindparam("exam"))
_TO_WARN = sa.select(SESSION).where(SESSION.c.finished_at.is_(None), SESSION.c.warned_at.is_(None),
                                    SESSION.c.deadline.is_not(None), SESSION.c.deadline > sa.bindparam("now"),
                                    SESSION.c.deadline <= sa.bindparam("until"))
_CLAIM_WARNING = (SESSION.update().where(SESSION.c.id == sa.bindparam("session_id"), SESSION.c.warned_at.is_(None))
                  .values(warned_at=sa.bindparam("now")))
_LAST_BEAT = sa.select(HEARTBEAT.c.beat_at).where(HEARTBEAT.c.name == BOT)
_OUTAGES = sa.select(OUTAGE.c.started_at, OUTAGE.c.ended_at).where(OUTAGE.c.ended_at >= sa.bindparam("since"))
_PRUNE_OUTAGES = OUTAGE.delete().where(OUTAGE.c.ended_at < sa.bindparam("before"))
_INSERT_ANSWER = ANSWER.insert()
_INSERT_PROCESSED = PROCESSED.insert()
_SEEN = sa.select(PROCESSED.c.update_id).where(PROCESSED.c.platform == sa.bindparam("platform"),
                                               PROCESSED.c.update_id == sa.bindparam("update_id"))
_PRUNE = PROCESSED.delete().where(PROCESSED.c.processed_at < sa.bindparam("before"))
_INSERT_SESSION = SESSION.insert()


def _answer(row: Row) -> Answer:
    return Answer(session_id=row.session_id, position=row.position, learner_id=row.learner_id,
                  question_id=row.question_id, response=list(row.response), correct=row.correct,
                  answered_at=row.answered_at, mode=Mode(row.mode))


def _sessions(conn: Connection, rows: list[Row]) -> list[QuizSession]:
    """The sessions of `rows`, each with its answers (one query for all of them)."""
    if not rows:
        return []
    answers: dict[int, list[Answer]] = {r.id: [] for r in rows}
    for a in conn.execute(_ANSWERS_OF, {"ids": list(answers)}):
        answers[a.session_id].append(_answer(a))
    return [QuizSession(
        id=r.id, learner_id=r.learner_id, mode=Mode(r.mode), scope=r.scope, question_ids=list(r.question_ids),
        orders=[list(o) for o in r.orders], position=r.position, started_at=r.started_at, deadline=r.deadline,
        finished_at=r.finished_at, unseen=r.unseen, channel=r.channel, offline_told=r.offline_told,
        warned_at=r.warned_at, exam=r.exam, flags=list(r.flags), spent=list(r.spent), shown_at=r.shown_at,
        submitted=r.submitted, answers=sorted(answers[r.id], key=lambda a: a.position)) for r in rows]


def _one(conn: Connection, query: sa.Select, params: dict) -> QuizSession | None:
    row = conn.execute(query, params).first()
    return _sessions(conn, [row])[0] if row else None


def _new_id(result: CursorResult[Any]) -> int:
    """The primary key an INSERT gave its row."""
    key = result.inserted_primary_key
    assert key is not None, "an INSERT without a primary key"
    return int(key[0])


def _learner(conn: Connection, platform: str, external_id: str) -> int:
    key = {"platform": platform, "external_id": external_id}
    found = conn.execute(_IDENTITY, key).scalar()
    if found is not None:
        return found
    try:
        learner_id: int = _new_id(conn.execute(LEARNER.insert().values(created_at=datetime.now(UTC))))
        conn.execute(IDENTITY.insert().values(learner_id=learner_id, **key))
        conn.commit()
        return learner_id
    except IntegrityError:  # another process created the same new user first
        conn.rollback()
        return conn.execute(_IDENTITY, key).scalar_one()


def _create_session(conn: Connection, session: QuizSession) -> QuizSession:
    session.id = _new_id(conn.execute(_INSERT_SESSION, {
        "learner_id": session.learner_id, "mode": session.mode.value, "scope": session.scope,
        "question_ids": session.question_ids, "orders": session.orders, "position": session.position,
        "started_at": session.started_at, "deadline": session.deadline, "finished_at": session.finished_at,
        "unseen": session.unseen, "channel": session.channel, "offline_told": session.offline_told,
        "warned_at": session.warned_at, "exam": session.exam, "flags": session.flags, "spent": session.spent,
        "shown_at": session.shown_at, "submitted": session.submitted}))
    return session


def _save(conn: Connection, session: QuizSession, answer: Answer | None, update: UpdateKey | None) -> bool:
    stepped = conn.execute(_STEP, {"session_id": session.id, "position": session.position,
                                   "finished_at": session.finished_at, "offline_told": session.offline_told,
                                   "flags": session.flags, "spent": session.spent, "shown_at": session.shown_at,
                                   "submitted": session.submitted})
    if stepped.rowcount != 1:  # finished meanwhile, by another process: nothing of this step is stored
        conn.rollback()
        return False
    if answer is None:
        return True
    try:
        if session.navigable:  # a diagnostic's or mock's answer changes until submit: the new one replaces it
            conn.execute(_REPLACE_ANSWER, {"session_id": session.id, "position": answer.position})
        conn.execute(_INSERT_ANSWER, {
            "session_id": session.id, "position": answer.position, "learner_id": answer.learner_id,
            "question_id": answer.question_id, "mode": answer.mode.value, "response": answer.response,
            "correct": answer.correct, "answered_at": answer.answered_at})
        if update is not None:  # with the answer, so a kill -9 leaves both or neither
            conn.execute(_INSERT_PROCESSED, {"platform": update[0], "update_id": update[1],
                                             "learner_id": answer.learner_id, "processed_at": answer.answered_at})
        conn.commit()
        return True
    except IntegrityError:  # this position is answered already (a double tap), or this update was applied
        conn.rollback()  # already (a re-delivery, maybe by another process): keep the first answer
        return False


def _record_update(conn: Connection, update: UpdateKey, learner_id: int | None, at: datetime) -> bool:
    try:
        conn.execute(_INSERT_PROCESSED, {"platform": update[0], "update_id": update[1], "learner_id": learner_id,
                                         "processed_at": at})
        conn.commit()
        return True
    except IntegrityError:  # seen already, by this process or another one
        conn.rollback()
        return False


def _beat(conn: Connection, now: datetime) -> datetime | None:
    """The last beat, replaced by `now`, in one transaction (PostgreSQL: the row lock orders two processes)."""
    last = conn.execute(_LAST_BEAT.with_for_update()).scalar()
    if last is None:
        try:
            conn.execute(HEARTBEAT.insert().values(name=BOT, beat_at=now))
            conn.commit()
            return None
        except IntegrityError:  # another process wrote the first beat just now
            conn.rollback()
            last = conn.execute(_LAST_BEAT.with_for_update()).scalar()
    conn.execute(HEARTBEAT.update().where(HEARTBEAT.c.name == BOT).values(beat_at=now))
    return last


def _add_outage(conn: Connection, started_at: datetime, ended_at: datetime) -> None:
    try:
        conn.execute(OUTAGE.insert().values(started_at=started_at, ended_at=ended_at))
        conn.commit()
    except IntegrityError:  # another process noticed the same outage (the same last beat)
        conn.rollback()


def _forget(conn: Connection, learner_id: int) -> None:
    for table in (PROCESSED, ANSWER, SESSION, IDENTITY):
        conn.execute(table.delete().where(table.c.learner_id == learner_id))
    conn.execute(LEARNER.delete().where(LEARNER.c.id == learner_id))


class SqlStore:
    """Each method is one transaction, committed before it returns (a kill -9 loses nothing replied)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def learner(self, platform: str, external_id: str) -> int:
        return await self._db.run(_learner, platform, external_id)

    async def exam(self, learner_id: int) -> str:
        return await self._db.run(lambda conn: conn.execute(_EXAM, {"learner_id": learner_id}).scalar() or "")

    async def set_exam(self, learner_id: int, exam: str) -> None:
        await self._db.run(lambda conn: conn.execute(_SET_EXAM, {"learner_id": learner_id, "exam": exam}))

    async def active_session(self, learner_id: int) -> QuizSession | None:
        return await self._db.run(_one, _ACTIVE, {"learner_id": learner_id})

    async def session(self, session_id: int) -> QuizSession | None:
        return await self._db.run(_one, _BY_ID, {"session_id": session_id})

    async def latest_session(self, learner_id: int) -> QuizSession | None:
        return await self._db.run(_one, _LATEST, {"learner_id": learner_id})

    async def create_session(self, session: QuizSession) -> QuizSession:
        return await self._db.run(_create_session, session)

    async def save(self, session: QuizSession, answer: Answer | None = None, update: UpdateKey | None = None) -> bool:
        return await self._db.run(_save, session, answer, update)

    async def seen_update(self, update: UpdateKey) -> bool:
        return await self._db.run(lambda conn: conn.execute(
            _SEEN, {"platform": update[0], "update_id": update[1]}).first() is not None)

    async def record_update(self, update: UpdateKey, learner_id: int | None, at: datetime) -> bool:
        return await self._db.run(_record_update, update, learner_id, at)

    async def prune_updates(self, before: datetime) -> int:
        return await self._db.run(lambda conn: conn.execute(_PRUNE, {"before": before}).rowcount)

    async def history(self, learner_id: int) -> list[Answer]:
        return await self._db.run(lambda conn: [_answer(r) for r in conn.execute(
            _HISTORY, {"learner_id": learner_id})])

    async def forms(self, learner_id: int) -> list[QuizSession]:
        return await self._db.run(lambda conn: _sessions(conn, conn.execute(
            _FORMS, {"learner_id": learner_id}).all()))

    async def tallies(self) -> dict[str, tuple[int, int]]:
        return await self._db.run(lambda conn: {qid: (int(n), int(right))
                                                for qid, n, right in conn.execute(_TALLIES)})

    async def expired_sessions(self, now: datetime) -> list[QuizSession]:
        return await self._db.run(lambda conn: _sessions(conn, conn.execute(_EXPIRED, {"now": now}).all()))

    async def count_active(self) -> int:
        """Sessions not finished yet (for the ops metrics)."""
        return await self._db.run(lambda conn: conn.execute(_OPEN_COUNT).scalar_one())

    async def forget(self, learner_id: int) -> None:
        await self._db.run(_forget, learner_id)

    # --- the clock of timed sessions (core/quiz/timekeeper.py) ---------------------------------------

    async def beat(self, now: datetime) -> datetime | None:
        return await self._db.run(_beat, now)

    async def add_outage(self, started_at: datetime, ended_at: datetime) -> None:
        await self._db.run(_add_outage, started_at, ended_at)

    async def outages(self, since: datetime) -> list[tuple[datetime, datetime]]:
        return await self._db.run(lambda conn: [(r.started_at, r.ended_at) for r in conn.execute(
            _OUTAGES, {"since": since})])

    async def prune_outages(self, before: datetime) -> int:
        return await self._db.run(lambda conn: conn.execute(_PRUNE_OUTAGES, {"before": before}).rowcount)

    async def warnings_due(self, now: datetime, within: timedelta) -> list[QuizSession]:
        return await self._db.run(lambda conn: _sessions(conn, conn.execute(
            _TO_WARN, {"now": now, "until": now + within}).all()))

    async def claim_warning(self, session_id: int, now: datetime) -> bool:
        return await self._db.run(lambda conn: conn.execute(
            _CLAIM_WARNING, {"session_id": session_id, "now": now}).rowcount == 1)
