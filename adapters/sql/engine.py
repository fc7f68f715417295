"""The database the stores share: each store call is one transaction, run as one synchronous function.

Why synchronous functions: a store call is a few statements, and over aiosqlite every statement (cursor,
execute, fetch, close, commit) is a hop to the driver's thread and back, which cost more CPU than the
queries. So on SQLite a whole transaction runs in one hop to one worker thread that owns the process's only
connection; on PostgreSQL the same function runs through asyncpg in SQLAlchemy's greenlet bridge.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def ensure_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder (the default lives under ./data/)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


class Database:
    """`await db.run(fn, *args)` calls `fn(connection, *args)` in a transaction and commits after it returns
    (rolls back if it raises); `fn` may commit or roll back itself, to catch a unique-key conflict.
    `run_orm` does the same with an ORM session on that connection, for stores written with the ORM."""

    def __init__(self, url: str) -> None:
        ensure_sqlite_folder(url)
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            # SQLite allows one writer at a time. Within a process, one connection on one thread serialises
            # the transactions; across processes, a writer waits for the lock (busy_timeout) instead of
            # failing, and WAL lets readers run beside the writer.
            self._sync = create_engine(parsed.set(drivername="sqlite"), pool_size=1, max_overflow=0,
                                       connect_args={"timeout": 30, "check_same_thread": False})
            event.listen(self._sync, "connect", _sqlite_pragmas)
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite")
            self._connection: Connection | None = None
            self._async = None
        else:
            self._async = create_async_engine(url, pool_pre_ping=True)

    async def run(self, fn: Callable[..., T], *args) -> T:
        if self._async is None:
            return await asyncio.get_running_loop().run_in_executor(self._thread, self._transaction, fn, args)
        async with self._async.connect() as connection:
            result = await connection.run_sync(fn, *args)
            await connection.commit()
            return result

    async def run_orm(self, fn: Callable[..., T], *args) -> T:
        return await self.run(_in_session, fn, args)

    def _transaction(self, fn: Callable[..., T], args: tuple) -> T:
        """On the SQLite thread: the process's one connection, kept open (a pool checkout per call cost more
        than most of the queries)."""
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
        await asyncio.get_running_loop().run_in_executor(self._thread, self._close)
        self._thread.shutdown()

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._sync.dispose()


def _in_session(connection: Connection, fn: Callable[..., T], args: tuple) -> T:
    with Session(bind=connection, expire_on_commit=False) as session:
        result = fn(session, *args)
        session.commit()
        return result


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migrate(url: str) -> None:
    """`alembic upgrade head` on the given database. Call it before the event loop starts."""
    ensure_sqlite_folder(url)
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")
