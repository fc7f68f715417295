"""SQLModel tables for study plans, push targets, push claims and Day-2 miss labels."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from adapters.sql.tables import UTCDateTime


class StudyPlanRow(SQLModel, table=True):
    __tablename__ = "study_plan"
    learner_id: int = Field(primary_key=True, foreign_key="learner.id")
    exam_date: date
    explicit: bool = False  # False: the plan started "tomorrow" because no exam date was given


class PushTargetRow(SQLModel, table=True):
    """One row per channel that gets a daily push; next_push_at makes "who is due" one indexed query."""

    __tablename__ = "push_target"
    __table_args__ = (sa.Index("ix_push_target_due", "paused", "unreachable", "next_push_at"),)
    channel: str = Field(primary_key=True, max_length=64)
    learner_id: int | None = Field(default=None, foreign_key="learner.id", index=True)
    push_time: str = Field(max_length=5)
    timezone: str = Field(max_length=64)
    paused: bool = False
    unreachable: bool = False
    next_push_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    last_pushed: date | None = None


class PushClaimRow(SQLModel, table=True):
    """The unique (channel, local date) claim taken before a push is sent: a lease until sent_at is set.

    A claim still unsent a lease after claimed_at may be taken over (its sender died or failed), so a push
    is lost neither to a kill -9 nor to an error; once sent_at is set, nobody sends that day again.
    """

    __tablename__ = "push_claim"
    channel: str = Field(primary_key=True, max_length=64)
    day: date = Field(primary_key=True, index=True)  # the retention prune deletes by day
    claimed_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))


class MissLabelRow(SQLModel, table=True):
    """The stage a learner gave one miss of a Day-2 mock."""

    __tablename__ = "miss_label"
    session_id: int = Field(primary_key=True, foreign_key="quiz_session.id")
    position: int = Field(primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    stage: str = Field(max_length=16)
