"""Databases for store tests: a fresh SQLite file, and a fresh database on the machine's PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import Iterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from adapters.sql.database import Database, migrate
from adapters.sql.store import SqlStore
from tests.conftest import postgres_url


async def _admin(url: str, statement: str) -> None:
    parsed = make_url(url)
    conn = await asyncpg.connect(user=parsed.username, host=parsed.host, port=parsed.port,
                                 database=parsed.database, password=parsed.password, timeout=5)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextlib.contextmanager
def fresh_postgres() -> Iterator[str]:
    """The URL of a PostgreSQL database created for the test and dropped after it; skips only outside CI
    when no server answers."""
    base = postgres_url()
    name = f"mla_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL must be reachable under CI: {exc}")
        pytest.skip(f"no PostgreSQL at {base}: {exc}")
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """A new database with no tables at all, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/test.db"
        return
    with fresh_postgres() as url:
        yield url


@pytest.fixture
def empty_postgres_url():
    """A new PostgreSQL database with no tables at all."""
    with fresh_postgres() as url:
        yield url


@pytest.fixture
def database_url(empty_database_url):
    """A migrated, empty database (SQLite and PostgreSQL)."""
    migrate(empty_database_url)
    return empty_database_url


@pytest.fixture
async def sql_store(database_url):
    engine = Database(database_url)
    yield SqlStore(engine)
    await engine.dispose()
