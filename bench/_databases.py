"""Fresh, migrated databases for the benchmarks: a SQLite file, or a new database on a PostgreSQL server."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import uuid
from collections.abc import AsyncIterator

import asyncpg
from sqlalchemy.engine import make_url

from adapters.sql.database import migrate


async def _admin(server: str, statement: str) -> None:
    parsed = make_url(server)
    conn = await asyncpg.connect(user=parsed.username, password=parsed.password, host=parsed.host,
                                 port=parsed.port, database=parsed.database)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def fresh_database(postgres_server: str | None = None) -> AsyncIterator[str]:
    """The URL of an empty, migrated database, removed afterwards: SQLite unless a server URL is given
    (any database on it; a new one is created beside it)."""
    if postgres_server is None:
        with tempfile.TemporaryDirectory(prefix="mla-bench-") as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            await asyncio.to_thread(migrate, url)
            yield url
        return
    name = f"mla_bench_{uuid.uuid4().hex[:8]}"
    await _admin(postgres_server, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
        await asyncio.to_thread(migrate, url)
        yield url
    finally:
        await _admin(postgres_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
