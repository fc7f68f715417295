"""SQLModel tables for group rounds: the round, its questions, members' answers and partial picks, settings."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from adapters.sql.tables import UTCDateTime

# Members are learner ids without a foreign key on purpose: /forget deletes learners, and a round another
# member still looks at must not block that delete.


def _time(nullable: bool = False, index: bool = False):
    return Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


class RoundRow(SQLModel, table=True):
    """One round in one chat. At most one unfinished round per chat (a partial unique index says so)."""

    __tablename__ = "round"
    __table_args__ = (
        sa.Index("uq_round_live_chat", "chat", unique=True,
                 sqlite_where=sa.text("finished_at IS NULL"), postgresql_where=sa.text("finished_at IS NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    chat: str = Field(max_length=64, index=True)
    starter_id: int | None = None  # None once the starter is erased (/forget)
    starter_name: str = Field(max_length=64)
    scope: str | None = Field(default=None, max_length=8)
    question_ids: list = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    orders: list = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    seconds: int
    position: int = 0
    started_at: datetime = _time()
    finished_at: datetime | None = _time(nullable=True)
    stopped: bool = False
    exam: str = Field(max_length=16)  # the exam the round's questions come from


class RoundQuestionRow(SQLModel, table=True):
    """A question of a round once opened: its deadline, and the platform message that shows it."""

    __tablename__ = "round_question"
    __table_args__ = (sa.UniqueConstraint("round_id", "position", name="uq_round_question_position"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    position: int
    question_id: str = Field(max_length=32)
    opened_at: datetime = _time()
    deadline: datetime = _time(index=True)
    closed_at: datetime | None = _time(nullable=True)
    message_ref: str | None = Field(default=None, max_length=128)


class RoundAnswerRow(SQLModel, table=True):
    """A member's one answer to a round question; the unique key turns a double tap into a no-op."""

    __tablename__ = "round_answer"
    __table_args__ = (sa.UniqueConstraint("round_question_id", "member_id", name="uq_round_answer_member"),)
    id: int | None = Field(default=None, primary_key=True)
    round_question_id: int = Field(foreign_key="round_question.id", index=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    member_id: int = Field(index=True)
    member_name: str = Field(max_length=64)
    response: list = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    correct: bool
    answered_at: datetime = _time()
    elapsed_ms: int
    points: int  # hundredths of a point, speed bonus included


class RoundSelectionRow(SQLModel, table=True):
    """A member's partial pick on a multi-response round question, before Submit."""

    __tablename__ = "round_selection"
    round_question_id: int = Field(foreign_key="round_question.id", primary_key=True)
    member_id: int = Field(primary_key=True)
    picks: list = Field(sa_column=sa.Column(sa.JSON, nullable=False))


class GroupSettingsRow(SQLModel, table=True):
    """Per-chat round settings (/roundsettings)."""

    __tablename__ = "group_settings"
    chat: str = Field(primary_key=True, max_length=64)
    seconds: int
    length: int
    exam: str | None = Field(default=None, max_length=16)  # the chat's exam; None: not chosen (the newest)
