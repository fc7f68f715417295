"""Building the async engine and applying Alembic migrations, for the app and the tests alike."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

ROOT = Path(__file__).resolve().parents[2]


def ensure_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder (the default lives under ./data/)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str) -> AsyncEngine:
    ensure_sqlite_folder(url)
    if make_url(url).get_backend_name() != "sqlite":
        return create_async_engine(url, pool_pre_ping=True)
    # SQLite allows one writer at a time. Within a process, one shared connection serialises the
    # transactions (several connections of one process deadlocked each other on the file lock under
    # concurrent pushes); across processes, a writer waits for the lock (busy_timeout) instead of failing,
    # and WAL lets readers run beside the writer. The stores write first in every transaction that writes.
    engine = create_async_engine(url, connect_args={"timeout": 30}, pool_size=1, max_overflow=0)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


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
