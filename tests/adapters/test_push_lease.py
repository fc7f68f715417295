"""A kill -9 mid-run loses no push: a real process is killed with pushes in flight, and the next run sends
them once their lease has run out (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from adapters.sql.database import Database
from adapters.sql.plan_store import SqlPlanStore
from adapters.sql.store import SqlStore
from core.exam.exams import Exams
from core.plan.service import PUSH_CONCURRENCY, PUSH_LEASE, PlanService
from core.quiz.service import QuizService
from tests.core.test_plan import Outbox

ROOT = Path(__file__).resolve().parents[2]
LEARNERS, DELIVERED = 120, 5
PATIENCE = 120  # seconds: a safety net against a hung worker, never the thing a pass depends on


def _planner(bank, url: str, clock) -> tuple[Database, QuizService, PlanService]:
    database = Database(url)
    quiz = QuizService(Exams.of(bank), SqlStore(database), clock=clock, rng=random.Random(2))
    return database, quiz, PlanService(quiz, SqlPlanStore(database), clock=clock)


def _run_until_held(worker: subprocess.Popen) -> tuple[list[str], list[str]]:
    """Read the worker's lines until every push slot is stuck in flight: (delivered, held) channels."""
    sent: list[str] = []
    held: list[str] = []
    while len(held) < PUSH_CONCURRENCY:
        line = worker.stdout.readline()
        if not line:
            raise AssertionError(f"the worker ended early: {worker.stderr.read()}")
        kind, channel = line.split()
        (sent if kind == "sent" else held).append(channel)
    return sent, held


async def test_pushes_in_flight_at_a_kill_9_are_sent_after_the_restart(bank, bank_dir, database_url, clock):
    database, quiz, planner = _planner(bank, database_url, clock)
    clock.now = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    for n in range(LEARNERS):
        await planner.target(f"telegram:{n}", await quiz.learner("telegram", str(n)))
    await database.dispose()

    clock.now = datetime(2026, 11, 28, 9, 1, tzinfo=UTC)  # everyone is due (09:00 UTC)
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.adapters.push_worker", database_url, str(bank_dir), clock.now.isoformat(),
         str(DELIVERED)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        sent, held = await asyncio.wait_for(asyncio.to_thread(_run_until_held, worker), PATIENCE)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert len(sent) == DELIVERED and len(held) == PUSH_CONCURRENCY

    database, quiz, planner = _planner(bank, database_url, clock)
    outbox = Outbox()
    clock.advance(seconds=30)  # a restart within the lease: the dead run's claims are still held
    assert await planner.run_pushes(outbox) == LEARNERS - DELIVERED - PUSH_CONCURRENCY
    assert not {c for c, _ in outbox.sent} & set(held)
    clock.advance(seconds=PUSH_LEASE.total_seconds())  # the lease has run out: the in-flight pushes go now
    assert await planner.run_pushes(outbox) == PUSH_CONCURRENCY
    assert await planner.run_pushes(outbox) == 0
    channels = sent + [c for c, _ in outbox.sent]
    assert sorted(channels) == sorted(f"telegram:{n}" for n in range(LEARNERS))  # everyone, nobody twice
    clock.now = datetime(2026, 11, 29, 8, 59, tzinfo=UTC)
    assert await planner.run_pushes(outbox) == 0  # not due again before tomorrow's 09:00
    await database.dispose()
