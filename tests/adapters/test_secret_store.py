"""The secrets the bot makes itself (the web view's link key), on SQLite and PostgreSQL: the first process to
ask decides, and every later ask, from any process, reads that value."""

from __future__ import annotations

import asyncio

from adapters.sql.database import Database
from adapters.sql.secret_store import SqlSecretStore


async def test_the_first_candidate_is_kept_for_every_process(database_url):
    first, second = Database(database_url), Database(database_url)
    try:
        a, b = SqlSecretStore(first), SqlSecretStore(second)
        assert await a.secret("webapp-link", "made-by-the-first") == "made-by-the-first"
        assert await b.secret("webapp-link", "made-by-the-second") == "made-by-the-first"
        assert await a.secret("other", "another") == "another"
    finally:
        await first.dispose()
        await second.dispose()


async def test_two_processes_asking_at_once_agree(database_url):
    databases = [Database(database_url) for _ in range(2)]
    try:
        values = await asyncio.gather(*(SqlSecretStore(db).secret("webapp-link", f"candidate-{i}")
                                        for i, db in enumerate(databases)))
        assert values[0] == values[1] and values[0] in ("candidate-0", "candidate-1")
    finally:
        for db in databases:
            await db.dispose()
