"""SQLite with another process holding the write lock: the bot's event loop keeps answering meanwhile."""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys

import pytest
from sqlalchemy.exc import OperationalError

from adapters.sql import database as database_module
from adapters.sql.database import Database, migrate
from adapters.sql.store import SqlStore
from core.quiz.service import QuizService

HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")  # the write lock, until told to let go
db.execute("INSERT INTO learner (created_at) VALUES ('2026-11-28 10:00:00')")
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
"""


@pytest.fixture
async def locked_database(tmp_path):
    """A migrated SQLite file, and a separate process that holds its write lock until `release()`."""
    path = tmp_path / "locked.db"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(migrate, url)
    database = Database(url)
    holder = None

    def hold() -> None:
        nonlocal holder
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"

    def release() -> None:
        assert holder is not None and holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=10) == 0

    yield database, hold, release
    if holder is not None and holder.poll() is None:
        holder.kill()
        holder.wait()
    await database.dispose()


async def test_a_write_waiting_for_another_process_lock_leaves_the_loop_answering(bank, clock, locked_database):
    database, hold, release = locked_database
    service = QuizService(bank, SqlStore(database), clock=clock, rng=random.Random(3))
    other = await service.learner("telegram", "1")
    await service.quick(other)
    hold()
    write = asyncio.create_task(service.learner("telegram", "2"))  # a new learner: a write, which must wait
    timer = asyncio.create_task(asyncio.sleep(0.05))
    await timer  # a timer fires while the write waits
    stats = await service.stats(other)  # and another chat's update is answered (a read; WAL lets it through)
    assert stats.text.startswith("No MLA-C01 answers yet") and not write.done()
    release()
    new = await write  # the write goes through once the lock is released
    assert new != other and await service.learner("telegram", "2") == new


async def test_a_lock_held_past_the_busy_budget_fails_that_request_only(bank, clock, locked_database, monkeypatch):
    database, hold, release = locked_database
    monkeypatch.setattr(database_module, "BUSY_SECONDS", 0.2)
    service = QuizService(bank, SqlStore(database), clock=clock, rng=random.Random(3))
    other = await service.learner("telegram", "1")
    hold()
    with pytest.raises(OperationalError, match="locked"):
        await service.learner("telegram", "2")
    await service.stats(other)  # reads still work
    release()
    assert await service.learner("telegram", "2") != other  # and writes again once it is released
