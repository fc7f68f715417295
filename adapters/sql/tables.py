"""SQLModel tables: the persisted shape of learners, identities, sessions and answers."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so store naive UTC and re-attach)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the store keeps aware UTC times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


NEW_LEARNER_EXAM = "mla-c02"  # migration 0008's default for new learner rows


def table_of(row: type[SQLModel]) -> sa.Table:
    """The Core table of a SQLModel class (the stores build Core statements on it); SQLModel sets
    __table__ at class creation but does not declare it for type checkers."""
    table: sa.Table = row.__table__  # type: ignore[attr-defined]
    return table


def _time(nullable: bool = False, index: bool = False):
    return Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


class LearnerRow(SQLModel, table=True):
    """A learner. Ids are never handed out twice (SQLite AUTOINCREMENT; a PostgreSQL sequence never
    reuses): a button, a round or a log line naming an erased learner must not come to name a stranger."""

    __tablename__ = "learner"
    __table_args__ = {"sqlite_autoincrement": True}
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _time()
    # The exam the learner studies. New learners start on MLA-C02 (the database default); those who had
    # studied before it arrived were kept on MLA-C01 by migration 0008, until they switch with /exam.
    exam: str = Field(default=None, sa_column=sa.Column(sa.String(16), nullable=False,
                                                        server_default=NEW_LEARNER_EXAM))


class IdentityRow(SQLModel, table=True):
    """A chat identity (platform, user id); several may point at one learner once linked."""

    __tablename__ = "identity"
    platform: str = Field(primary_key=True, max_length=16)
    external_id: str = Field(primary_key=True, max_length=64)
    learner_id: int = Field(foreign_key="learner.id", index=True)


class SessionRow(SQLModel, table=True):
    __tablename__ = "quiz_session"
    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    mode: str = Field(max_length=16)
    scope: str | None = Field(default=None, max_length=8)
    question_ids: list = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    orders: list = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    position: int = 0
    started_at: datetime = _time()
    deadline: datetime | None = _time(nullable=True, index=True)
    finished_at: datetime | None = _time(nullable=True)
    unseen: bool = False
    channel: str | None = Field(default=None, max_length=64)
    exam: str = Field(max_length=16)  # the exam the session's questions come from


class AnswerRow(SQLModel, table=True):
    __tablename__ = "answer"
    __table_args__ = (sa.UniqueConstraint("session_id", "position", name="uq_answer_session_position"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="quiz_session.id", index=True)
    position: int
    learner_id: int = Field(foreign_key="learner.id", index=True)
    question_id: str = Field(max_length=32)
    mode: str = Field(max_length=16)
    response: list = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    correct: bool
    answered_at: datetime = _time()
