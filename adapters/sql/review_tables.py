"""SQLModel tables for spaced review: one card per (learner, question) and one log row per graded answer."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from adapters.sql.tables import UTCDateTime


class ReviewCardRow(SQLModel, table=True):
    """A learner's FSRS card for a question id (one card whichever exam showed the question)."""

    __tablename__ = "review_card"
    __table_args__ = (sa.Index("ix_review_card_due", "learner_id", "due"),)
    learner_id: int = Field(primary_key=True, foreign_key="learner.id")
    question_id: str = Field(primary_key=True, max_length=32)
    due: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    state: int
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))


class ReviewLogRow(SQLModel, table=True):
    """One review: the answer it came from, unique, so an answer is never counted twice, and its rating."""

    __tablename__ = "review_log"
    __table_args__ = (sa.UniqueConstraint("session_id", "position", name="uq_review_log_answer"),)
    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    question_id: str = Field(max_length=32)
    session_id: int
    position: int
    rating: int
    reviewed_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
