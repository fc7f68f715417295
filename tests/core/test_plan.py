"""The seven-day plan and the daily push clock, under a controlled clock, across zones and DST."""

from __future__ import annotations

import asyncio
import contextlib
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from core.exam.exams import Exams
from core.plan import engine as plan
from core.plan.engine import PushTarget
from core.plan.service import PUSH_CONCURRENCY, PUSH_LEASE, PlanService
from core.quiz.service import QuizService
from tests.answers import as_text, right_response, submit_if_last, wrong_response
from tests.fakes import InMemoryPlanStore


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def plan_store() -> InMemoryPlanStore:
    return InMemoryPlanStore()


@pytest.fixture
def quiz(bank, memory_store, clock) -> QuizService:
    return QuizService(Exams.of(bank), memory_store, clock=clock, rng=random.Random(4))


@pytest.fixture
def planner(quiz, plan_store, clock) -> PlanService:
    return PlanService(quiz, plan_store, clock=clock)


class Outbox:
    """A send function that records pushes; chats listed in `blocked` cannot be reached."""

    def __init__(self, blocked: set[str] | None = None) -> None:
        self.sent: list[tuple[str, str]] = []
        self.blocked = blocked or set()

    async def __call__(self, target: PushTarget, reply) -> bool:
        if target.channel in self.blocked:
            return False
        self.sent.append((target.channel, reply.text))
        return True


def test_plan_days_count_down_to_the_exam():
    exam = date(2026, 12, 15)
    assert plan.activity_for(date(2026, 12, 8), exam, "1.1")[0] == 7
    assert plan.activity_for(date(2026, 12, 14), exam, "1.1") == (1, plan.PLAN[1])
    number, activity = plan.activity_for(date(2026, 12, 1), exam, "2.3")
    assert number is None and activity.scope == "2.3" and "weakest task statement, 2.3" in activity.title
    assert activity.title.startswith("More than a week to go")
    eve = plan.activity_for(date(2026, 12, 7), exam, "2.3")[1]  # the day before Day 7 (a new learner's first)
    assert eve.title.startswith("Your plan starts tomorrow; warm up with a mixed drill") and eve.scope == "2.3"
    assert plan.activity_for(date(2026, 12, 15), exam, "1.1")[1] is plan.EXAM_DAY
    assert plan.activity_for(date(2026, 12, 20), exam, "1.1")[1] is plan.AFTER_EXAM


@pytest.mark.parametrize(
    ("zone", "push_time", "now", "expected_utc"),
    [
        ("UTC", "09:00", utc(2026, 11, 28, 8, 0), utc(2026, 11, 28, 9, 0)),
        ("Europe/Berlin", "07:30", utc(2026, 11, 28, 5, 0), utc(2026, 11, 28, 6, 30)),
        ("Asia/Kolkata", "07:30", utc(2026, 11, 28, 1, 0), utc(2026, 11, 28, 2, 0)),
        ("America/New_York", "07:30", utc(2026, 11, 28, 13, 0), utc(2026, 11, 29, 12, 30)),  # passed: tomorrow
        ("Europe/Berlin", "07:30", utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 5, 30)),  # spring forward day
        ("America/New_York", "07:30", utc(2026, 11, 1, 3, 0), utc(2026, 11, 1, 12, 30)),  # fall back day
    ],
)
def test_first_push_is_the_next_local_occurrence(zone, push_time, now, expected_utc):
    target = plan.schedule(PushTarget("t:1", 1, push_time=push_time, timezone=zone), now)
    assert target.next_push_at == expected_utc


async def test_pushes_come_once_a_day_at_local_time_across_a_dst_change(planner, plan_store, clock):
    clock.now = utc(2026, 10, 23, 12, 0)
    await planner.target("telegram:1", await planner.quiz.learner("telegram", "1"))
    await planner.set_timezone("telegram:1", 1, "Europe/Berlin")
    await planner.set_time("telegram:1", 1, "07:30")
    outbox, pushed_at = Outbox(), []
    while clock.now < utc(2026, 10, 28, 12, 0):  # tick every 10 minutes over a week with a DST change
        clock.advance(minutes=10)
        if await planner.run_pushes(outbox):
            pushed_at.append(clock.now.astimezone(plan.ZoneInfo("Europe/Berlin")))
    assert [(p.day, p.hour, p.minute) for p in pushed_at] == [(d, 7, 30) for d in (24, 25, 26, 27, 28)]
    assert pushed_at[0].utcoffset() != pushed_at[1].utcoffset()  # clocks went back on 25 Oct: still one push


