"""Daily-push benchmark: due selection among 100,000 learners (SQLite and PostgreSQL), and push runs.
Run: .venv/bin/python bench/push.py [--learners 100000] [--sends 600] [--telegram 300]

Prints, for each database, the indexed due query against a same-run baseline that loads every target
and filters in Python. Then two push runs on a fresh SQLite file, the bot's default: the baseline, real
run_pushes through a stand-in send function behind a 30 msg/s limiter (two schedulers, to count
duplicates); and end to end, the bot as `python -m bot` wires it, its TelegramAdapter sending through
python-telegram-bot (AIORateLimiter, HTTPXRequest) over HTTP to the Bot API stand-in of the tests, which
runs in a process of its own and notes when each message arrived. Each prints its sustained rate (after
the limiter's first one-second burst; goal >= 28.5 msg/s, Telegram allows 30), duplicates and missing
pushes; the end-to-end rate is also given as a ratio to the baseline's."""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
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
from adapters.sql.tables import AnswerRow, LearnerRow, SessionRow  # noqa: E402
from adapters.telegram.app import TelegramAdapter, build_application  # noqa: E402
from bench import _sink  # noqa: E402
from bench._databases import fresh_database  # noqa: E402
from bot.bootstrap import Services, bootstrap  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
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


def _answered(conn, learners: list[int], question_ids: list[str], answers: int) -> None:
    for learner in learners:
        session = conn.execute(insert(SessionRow).values(
            learner_id=learner, mode="drill", question_ids=[], orders=[], position=answers,
            started_at=NOW - timedelta(days=1), finished_at=NOW - timedelta(days=1))).inserted_primary_key[0]
        conn.execute(insert(AnswerRow), [
            {"session_id": session, "position": i, "learner_id": learner, "mode": "drill", "response": [0],
             "question_id": question_ids[i % len(question_ids)], "correct": i % 3 > 0,
             "answered_at": NOW - timedelta(days=1)} for i in range(answers)])


async def due_learners(database: Database, quiz: QuizService, planner: PlanService, count: int,
                       answers: int) -> None:
    """`count` learners with a private chat each (chat ids 1..count), all due an hour ago, each with
    `answers` answers already given (a push reads the learner's whole history to pick the day's step)."""
    yesterday = NOW - timedelta(days=1)
    learners = []
    for n in range(1, count + 1):
        learners.append(await quiz.learner("telegram", str(n)))
        await planner.store.save_target(PushTarget(channel=f"telegram:{n}", learner_id=learners[-1],
                                                   push_time="06:00", next_push_at=NOW - timedelta(hours=1),
                                                   last_pushed=yesterday.date()))
    await database.run(_answered, learners, sorted(quiz.exams.newest.questions), answers)


def wire(url: str, seed: int) -> Services:
    """The services as `python -m bot` wires them (bot/bootstrap.py: spaced review, the streak and the due
    count in each push), on `url`, with the bench's clock."""
    services = bootstrap(Settings(database_url=url), exams=load_bank(), clock=lambda: NOW, rng=random.Random(seed))
    assert services.database is not None
    return services


def report(label: str, arrivals: list[tuple[int, float, str]], pushes: int, elapsed: float, cpu: float) -> float:
    """Print the sustained rate of `arrivals` ((chat, time, text) per message), the bot's CPU per push and
    the duplicate and missing pushes (a push's first message is its greeting); return the rate."""
    times = sorted(t for _, t, _ in arrivals)
    times = [t for t in times if t >= times[0] + 2]  # the limiter's bucket lets 30 through at first: skip 2 s
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else float("nan")
    chats = [c for c, _, text in arrivals if text.startswith("Good day")]
    print(f"{label}: {len(arrivals)} messages for {pushes} pushes in {elapsed:.1f} s; sustained {rate:.1f} msg/s "
          f"(goal >= 28.5, limit 30); bot CPU {cpu * 1000 / pushes:.1f} ms/push; "
          f"duplicates {len(chats) - len(set(chats))}; missing {pushes - len(set(chats))}")
    return rate


async def send_run(url: str, sends: int, answers: int) -> float:
    """Baseline: real run_pushes (claims, scheduling, opening each learner's first question) through a
    stand-in send function behind a 30 msg/s limiter, with two schedulers on the same database."""
    wired = [wire(url, seed) for seed in (2, 3)]  # two schedulers: two processes' services on one database
    planners = [w.planner for w in wired]
    await due_learners(wired[0].database, wired[0].quiz, planners[0], sends, answers)
    limiter = AsyncLimiter(30, 1)  # the limiter PTB's AIORateLimiter uses for its overall 30 msg/s
    sent: list[tuple[int, float, str]] = []

    async def send(target, reply) -> bool:
        async with limiter:
            sent.append((int(target.channel.removeprefix("telegram:")), time.perf_counter(), reply.paragraphs[0]))
            await asyncio.sleep(0.005)  # the HTTP round trip to Telegram, roughly
        return True

    started, cpu = time.perf_counter(), time.process_time()
    while sum(await asyncio.gather(*(p.run_pushes(send) for p in planners))):
        pass  # each tick takes at most a batch; tick again until nobody is due
    rate = report("baseline, stand-in send function, 2 schedulers", sent, sends, time.perf_counter() - started,
                  time.process_time() - cpu)
    for w in wired:
        await w.database.dispose()
    return rate


async def telegram_run(url: str, learners: int, answers: int) -> float:
    """End to end: the pushes of `learners` learners due at once, sent by the real TelegramAdapter through
    PTB to the Bot API stand-in over HTTP (process of its own); the rate is the one the stand-in saw."""
    mp = multiprocessing.get_context("spawn")
    conn, child = mp.Pipe()
    process = mp.Process(target=_sink.serve, args=(child,), daemon=True)
    process.start()
    child.close()
    wired = wire(url, 3)
    database, quiz, planner = wired.database, wired.quiz, wired.planner
    try:
        kind, base_url, token = conn.recv()
        assert kind == "ready", kind
        await due_learners(database, quiz, planner, learners, answers)
        adapter = TelegramAdapter(build_application(token, wired.dispatcher, base_url=base_url, turns=wired.turns),
                                  turns=wired.turns)
        runtime = Runtime(quiz, [adapter], planner=planner)
        await adapter.start()
        try:
            started, cpu = time.perf_counter(), time.process_time()
            while await planner.run_pushes(runtime.push):
                pass
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            await adapter.stop()
        conn.send("done")
        arrivals = await asyncio.to_thread(conn.recv)
    finally:
        await database.dispose()
        conn.close()
        process.join(10)
    return report("end to end, TelegramAdapter -> PTB -> HTTP stand-in", arrivals, learners, elapsed, cpu)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000, help="for the due selection; 0 skips it")
    parser.add_argument("--sends", type=int, default=600)
    parser.add_argument("--telegram", type=int, default=300, help="learners due at once in the end-to-end run")
    parser.add_argument("--answers", type=int, default=300, help="answers each pushed learner has given")
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if args.learners:  # 0: the push runs only
        async with fresh_database() as url:
            await selection("SQLite", url, args.learners)
        async with fresh_database(args.postgres) as url:
            await selection("PostgreSQL", url, args.learners)
    async with fresh_database() as url:
        baseline = await send_run(url, args.sends, args.answers)
    async with fresh_database() as url:
        rate = await telegram_run(url, args.telegram, args.answers)
    print(f"end to end / baseline: {rate / baseline:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
