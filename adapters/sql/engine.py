"""Building the async engine and applying Alembic migrations, for the app and the tests alike."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
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
    return create_async_engine(url, pool_pre_ping=True)


def migrate(url: str) -> None:
    """`alembic upgrade head` on the given database. Call it before the event loop starts."""
    ensure_sqlite_folder(url)
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")