async def test_due_selection_across_time_zones(planner, plan_store, clock):
    clock.now = utc(2026, 11, 27, 12, 0)
    for channel, zone in [("t:tokyo", "Asia/Tokyo"), ("t:berlin", "Europe/Berlin"), ("t:ny", "America/New_York")]:
        await planner.target(channel, None)
        await planner.set_timezone(channel, None, zone)
        await planner.set_time(channel, None, "08:00")
        await planner.daily(channel, True)
    clock.now = utc(2026, 11, 28, 7, 30)  # 16:30 Tokyo, 08:30 Berlin, 02:30 New York
    outbox = Outbox()
    assert await planner.run_pushes(outbox) == 2
    assert sorted(c for c, _ in outbox.sent) == ["t:berlin", "t:tokyo"]


async def test_missed_tick_catches_up_the_same_local_day_but_not_the_next(planner, clock):
    clock.now = utc(2026, 11, 27, 20, 0)
    lid = await planner.quiz.learner("telegram", "2")
    await planner.target("telegram:2", lid)
    clock.now = utc(2026, 11, 28, 15, 0)  # down from 08:00 to 15:00: push later the same day
    outbox = Outbox()
    assert await planner.run_pushes(outbox) == 1
    clock.now = utc(2026, 11, 30, 10, 0)  # down for all of the 29th: no push for that day, today's only
    assert await planner.run_pushes(outbox) == 1
    assert await planner.run_pushes(outbox) == 0
    assert len(outbox.sent) == 2


class Killed(BaseException):
    """The process dying mid-run (not an error the scheduler could handle)."""


async def test_a_restart_mid_run_sends_the_in_flight_pushes_once_their_lease_runs_out(quiz, plan_store, clock):
    clock.now = utc(2026, 11, 27, 20, 0)
    first = PlanService(quiz, plan_store, clock=clock)
    for n in range(12):
        await first.target(f"telegram:{n}", await quiz.learner("telegram", str(n)))
    clock.now = utc(2026, 11, 28, 9, 5)
    crashed = Outbox()

    async def dies_after_five(target, reply):
        if len(crashed.sent) == 5:
            raise Killed
        return await crashed(target, reply)

    with pytest.raises(BaseExceptionGroup):
        await first.run_pushes(dies_after_five)
    restarted, outbox = PlanService(quiz, plan_store, clock=clock), Outbox()
    await restarted.run_pushes(outbox)  # at once: the dead run's claims are still within their lease
    held = {c for (c, _), (_, sent_at) in plan_store.claims.items() if sent_at is None}
    assert held and not held & {c for c, _ in outbox.sent}
    clock.advance(seconds=PUSH_LEASE.total_seconds())
    await restarted.run_pushes(outbox)
    await restarted.run_pushes(outbox)
    channels = [c for c, _ in crashed.sent + outbox.sent]
    assert sorted(channels) == sorted(f"telegram:{n}" for n in range(12))  # everyone, nobody twice


class FailingClaims(InMemoryPlanStore):
    """A plan store whose claim for one channel fails once (a database error) while other pushes are in
    flight: `others_waiting` is set by the test's send once the rest of the first wave is sending."""

    def __init__(self, failing: str) -> None:
        super().__init__()
        self.failing = failing
        self.others_waiting, self.failed = asyncio.Event(), asyncio.Event()

    async def claim(self, channel, day, now, lease):
        if channel == self.failing and not self.failed.is_set():
            await self.others_waiting.wait()
            asyncio.get_running_loop().call_soon(self.failed.set)  # the sends go on once the error is out
            raise OSError("server closed the connection unexpectedly")
        return await super().claim(channel, day, now, lease)


