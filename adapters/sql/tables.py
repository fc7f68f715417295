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
    offline_told: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    warned_at: datetime | None = _time(nullable=True)
    exam: str = Field(max_length=16)  # the exam the session's questions come from
    # A diagnostic or mock moves freely (core/quiz/navigate.py, migration 0012): flagged positions, seconds
    # each question was on screen, since when the current one is, and whether the learner submitted it.
    flags: list = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False, server_default="[]"))
    spent: list = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False, server_default="[]"))
    shown_at: datetime | None = _time(nullable=True)
    submitted: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False,
                                                               server_default=sa.false()))


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


class ProcessedUpdateRow(SQLModel, table=True):
    """A chat update applied already, kept for a day: Telegram re-sends updates whose offset the bot had
    not confirmed when it died, and each must be applied once (core/quiz/binding.py). The key is unique, so
    a second process sees the first one's record too. learner_id lets /forget erase the learner's rows."""

    __tablename__ = "processed_update"
    platform: str = Field(primary_key=True, max_length=32)  # "telegram:<bot id>": update ids are per bot
    update_id: str = Field(primary_key=True, max_length=32)
    learner_id: int | None = Field(default=None, index=True)
    processed_at: datetime = _time(index=True)


class HeartbeatRow(SQLModel, table=True):
    """When the bot was last up: the runtime writes it every tick; one row for every process on the database
    (while any of them runs, the bot is up). A gap between beats is an outage (core/quiz/timekeeper.py)."""

    __tablename__ = "heartbeat"
    name: str = Field(primary_key=True, max_length=16)
    beat_at: datetime = _time()


class OutageRow(SQLModel, table=True):
    """A time the bot was down: from the last beat before it to the first after it, kept a day, so the first
    reply after a restart can tell a learner in a timed session how long the clock ran without them. Keyed
    by its start, so two processes that notice the same outage record it once."""

    __tablename__ = "outage"
    started_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), primary_key=True))
    ended_at: datetime = _time(index=True)


class AppSecretRow(SQLModel, table=True):
    """A secret the bot made itself and every process shares (the web view's link key, unless WEBAPP_SECRET
    is set): the first process to need it inserts it, the others read that row."""

    __tablename__ = "app_secret"
    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=128)
