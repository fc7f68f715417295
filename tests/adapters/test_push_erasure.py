"""A learner who sends /forget after their push was claimed gets no push and leaves no row behind, and
push claims do not pile up: the scheduler prunes those past their retention (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from adapters.sql.database import Database
from adapters.sql.plan_store import CLAIM, SqlPlanStore
from adapters.sql.round_store import SqlRoundStore
from adapters.sql.store import SqlStore
from bot.bootstrap import bootstrap
from bot.config import Settings
from core.plan.engine import PushTarget
from core.plan.service import CLAIM_RETENTION
from tests.adapters.test_erasure import _tables_naming
from tests.core.test_plan import Outbox

DUE = datetime(2026, 11, 28, 9, 1, tzinfo=UTC)


class ForgetWhilePreparing(SqlPlanStore):
    """A plan store on which the learner's /forget arrives while their push is being prepared: right after
    it was claimed and the plan read, before it is sent."""

    erase_learner = None  # set by the test to the service's /forget: arms the store

    async def exam_date(self, learner_id: int) -> tuple[date | None, bool]:
        found = await super().exam_date(learner_id)
        if self.erase_learner is not None:
            await self.erase_learner(learner_id)
        return found


async def test_a_forget_after_the_claim_before_the_send_sends_nothing_and_leaves_no_row(bank, database_url, clock):
    database = Database(database_url)
    plan_store = ForgetWhilePreparing(database)
    services = bootstrap(Settings(database_url=database_url), exams=bank, store=SqlStore(database),
                         plan_store=plan_store, round_store=SqlRoundStore(database), clock=clock,
                         rng=random.Random(3))
    quiz, planner = services.quiz, services.planner
    clock.now = DUE - timedelta(hours=13)
    drilling = await quiz.learner("telegram", "880001")  # today's push opens a drill: it writes a session
    await planner.target("telegram:880001", drilling)
    await planner.set_exam_date(drilling, "2026-12-20")
    diagnosing = await quiz.learner("telegram", "880002")  # Day 7: a push that writes nothing
    await planner.target("telegram:880002", diagnosing)
    await planner.set_exam_date(diagnosing, "2026-12-05")

    clock.now = DUE
    plan_store.erase_learner = quiz.forget
    outbox = Outbox()
    assert await planner.run_pushes(outbox) == 0
    assert outbox.sent == []
    for learner, chat in ((drilling, "880001"), (diagnosing, "880002")):
        assert await _tables_naming(database, learner, (chat,)) == {}
    assert await planner.run_pushes(outbox) == 0 and outbox.sent == []
    await database.dispose()


async def test_claims_past_their_retention_or_without_a_target_are_pruned(database_url):
    database = Database(database_url)
    store = SqlPlanStore(database)
    now = DUE
    today = now.date()
    await store.save_target(PushTarget(channel="telegram:1", learner_id=None, next_push_at=now))
    old, kept = today - CLAIM_RETENTION - timedelta(days=1), today - CLAIM_RETENTION
    for day in (old, kept, today):
        assert await store.claim("telegram:1", day, now, timedelta(minutes=2))
    assert await store.claim("telegram:gone", today, now, timedelta(minutes=2))  # its target was erased
    assert await store.prune_claims(today - CLAIM_RETENTION) == 2
    rows = await database.run(lambda conn: sorted((r.channel, r.day) for r in conn.execute(CLAIM.select())))
    assert rows == [("telegram:1", kept), ("telegram:1", today)]
    assert not await store.claim("telegram:1", today, now, timedelta(minutes=2))  # today's claim still holds
    await database.dispose()