async def test_a_database_error_in_one_push_affects_only_that_push(quiz, clock):
    failing = f"telegram:{PUSH_CONCURRENCY - 1}"  # the last of the first wave of PUSH_CONCURRENCY pushes
    store = FailingClaims(failing=failing)
    planner = PlanService(quiz, store, clock=clock)
    clock.now = utc(2026, 11, 27, 20, 0)
    for n in range(100):
        await planner.target(f"telegram:{n}", await quiz.learner("telegram", str(n)))
    clock.now = utc(2026, 11, 28, 9, 1)
    outbox, sending = Outbox(), set()

    async def send(target, reply):
        sending.add(target.channel)
        if len(sending) == PUSH_CONCURRENCY - 1:
            store.others_waiting.set()
        await store.failed.wait()  # in flight (claimed, not yet sent) when the error strikes
        return await outbox(target, reply)

    with contextlib.suppress(BaseExceptionGroup):  # before the fix the error cancelled the run
        assert await planner.run_pushes(send) == 99
    assert store.failed.is_set() and failing not in {c for c, _ in outbox.sent}
    clock.advance(minutes=1)
    assert await planner.run_pushes(outbox) == 1  # the failed push is retried on the next tick
    assert sorted(c for c, _ in outbox.sent) == sorted(f"telegram:{n}" for n in range(100))


async def test_a_failed_send_is_retried_on_the_next_tick(planner, plan_store, clock):
    clock.now = utc(2026, 11, 27, 20, 0)
    await planner.target("telegram:8", await planner.quiz.learner("telegram", "8"))
    clock.now = utc(2026, 11, 28, 9, 0)

    async def network_down(target, reply):
        raise ConnectionError("no route")

    assert await planner.run_pushes(network_down) == 0
    outbox = Outbox()
    clock.advance(minutes=1)
    assert await planner.run_pushes(outbox) == 1 and outbox.sent[0][0] == "telegram:8"


async def test_blocked_recipient_is_paused_not_retried(planner, plan_store, clock):
    clock.now = utc(2026, 11, 27, 20, 0)
    await planner.target("telegram:9", await planner.quiz.learner("telegram", "9"))
    outbox = Outbox(blocked={"telegram:9"})
    for day in range(3):
        clock.now = utc(2026, 11, 28 + day, 10, 0)
        await planner.run_pushes(outbox)
    assert plan_store.targets["telegram:9"].unreachable and len(plan_store.claims) == 1
    await planner.resume("telegram:9", None)
    assert not plan_store.targets["telegram:9"].unreachable


async def test_settings_keep_what_the_learner_chose(planner, plan_store, clock):
    lid = await planner.quiz.learner("telegram", "3")
    assert "Unknown time zone 'Mars/Olympus'" in (await planner.set_timezone("telegram:3", lid, "Mars/Olympus")).text
    assert "HH:MM" in (await planner.set_time("telegram:3", lid, "25:00")).text
    await planner.set_time("telegram:3", lid, "6:45")
    await planner.set_timezone("telegram:3", lid, "Asia/Kolkata")
    await planner.pause("telegram:3", lid)
    await planner.target("telegram:3", lid)  # a later default lookup does not reset anything
    t = plan_store.targets["telegram:3"]
    assert (t.push_time, t.timezone, t.paused) == ("06:45", "Asia/Kolkata", True)
    assert "Daily push: paused, at 06:45 Asia/Kolkata" in (await planner.settings("telegram:3", lid)).text


async def test_plan_ticks_done_days_from_what_the_learner_did(planner, quiz, clock, memory_store):
    clock.now = utc(2026, 12, 1, 10, 0)
    lid = await quiz.learner("telegram", "4")
    await planner.set_exam_date(lid, "2026-12-09")  # Day 7 is 2 Dec
    clock.now = utc(2026, 12, 2, 10, 0)  # Day 7: the diagnostic (stopped at once: still taken that day)
    await quiz.diagnostic(lid)
    await quiz.stop(lid)
    clock.now = utc(2026, 12, 3, 10, 0)  # Day 6: data preparation, domain 1
    card = (await quiz.drill(lid, "1")).card
    for _ in range(10):
        session = memory_store.sessions[card.session_id]
        q = quiz.exams.newest[session.question_ids[card.position]]
        card = (await quiz.answer_text(lid, as_text(q.type, right_response(q, session.orders[card.position])))).card
    shown = (await planner.plan(lid)).text
    assert "Exam on Wed 09 Dec 2026: 6 days to go." in shown
    assert "✅ Day 7 · Wed 02 Dec" in shown and "✅ Day 6 · Thu 03 Dec" in shown
    assert "Today: Data preparation drills" in shown


