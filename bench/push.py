"""Daily-push benchmark: due selection among 100,000 learners (SQLite and PostgreSQL), and a send run
through a 30 msg/s limiter. Run: .venv/bin/python bench/push.py [--learners 100000] [--sends 600]

Prints, for each database, the indexed due query against a same-run baseline that loads every target
and filters in Python, and for the send run the sustained rate and the duplicate count."""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiolimiter import AsyncLimiter
from sqlalchemy import insert
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.sql.database import Database  # noqa: E402
from adapters.sql.plan_store import SqlPlanStore, _target  # noqa: E402
from adapters.sql.plan_tables import PushTargetRow  # noqa: E402
from adapters.sql.store import SqlStore  # noqa: E402
from adapters.sql.tables import LearnerRow  # noqa: E402
from bench._databases import fresh_database  # noqa: E402
from core.exam.bank import load_bank  # noqa: E402
from core.plan import engine as plan  # noqa: E402
from core.plan.engine import PushTarget  # noqa: E402
from core.plan.service import PlanService  # noqa: E402
from core.quiz.service import QuizService  # noqa: E402

ZONES = ["UTC", "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Kolkata",
         "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo", "Africa/Lagos"]
NOW = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)


def _fill(conn, learners: int, rng: random.Random) -> None:
    created = NOW - timedelta(minutes=15)  # the last tick ran a quarter of an hour ago
    for start in range(0, learners, 5000):
        ids = range(start + 1, min(start + 5000, learners) + 1)
        conn.execute(insert(LearnerRow), [{"id": i, "created_at": created} for i in ids])
        rows = []
        for i in ids:
            push_time = f"{rng.randrange(6, 22):02d}:{rng.choice((0, 15, 30, 45)):02d}"
            target = plan.schedule(PushTarget(channel=f"telegram:{i}", learner_id=i, push_time=push_time,
                                              timezone=rng.choice(ZONES)), created)
            rows.append({"channel": target.channel, "learner_id": i, "push_time": target.push_time,
                         "timezone": target.timezone, "paused": rng.random() < 0.05, "unreachable": False,
                         "next_push_at": target.next_push_at, "last_pushed": None})
        conn.execute(insert(PushTargetRow), rows)


async def fill(database: Database, learners: int, rng: random.Random) -> None:
    """Insert `learners` learners, each with a private push target at a random local time and zone."""
    await database.run(_fill, learners, rng)


async def naive_due(database: Database) -> int:
    """Baseline: load every target and decide in Python who is due."""
    rows = await database.run_orm(lambda db: db.exec(select(PushTargetRow)).all())
    return sum(1 for r in rows if not r.paused and not r.unreachable and plan.due_date(_target(r), NOW))


async def timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = await fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


async def selection(name: str, url: str, learners: int) -> None:
    database = Database(url)
    await fill(database, learners, random.Random(1))
    store = SqlPlanStore(database)
    query_s, due = await timed(lambda: store.due_targets(NOW, learners))
    naive_s, naive_count = await timed(lambda: naive_due(database), repeat=3)
    assert len(due) == naive_count, (len(due), naive_count)
    print(f"{name:10s} due selection among {learners:,} learners: {len(due):,} due; indexed query "
          f"{query_s * 1000:8.1f} ms, baseline full load {naive_s * 1000:8.1f} ms, ratio {naive_s / query_s:5.1f}x")
    await database.dispose()


async def send_run(url: str, sends: int) -> None:
    """Real run_pushes (claims, scheduling, opening each learner's first question) through a
    30 msg/s limiter, with two schedulers on the same database to count duplicates."""
    database = Database(url)
    bank = load_bank()
    quiz = QuizService(bank, SqlStore(database), clock=lambda: NOW, rng=random.Random(2))
    planners = [PlanService(quiz, SqlPlanStore(database), clock=lambda: NOW) for _ in range(2)]
    yesterday = NOW - timedelta(days=1)
    for n in range(sends):
        learner = await quiz.learner("telegram", str(n))
        await planners[0].store.save_target(PushTarget(channel=f"telegram:{n}", learner_id=learner,
                                                       push_time="06:00", next_push_at=NOW - timedelta(hours=1),
                                                       last_pushed=yesterday.date()))
    limiter = AsyncLimiter(30, 1)  # the limiter PTB's AIORateLimiter uses for its overall 30 msg/s
    sent: list[tuple[str, float]] = []

    async def send(target, reply) -> bool:
        async with limiter:
            sent.append((target.channel, time.perf_counter()))
            await asyncio.sleep(0.005)  # the HTTP round trip to Telegram, roughly
        return True

    started = time.perf_counter()
    while sum(await asyncio.gather(*(p.run_pushes(send) for p in planners))):
        pass  # each tick takes at most a batch; tick again until nobody is due
    elapsed = time.perf_counter() - started
    channels = [c for c, _ in sent]
    steady = [t for _, t in sent][30:]  # after the limiter's first one-second burst
    rate = (len(steady) - 1) / (steady[-1] - steady[0]) if len(steady) > 1 else float("nan")
    print(f"send run: {len(sent)} pushes in {elapsed:.1f} s by 2 schedulers; sustained {rate:.1f} msg/s "
          f"(goal >= 28.5, limit 30); duplicates {len(channels) - len(set(channels))}; "
          f"missing {sends - len(set(channels))}")
    await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--sends", type=int, default=600)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    async with fresh_database() as url:
        await selection("SQLite", url, args.learners)
    async with fresh_database(args.postgres) as url:
        await selection("PostgreSQL", url, args.learners)
    async with fresh_database() as url:
        await send_run(url, args.sends)


if __name__ == "__main__":
    asyncio.run(main())
