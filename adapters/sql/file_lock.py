"""One bot process per SQLite file: an exclusive lock on `<db>.lock`, held for the process's life.

Two processes on one SQLite file both poll the same chats (each then logs Telegram's 409 Conflict every
second, and learners wait seconds for replies), and two starting at once on a fresh file race Alembic's
migrations. The lock refuses the second process at start with a message that says why; migrations run
under it. flock is released by the kernel when the process dies, even by kill -9, so a stale lock file
never blocks a restart. The lock file stays in place: deleting it could let two processes lock two files.
PostgreSQL takes no lock here: several processes may share it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url


class DatabaseInUse(RuntimeError):
    """Another process holds the SQLite file; the message names the file and what to do."""


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


@contextlib.contextmanager
def one_process_per_sqlite_file(url: str) -> Iterator[None]:
    """Hold `<db>.lock` until the block ends; raise DatabaseInUse at once if another process holds it."""
    path = sqlite_path(url)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseInUse(
                f"another MLA Coach process is using {path} (it holds {lock_path}). Run one bot process per "
                "SQLite file; stop the other one, or use PostgreSQL (DATABASE_URL) for several.") from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