async def test_without_an_exam_date_the_plan_starts_tomorrow(planner, quiz, clock):
    lid = await quiz.learner("telegram", "5")
    shown = (await planner.plan(lid)).text
    tomorrow = clock.now.date() + timedelta(days=1)
    assert f"Your seven-day plan starts {tomorrow:%a %d %b}" in shown
    assert f"Day 7 · {tomorrow:%a %d %b}: Full-length diagnostic" in shown
    assert "That date has passed" in (await planner.set_exam_date(lid, "2020-01-01")).text


async def test_day_two_miss_classification(planner, quiz, clock, memory_store):
    lid = await quiz.learner("telegram", "6")
    card = (await quiz.mock(lid, 20)).card
    for n in range(20):
        session = memory_store.sessions[card.session_id]
        q = quiz.exams.newest[session.question_ids[card.position]]
        pick = right_response if n >= 3 else wrong_response  # miss the first three
        reply = await quiz.answer_text(lid, as_text(q.type, pick(q, session.orders[card.position])))
        card = (await submit_if_last(quiz, lid, reply)).card
    session = memory_store.sessions[max(memory_store.sessions)]
    stages = [quiz.exams.newest[qid].stage.value for qid in session.question_ids[:3]]
    first = await planner.classify(lid)
    assert first.paragraphs[0] == f"Miss 1 of 3: Q1 (task {quiz.exams.newest[session.question_ids[0]].task})"
    assert [label for label, _ in first.buttons] == ["data", "model", "deployment", "monitoring"]
    assert first.buttons[0][1] == f"/classify {session.id} 1 data"  # Q1, the number the learner saw
    await planner.classify(lid, f"{session.id} 1 {stages[0]}")  # a button
    await planner.classify(lid, f"2 {'DATA' if stages[1] != 'data' else 'model'}")  # typed as shown: Q2
    assert "not waiting to be sorted" in (await planner.classify(lid, f"{session.id} 9 data")).text
    assert "not waiting to be sorted" in (await planner.classify(lid, f"{session.id - 1} 3 data")).text  # old
    for bad in ("²", "9" * 5000, "-1", "2.0", "0", "21"):  # str.isdigit() took "²", and int() then raised
        refused = await planner.classify(lid, f"{session.id} {bad} data")
        assert refused.refused and refused.text.startswith("Usage: /classify")
    assert (await planner.classify(lid, f"{session.id} 3 nonsense")).text.startswith("Usage: /classify")
    done = await planner.classify(lid, f"3 {stages[2]}")
    assert done.paragraphs[0] == "You put 2 of 3 misses in the question's own lifecycle stage."
    assert f"Q2 (task {quiz.exams.newest[session.question_ids[1]].task}): you said" in done.text


async def test_questions_a_timed_out_mock_left_unanswered_are_not_misses_to_sort(planner, quiz, clock,
                                                                                  memory_store):
    lid = await quiz.learner("telegram", "7")
    card = (await quiz.mock(lid, 20)).card
    for _ in range(2):  # two wrong answers, then the time runs out
        session = memory_store.sessions[card.session_id]
        q = quiz.exams.newest[session.question_ids[card.position]]
        card = (await quiz.answer_text(lid, as_text(q.type, wrong_response(q, session.orders[card.position])))).card
    clock.advance(hours=2)
    assert len(await quiz.expire_due()) == 1
    first = await planner.classify(lid)
    assert first.paragraphs[0].startswith("Miss 1 of 2: Q1 ")


async def test_a_push_reads_the_learners_history_once(planner, memory_store, clock):
    """A long history is most of a push's cost (bench/push.py): one read picks the day's step and its question."""
    clock.now = utc(2026, 11, 27, 20, 0)
    await planner.target("telegram:5", await planner.quiz.learner("telegram", "5"))
    clock.now = utc(2026, 11, 28, 9, 0)
    reads, history, cards = [], memory_store.history, []

    async def counted(learner_id):
        reads.append(learner_id)
        return await history(learner_id)

    async def send(target, reply):
        cards.append(reply.card)
        return True

    memory_store.history = counted
    assert await planner.run_pushes(send) == 1
    assert cards[0] is not None and len(reads) == 1  # the push opened the day's first question
