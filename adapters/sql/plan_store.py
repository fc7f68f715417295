"""SqlPlanStore: the core's PlanStore port on the same Database as SqlStore."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from adapters.sql.database import Database
from adapters.sql.plan_tables import MissLabelRow, PushClaimRow, PushTargetRow, StudyPlanRow
from adapters.sql.tables import table_of
from core.plan.engine import PushTarget


def upsert_for(dialect: str):
    """The dialect's INSERT with ON CONFLICT support (SQLite and PostgreSQL spell it alike)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


CLAIM, TARGET = table_of(PushClaimRow), table_of(PushTargetRow)


def _claim(conn: Connection, dialect: str, channel: str, day: date, now: datetime, lease: timedelta) -> bool:
    """Insert the claim, or take over one whose lease ran out unsent. Both statements are atomic on their
    own: a concurrent insert makes ours do nothing, and PostgreSQL re-checks the UPDATE's condition after
    a concurrent takeover commits (SQLite runs one writer at a time), so exactly one claimer wins."""
    key = (CLAIM.c.channel == channel) & (CLAIM.c.day == day)
    inserted = conn.execute(upsert_for(dialect)(CLAIM).values(channel=channel, day=day, claimed_at=now)
                            .on_conflict_do_nothing(index_elements=["channel", "day"]))
    if inserted.rowcount == 1:
        return True
    taken = conn.execute(CLAIM.update().where(key, CLAIM.c.sent_at.is_(None), CLAIM.c.claimed_at <= now - lease)
                         .values(claimed_at=now))
    return taken.rowcount == 1


def _confirm(conn: Connection, target: PushTarget, day: date, now: datetime) -> None:
    conn.execute(CLAIM.update().where(CLAIM.c.channel == target.channel, CLAIM.c.day == day).values(sent_at=now))
    conn.execute(TARGET.update().where(TARGET.c.channel == target.channel).values(
        last_pushed=target.last_pushed, next_push_at=target.next_push_at, unreachable=target.unreachable))


def _forget(conn: Connection, learner_id: int) -> None:
    """The learner's claims go with their targets: a claim row names their chat."""
    channels = sa.select(TARGET.c.channel).where(TARGET.c.learner_id == learner_id)
    conn.execute(CLAIM.delete().where(CLAIM.c.channel.in_(channels)))
    for table in (table_of(MissLabelRow), TARGET, table_of(StudyPlanRow)):
        conn.execute(table.delete().where(table.c.learner_id == learner_id))


def _target(row: PushTargetRow) -> PushTarget:
    return PushTarget(channel=row.channel, learner_id=row.learner_id, push_time=row.push_time,
                      timezone=row.timezone, paused=row.paused, unreachable=row.unreachable,
                      next_push_at=row.next_push_at, last_pushed=row.last_pushed)


class SqlPlanStore:
    """Each method is one committed transaction."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def exam_date(self, learner_id: int) -> tuple[date | None, bool]:
        def read(db: Session):
            row = db.get(StudyPlanRow, learner_id)
            return (row.exam_date, row.explicit) if row else (None, False)
        return await self._db.run_orm(read)

    async def _upsert(self, table, key: str, values: dict) -> None:
        """INSERT ... ON CONFLICT DO UPDATE: one write statement, no read-then-write race."""
        insert = upsert_for(self._db.dialect)(table).values(**values)
        changes = {k: v for k, v in values.items() if k != key}
        await self._db.run_orm(lambda db: db.exec(insert.on_conflict_do_update(index_elements=[key], set_=changes)))

    async def set_exam_date(self, learner_id: int, exam_date: date, explicit: bool) -> None:
        await self._upsert(StudyPlanRow, "learner_id",
                           {"learner_id": learner_id, "exam_date": exam_date, "explicit": explicit})

    async def target(self, channel: str) -> PushTarget | None:
        def read(db: Session):
            row = db.get(PushTargetRow, channel)
            return _target(row) if row else None
        return await self._db.run_orm(read)

    async def targets_of(self, learner_id: int) -> list[PushTarget]:
        query = (select(PushTargetRow).where(col(PushTargetRow.learner_id) == learner_id)
                 .order_by(col(PushTargetRow.channel)))
        return await self._db.run_orm(lambda db: [_target(r) for r in db.exec(query)])

    async def save_target(self, target: PushTarget) -> None:
        await self._upsert(PushTargetRow, "channel", {
            "channel": target.channel, "learner_id": target.learner_id, "push_time": target.push_time,
            "timezone": target.timezone, "paused": target.paused, "unreachable": target.unreachable,
            "next_push_at": target.next_push_at, "last_pushed": target.last_pushed})

    async def due_targets(self, now: datetime, limit: int) -> list[PushTarget]:
        query = (select(PushTargetRow).where(
            col(PushTargetRow.paused).is_(False), col(PushTargetRow.unreachable).is_(False),
            col(PushTargetRow.next_push_at) <= now).order_by(col(PushTargetRow.next_push_at)).limit(limit))
        return await self._db.run_orm(lambda db: [_target(r) for r in db.exec(query)])

    async def _insert_once(self, row) -> bool:
        """Insert a row whose key may exist already; False (and nothing changed) if it does."""
        def insert(db: Session) -> bool:
            db.add(row)
            try:
                db.commit()
            except IntegrityError:
                db.rollback()
                return False
            return True
        return await self._db.run_orm(insert)

    async def claim(self, channel: str, day: date, now: datetime, lease: timedelta) -> bool:
        return await self._db.run(_claim, self._db.dialect, channel, day, now, lease)

    async def confirm(self, target: PushTarget, day: date, now: datetime) -> None:
        await self._db.run(_confirm, target, day, now)

    async def release(self, channel: str, day: date) -> None:
        await self._db.run(lambda conn: conn.execute(CLAIM.delete().where(
            CLAIM.c.channel == channel, CLAIM.c.day == day, CLAIM.c.sent_at.is_(None))))

    async def prune_claims(self, before: date) -> int:
        orphan = CLAIM.c.channel.not_in(sa.select(TARGET.c.channel))
        return await self._db.run(lambda conn: conn.execute(
            CLAIM.delete().where((CLAIM.c.day < before) | orphan)).rowcount)

    async def labels(self, session_id: int) -> dict[int, str]:
        query = select(MissLabelRow).where(col(MissLabelRow.session_id) == session_id)
        return await self._db.run_orm(lambda db: {r.position: r.stage for r in db.exec(query)})

    async def add_label(self, learner_id: int, session_id: int, position: int, stage: str) -> bool:
        return await self._insert_once(MissLabelRow(session_id=session_id, position=position,
                                                    learner_id=learner_id, stage=stage))

    async def forget(self, learner_id: int) -> None:
        """Erase the learner's plan, labels, private push targets and their claims (part of /forget)."""
        await self._db.run(_forget, learner_id)
