"""Migrations that change what a learner sees, run on a database holding data (SQLite and PostgreSQL).

The tests are synchronous because Alembic's env.py runs its own event loop, as it does at start-up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from adapters.sql.database import Database, migrate
from adapters.sql.store import ANSWER, LEARNER, SESSION

AT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _session(learner_id: int, mode: str, ids: list[str], unseen: bool) -> dict:
    return {"learner_id": learner_id, "mode": mode, "question_ids": ids, "orders": [[0, 1, 2, 3]] * len(ids),
            "position": len(ids), "started_at": AT, "finished_at": AT, "unseen": unseen}


async def _run(url: str, fn):
    database = Database(url)
    try:
        return await database.run(fn)
    finally:
        await database.dispose()


def test_forms_of_questions_answered_in_a_drill_stop_counting_as_unseen(empty_database_url):
    migrate(empty_database_url, "0007")  # the schema just before the readiness rule

    def fill(conn) -> dict[str, int]:
        lid = conn.execute(LEARNER.insert().values(created_at=AT)).inserted_primary_key[0]
        drill = conn.execute(SESSION.insert().values(_session(lid, "drill", ["q1"], False))).inserted_primary_key[0]
        conn.execute(ANSWER.insert().values(session_id=drill, position=0, learner_id=lid, question_id="q1",
                                            mode="drill", response=[0], correct=True, answered_at=AT))
        return {name: conn.execute(SESSION.insert().values(_session(lid, "mock", qs, unseen))).inserted_primary_key[0]
                for name, qs, unseen in [("drilled", ["q1", "q2"], True), ("fresh", ["q3"], True),
                                         ("shown_not_answered", ["q3", "q4"], False)]}

    forms = asyncio.run(_run(empty_database_url, fill))
    migrate(empty_database_url)
    unseen = asyncio.run(_run(empty_database_url,
                              lambda conn: {r.id: r.unseen for r in conn.execute(SESSION.select())}))
    assert unseen[forms["drilled"]] is False  # a mock of drilled questions said "unseen" before
    assert unseen[forms["fresh"]] is True
    assert unseen[forms["shown_not_answered"]] is True  # q3 was only shown in an earlier form, never answered
