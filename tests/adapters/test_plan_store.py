"""The plan store on SQLite and PostgreSQL: due selection is one query, a push claim is a lease."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, timedelta

from adapters.sql.database import Database
from adapters.sql.plan_store import SqlPlanStore
from adapters.sql.store import SqlStore
from bot.bootstrap import eraser
from core.exam.exams import Exams
from core.plan.service import PlanService
from core.quiz.service import QuizService
from tests.core.test_plan import Outbox


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def test_two_schedulers_on_one_database_send_each_push_once(bank, database_url, clock):
    engines = [Database(database_url), Database(database_url)]
    quizzes = [QuizService(Exams.of(bank), SqlStore(e), clock=clock, rng=random.Random(n))
               for n, e in enumerate(engines)]
    planners = [PlanService(q, SqlPlanStore(e), clock=clock) for q, e in zip(quizzes, engines, strict=True)]
    clock.now = utc(2026, 11, 27, 20, 0)
    for n in range(30):
        await planners[0].target(f"telegram:{n}", await quizzes[0].learner("telegram", str(n)))
    clock.now = utc(2026, 11, 28, 9, 1)
    outboxes = [Outbox(), Outbox()]
    sent = await asyncio.gather(*(p.run_pushes(o) for p, o in zip(planners, outboxes, strict=True)))
    channels = [c for o in outboxes for c, _ in o.sent]
    assert sum(sent) == 30 and sorted(channels) == sorted(f"telegram:{n}" for n in range(30))
    assert await planners[1].run_pushes(Outbox()) == 0
    for engine in engines:
        await engine.dispose()


async def test_plan_store_round_trips_and_forgets(bank, database_url, clock):
    engine = Database(database_url)
    store = SqlPlanStore(engine)
    quiz = QuizService(Exams.of(bank), SqlStore(engine), clock=clock, erase=eraser(store, SqlStore(engine)))
    planner = PlanService(quiz, store, clock=clock)
    lid = await quiz.learner("telegram", "1")
    await planner.set_timezone("telegram:1", lid, "America/New_York")
    await planner.set_time("telegram:1", lid, "06:15")
    await planner.set_exam_date(lid, "2026-12-20")
    target = await store.target("telegram:1")
    assert (target.push_time, target.timezone, target.next_push_at.tzinfo is not None) == \
        ("06:15", "America/New_York", True)
    assert await store.exam_date(lid) == (date(2026, 12, 20), True)
    day, lease = date(2026, 12, 1), timedelta(minutes=2)
    assert await store.claim("telegram:1", day, clock(), lease)
    assert not await store.claim("telegram:1", day, clock() + lease - timedelta(seconds=1), lease)  # held
    assert await store.claim("telegram:1", day, clock() + lease, lease)  # lapsed unsent: taken over
    await store.confirm(target, day, clock() + lease)
    assert not await store.claim("telegram:1", day, clock() + 10 * lease, lease)  # sent: final
    await quiz.forget(lid)
    assert await store.target("telegram:1") is None and await store.exam_date(lid) == (None, False)
    await engine.dispose()
