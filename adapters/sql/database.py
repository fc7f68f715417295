"""The database the stores share: each store call is one transaction, run as one synchronous function.

SQLite runs that function on the event loop's own thread, on the process's one connection. A store call is
a few indexed statements (about 0.1 ms; WAL with synchronous=NORMAL, so a commit does not wait for the
disk), and no transaction spans an await, so nothing in the process ever waits for a lock. Handing each call
to a worker thread (aiosqlite, or one thread of our own) cost more CPU than the queries: the load bench
measured about 0.7 ms per update for the thread handoffs alone.

Another process can still hold the write lock (a backup, the sqlite3 shell, a migration by hand). SQLite's
own busy wait would sleep on the loop's thread, freezing every chat and timer for as long as it waits, so
the busy timeout is zero: a transaction that meets the lock fails at once, is rolled back, and is run again
after an asyncio sleep (1 ms, doubling up to 50 ms), for BUSY_SECONDS in all; then that request fails. Each
store function is all or nothing (it commits at most once, at its end), so running it again is safe. One
bot process per SQLite file is the setup this is for; several processes on one database should use
PostgreSQL, where the same functions run through asyncpg in SQLAlchemy's greenlet bridge.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")
MIGRATION_LOCK = 0x4D4C4143  # "MLAC": the PostgreSQL advisory lock key migrations run under
BUSY_SECONDS = 5.0  # how long a SQLite transaction keeps retrying while another process holds a lock
FIRST_RETRY, LAST_RETRY = 0.001, 0.05  # seconds between those retries: doubling from the first to the last


def ensure_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder (the default lives under ./data/)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


class Database:
    """`await db.run(fn, *args)` calls `fn(connection, *args)` in a transaction and commits after it returns
    (rolls back if it raises); `fn` may commit or roll back itself, to catch a unique-key conflict.
    `run_orm` does the same with an ORM session on that connection, for stores written with the ORM."""

    def __init__(self, url: str, on_error: Callable[[], None] | None = None) -> None:
        ensure_sqlite_folder(url)
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        self._connection: Connection | None = None
        if self.dialect == "sqlite":
            self._sync = create_engine(parsed.set(drivername="sqlite"), pool_size=1, max_overflow=0,
                                       connect_args={"timeout": 0})
            event.listen(self._sync, "connect", _sqlite_pragmas)
            self._async = None
        else:
            self._async = create_async_engine(url, pool_pre_ping=True)
        if on_error is not None:  # every error the driver raises (metrics count them), whatever the caller does
            engine = self._sync if self._async is None else self._async.sync_engine
            event.listen(engine, "handle_error", lambda _context: on_error())

    async def ping(self) -> None:
        """One round trip (SELECT 1); raises if the database cannot be reached. For /healthz."""
        await self.run(lambda connection: connection.execute(text("SELECT 1")).scalar_one())

    async def run(self, fn: Callable[..., T], *args) -> T:
        if self._async is None:
            return await self._retrying(fn, args)
        async with self._async.connect() as connection:
            result = await connection.run_sync(fn, *args)
            await connection.commit()
            return result

    async def run_orm(self, fn: Callable[..., T], *args) -> T:
        return await self.run(_in_session, fn, args)

    async def _retrying(self, fn: Callable[..., T], args: tuple) -> T:
        """SQLite: the transaction, run again after an asyncio sleep while another process holds a lock."""
        deadline, pause = time.monotonic() + BUSY_SECONDS, FIRST_RETRY
        while True:
            try:
                return self._transaction(fn, args)
            except OperationalError as exc:
                if not _locked(exc) or time.monotonic() + pause > deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, LAST_RETRY)

    def _transaction(self, fn: Callable[..., T], args: tuple) -> T:
        """SQLite: the one connection, kept open (a pool checkout per call cost more than most queries)."""
        if self._connection is None:
            self._connection = self._sync.connect()
        try:
            result = fn(self._connection, *args)
            self._connection.commit()
            return result
        except BaseException:
            self._connection.rollback()
            raise

    async def dispose(self) -> None:
        if self._async is not None:
            await self._async.dispose()
            return
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._sync.dispose()


def _in_session(connection: Connection, fn: Callable[..., T], args: tuple) -> T:
    with Session(bind=connection, expire_on_commit=False) as session:
        result = fn(session, *args)
        session.commit()
        return result


def _locked(exc: OperationalError) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED, with any extended code (a lock held by another connection)."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return isinstance(exc.orig, sqlite3.OperationalError) and code is not None and code & 0xFF in (
        sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=0")  # never wait on the loop's thread: Database._retrying waits
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable when the process dies; a power cut may lose
    # the last commits, never the database (https://www.sqlite.org/pragma.html#pragma_synchronous)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@contextlib.contextmanager
def migration_lock(connection: Connection) -> Iterator[None]:
    """On PostgreSQL, hold an advisory lock on `connection` while the block migrates.

    Several processes may share one PostgreSQL database, and each runs `alembic upgrade head` at start: two
    starting at once would both find the schema old and both create the same tables (one then fails). The
    lock makes the second wait until the first has committed; it then finds the schema at head and does
    nothing. The lock belongs to the connection's session, so a process killed mid-migration releases it.
    SQLite needs none here: one process per file, and the bot migrates under that file's lock."""
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
    connection.commit()  # the lock outlives this transaction; Alembic begins and commits its own
    yield
    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
    connection.commit()


def migrate(url: str, revision: str = "head") -> None:
    """`alembic upgrade head` (or to `revision`) on the given database. Call it before the event loop
    starts."""
    ensure_sqlite_folder(url)
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    command.upgrade(config, revision)
