"""The plan fitted into the days left: an exam date set less than a week ahead, past or far-off dates."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from core.plan import compress
from core.plan.service import PlanService
from core.quiz.service import QuizService
from tests.fakes import InMemoryPlanStore


@pytest.fixture
def quiz(bank, memory_store, clock) -> QuizService:
    return QuizService(bank, memory_store, clock=clock, rng=random.Random(4))


@pytest.fixture
def planner(quiz, clock) -> PlanService:
    return PlanService(quiz, InMemoryPlanStore(), clock=clock)


def _days(text: str) -> list[str]:
    return [line for line in text.splitlines() if " Day " in line]


async def test_with_the_exam_tomorrow_the_plan_is_today_only(planner, quiz, clock):
    lid = await quiz.learner("console", "a")
    tomorrow = clock.now.date() + timedelta(days=1)
    shown = (await planner.set_exam_date(lid, str(tomorrow))).text
    assert f"Exam on {tomorrow:%a %d %b %Y}: 1 day to go." in shown
    assert _days(shown) == [f"👉 Day 1 · {clock.now:%a %d %b}: {compress.PLAN[2].title}"]
    assert (await planner.welcome(lid, None)).buttons[0] == ("Start: /mock", "/mock")


async def test_four_days_keep_the_diagnostic_first_and_a_mock_last_and_stay_put_the_next_day(planner, quiz,
                                                                                           clock):
    lid = await quiz.learner("console", "b")
    exam = clock.now.date() + timedelta(days=4)
    days = _days((await planner.set_exam_date(lid, str(exam))).text)
    assert len(days) == 4 and "Day 4" in days[0] and "Full-length diagnostic" in days[0]
    assert "data preparation (/drill 1) and model development (/drill 2)" in days[1]
    assert "deployment and orchestration (/drill 3) and monitoring and security (/drill 4)" in days[2]
    assert "A timed mixed set" in days[3] and days[3].startswith("▫️ Day 1")
    await quiz.diagnostic(lid)
    await quiz.stop(lid)  # the diagnostic, taken today
    clock.advance(days=1)
    after = _days((await planner.plan(lid)).text)
    assert after[0].startswith("✅ Day 4") and after[1].startswith("👉 Day 3") and after[1:] == [
        d.replace("▫️", "👉", 1) if "Day 3" in d else d for d in days[1:]]


async def test_without_a_diagnostic_it_stays_first_as_the_days_run_out(planner, quiz, clock):
    lid = await quiz.learner("console", "c")
    await planner.set_exam_date(lid, str(clock.now.date() + timedelta(days=5)))
    clock.advance(days=2)  # no diagnostic taken: three days left, the diagnostic still first
    days = _days((await planner.plan(lid)).text)
    assert len(days) == 3 and days[0].startswith("👉 Day 3") and "Full-length diagnostic" in days[0]
    assert "/drill 1" in days[1] and "/drill 4" in days[1] and "A timed mixed set" in days[2]


@pytest.mark.parametrize(("length", "expected"), [
    (7, 7), (6, 6), (5, 5), (3, 3), (2, 2), (1, 1)])
def test_a_fitted_plan_has_one_activity_a_day(length, expected):
    days = compress.fit(length)
    assert sorted(days) == list(range(1, expected + 1))
    assert days[1].title == (compress.PLAN[1] if length >= 7 else compress.PLAN[2]).title
    if length >= 2:
        assert days[length] is compress.PLAN[7]
    drilled = [d for a in days.values() for d in (a.domains or ((a.scope,) if a.scope else ()))]
    assert sorted(drilled) == (["1", "2", "3", "4"] if length >= 3 else [])


@pytest.mark.parametrize(("typed", "said"), [
    ("2026-11-27", "That date has passed. Give a future exam date, for example /examdate 2026-12-12."),
    ("2026-11-28", "Your exam is today"),
    ("9999-12-31", "That is more than a year away. Set a date within 365 days (by 2027-11-28)"),
    ("soon", "Give the exam date as YYYY-MM-DD, for example /examdate 2026-12-12."),
])
async def test_past_today_far_off_and_malformed_dates_are_refused(planner, quiz, typed, said):
    lid = await quiz.learner("console", "d")
    refused = await planner.set_exam_date(lid, typed)
    assert refused.refused and refused.text.startswith(said) and "2912102" not in refused.text


async def test_the_examples_are_computed_from_today(planner, quiz, clock):
    clock.now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    lid = await quiz.learner("console", "e")
    assert "/examdate 2027-03-15" in (await planner.set_exam_date(lid, "x")).text
    assert "/examdate 2027-03-15" in (await planner.plan(lid)).text
    assert date(2026, 12, 15).isoformat() not in (await planner.plan(lid)).text
