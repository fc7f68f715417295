"""SqlReviewStore: the core's ReviewStore port on the same Database as SqlStore."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from adapters.sql.database import Database
from adapters.sql.plan_store import upsert_for
from adapters.sql.review_tables import ReviewCardRow, ReviewLogRow
from adapters.sql.tables import table_of
from core.review.engine import Card, Review

CARD, LOG = table_of(ReviewCardRow), table_of(ReviewLogRow)
_CARD_FIELDS = ("due", "state", "step", "stability", "difficulty", "last_review")


def _card(row: Row) -> Card:
    return Card(learner_id=row.learner_id, question_id=row.question_id, due=row.due, state=row.state,
                step=row.step, stability=row.stability, difficulty=row.difficulty, last_review=row.last_review)


def _review(row: Row) -> Review:
    return Review(learner_id=row.learner_id, question_id=row.question_id, session_id=row.session_id,
                  position=row.position, rating=row.rating, reviewed_at=row.reviewed_at)


def _save(conn: Connection, dialect: str, cards: list[Card], reviews: list[Review]) -> bool:
    """Logs first: a log that exists already (the same answer recorded by another caller) rolls back all."""
    try:
        if reviews:
            conn.execute(LOG.insert(), [vars(r) for r in reviews])
        for card in cards:
            values = vars(card)
            conn.execute(upsert_for(dialect)(CARD).values(**values).on_conflict_do_update(
                index_elements=["learner_id", "question_id"], set_={k: values[k] for k in _CARD_FIELDS}))
        conn.commit()
        return True
    except IntegrityError:
        conn.rollback()
        return False


def _forget(conn: Connection, learner_id: int) -> None:
    for table in (LOG, CARD):
        conn.execute(table.delete().where(table.c.learner_id == learner_id))


class SqlReviewStore:
    """Each method is one committed transaction."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def card(self, learner_id: int, question_id: str) -> Card | None:
        query = CARD.select().where(CARD.c.learner_id == learner_id, CARD.c.question_id == question_id)
        return await self._db.run(lambda conn: next((_card(r) for r in conn.execute(query)), None))

    async def cards(self, learner_id: int) -> list[Card]:
        query = CARD.select().where(CARD.c.learner_id == learner_id)
        return await self._db.run(lambda conn: [_card(r) for r in conn.execute(query)])

    async def logged(self, learner_id: int) -> set[tuple[int, int]]:
        query = sa.select(LOG.c.session_id, LOG.c.position).where(LOG.c.learner_id == learner_id)
        return await self._db.run(lambda conn: {(r.session_id, r.position) for r in conn.execute(query)})

    async def logs(self, learner_id: int, question_ids: set[str]) -> list[Review]:
        query = (LOG.select().where(LOG.c.learner_id == learner_id, LOG.c.question_id.in_(sorted(question_ids)))
                 .order_by(LOG.c.reviewed_at, LOG.c.id))
        return await self._db.run(lambda conn: [_review(r) for r in conn.execute(query)])

    async def save(self, cards: list[Card], reviews: list[Review]) -> bool:
        return await self._db.run(_save, self._db.dialect, cards, reviews)

    async def forget(self, learner_id: int) -> None:
        """Erase the learner's cards and review logs (part of /forget)."""
        await self._db.run(_forget, learner_id)
