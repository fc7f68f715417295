"""SqlReviewStore: the core's ReviewStore port on the same Database as SqlStore.

Every graded answer reads and writes a card, so the statements are built once with bind parameters (as in
SqlStore) and each is compiled once: a statement built per call with its values inline, or an INSERT ... ON
CONFLICT (which SQLAlchemy 2.0 cannot cache), is compiled on every call, and that measured about twice the
CPU of the rest of an answer on SQLite. So a card is written as an UPDATE, then an INSERT if no row changed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from adapters.sql.database import Database
from adapters.sql.review_tables import ReviewCardRow, ReviewLogRow
from adapters.sql.tables import table_of
from core.review.engine import Card, Review

CARD, LOG = table_of(ReviewCardRow), table_of(ReviewLogRow)
_CARD_FIELDS = ("due", "state", "step", "stability", "difficulty", "last_review")
_CARD = CARD.select().where(CARD.c.learner_id == sa.bindparam("learner_id"),
                            CARD.c.question_id == sa.bindparam("question_id"))
_CARDS = CARD.select().where(CARD.c.learner_id == sa.bindparam("learner_id"))
_LOGGED = sa.select(LOG.c.session_id, LOG.c.position).where(LOG.c.learner_id == sa.bindparam("learner_id"))
_LOGS = (LOG.select().where(LOG.c.learner_id == sa.bindparam("learner_id"),
                            LOG.c.question_id.in_(sa.bindparam("question_ids", expanding=True)))
         .order_by(LOG.c.reviewed_at, LOG.c.id))
_INSERT_LOG, _INSERT_CARD = LOG.insert(), CARD.insert()
_UPDATE_CARD = (CARD.update().where(CARD.c.learner_id == sa.bindparam("key_learner"),
                                    CARD.c.question_id == sa.bindparam("key_question"))
                .values({k: sa.bindparam(k) for k in _CARD_FIELDS}))


def _card(row: Row) -> Card:
    return Card(learner_id=row.learner_id, question_id=row.question_id, due=row.due, state=row.state,
                step=row.step, stability=row.stability, difficulty=row.difficulty, last_review=row.last_review)


def _review(row: Row) -> Review:
    return Review(learner_id=row.learner_id, question_id=row.question_id, session_id=row.session_id,
                  position=row.position, rating=row.rating, reviewed_at=row.reviewed_at)


def _save(conn: Connection, cards: list[Card], reviews: list[Review]) -> bool:
    """Logs first: a log that exists already (the same answer recorded by another caller) rolls back all, as
    does a card another process inserted first (PostgreSQL); the next read catches that answer up."""
    try:
        if reviews:
            conn.execute(_INSERT_LOG, [vars(r) for r in reviews])
        for card in cards:
            values = vars(card)
            key = {"key_learner": card.learner_id, "key_question": card.question_id}
            if conn.execute(_UPDATE_CARD, {**key, **{k: values[k] for k in _CARD_FIELDS}}).rowcount == 0:
                conn.execute(_INSERT_CARD, values)
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
        key = {"learner_id": learner_id, "question_id": question_id}
        return await self._db.run(lambda conn: next((_card(r) for r in conn.execute(_CARD, key)), None))

    async def cards(self, learner_id: int) -> list[Card]:
        return await self._db.run(lambda conn: [_card(r) for r in conn.execute(_CARDS, {"learner_id": learner_id})])

    async def logged(self, learner_id: int) -> set[tuple[int, int]]:
        return await self._db.run(lambda conn: {(r.session_id, r.position)
                                                for r in conn.execute(_LOGGED, {"learner_id": learner_id})})

    async def logs(self, learner_id: int, question_ids: set[str]) -> list[Review]:
        params = {"learner_id": learner_id, "question_ids": sorted(question_ids)}
        return await self._db.run(lambda conn: [_review(r) for r in conn.execute(_LOGS, params)])

    async def save(self, cards: list[Card], reviews: list[Review]) -> bool:
        return await self._db.run(_save, cards, reviews)

    async def forget(self, learner_id: int) -> None:
        """Erase the learner's cards and review logs (part of /forget)."""
        await self._db.run(_forget, learner_id)
