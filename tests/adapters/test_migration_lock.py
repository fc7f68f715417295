"""Two processes starting at once on one PostgreSQL database do not race Alembic's migrations: each takes
an advisory lock first, so one migrates while the other waits, then finds the schema at head."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import asyncpg
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from adapters.sql.database import MIGRATION_LOCK, ROOT

PATIENCE = 60  # seconds: a safety net against a hung process, never the thing a pass depends on
MIGRATE = "import sys; from adapters.sql.database import migrate; migrate(sys.argv[1])"
WAITING = ("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE d.datname = $1 "
           "AND l.locktype = 'advisory' AND l.objid = $2 AND NOT l.granted")


async def _connect(url: str) -> asyncpg.Connection:
    parsed = make_url(url)
    return await asyncpg.connect(user=parsed.username, host=parsed.host, port=parsed.port,
                                 database=parsed.database, password=parsed.password, timeout=5)


async def _wait_until_both_wait(conn: asyncpg.Connection, name: str, workers: list[subprocess.Popen]) -> None:
    async with asyncio.timeout(PATIENCE):
        while await conn.fetchval(WAITING, name, MIGRATION_LOCK) < len(workers):
            ended = [w for w in workers if w.poll() is not None]
            assert not ended, f"a process migrated without waiting for the lock: {ended[0].stderr.read()}"
            await asyncio.sleep(0.05)


async def test_two_processes_starting_at_once_migrate_one_after_the_other(empty_postgres_url):
    name = make_url(empty_postgres_url).database
    holder = await _connect(empty_postgres_url)
    await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)  # both will find it taken
    workers = [subprocess.Popen([sys.executable, "-c", MIGRATE, empty_postgres_url], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        await _wait_until_both_wait(holder, name, workers)
        assert await holder.fetchval("SELECT to_regclass('alembic_version')") is None  # nobody migrated yet
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        results = [await asyncio.to_thread(w.communicate, timeout=PATIENCE) for w in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    codes = [w.returncode for w in workers]
    assert codes == [0, 0], [err[-2000:] for _, err in results]
    head = ScriptDirectory(str(Path(ROOT) / "migrations")).get_current_head()
    assert await holder.fetchval("SELECT version_num FROM alembic_version") == head
    assert await holder.fetchval("SELECT count(*) FROM learner") == 0  # the schema is there
    await holder.close()
