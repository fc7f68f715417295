"""What a learner is told between sessions: a drill replaced by another session, and what to do after a
diagnostic or mock."""

from __future__ import annotations

import pytest

from core.commands import Surface
from core.dispatch import Caller, Dispatcher
from core.plan.service import PlanService
from core.quiz.service import QuizService
from tests.answers import as_text, right_response, submit_if_last, wrong_response
from tests.fakes import InMemoryPlanStore


@pytest.fixture
def service(bank, memory_store, clock, rng) -> QuizService:
    return QuizService(bank, memory_store, clock=clock, rng=rng)


async def _answer(service: QuizService, lid: int, card, right: bool = True):
    session = service.store.sessions[card.session_id]
    q = service.exams.newest[session.question_ids[card.position]]
    response = (right_response if right else wrong_response)(q, session.orders[card.position])
    return await submit_if_last(service, lid, await service.answer_text(lid, as_text(q.type, response)))


@pytest.mark.parametrize("next_session", ["quiz", "drill"])
async def test_a_drill_replaced_by_another_session_says_where_it_was_closed(service, next_session):
    lid = await service.learner("console", "dee")
    reply = await service.drill(lid, "2.1")
    for _ in range(3):
        reply = await _answer(service, lid, reply.card)
    started = await (service.quick(lid) if next_session == "quiz" else service.drill(lid, "1"))
    assert started.paragraphs[0] == "Your drill on 2.1 was closed at 3 of 7."
    assert started.card is not None and started.card.position == 0


async def test_a_quick_question_replaced_says_nothing(service):
    lid = await service.learner("console", "eve")
    await service.quick(lid)
    started = await service.drill(lid, "1.1")
    assert started.card is not None and not any("closed" in p for p in started.paragraphs)


async def test_a_new_learner_gets_one_first_step_and_a_learner_with_history_gets_today(bank, service, clock):
    planner = PlanService(service, InMemoryPlanStore(), clock=clock)
    dispatcher = Dispatcher(service, planner)
    lid = await service.learner("console", "new")
    caller = Caller(lid, Surface.CONSOLE, "console:new", personal="console:new")
    first = await dispatcher.run(caller, "start")
    welcome = first.paragraphs[:first.paragraphs.index(next(p for p in first.paragraphs if p.startswith("Commands:")))]
    assert len(welcome) == 2 and welcome[1].startswith("Your first step: /diagnostic, a full-length practice exam")
    assert first.buttons == [("Start: /diagnostic", "/diagnostic")] and first.actions == []
    assert not any(word in welcome[1] for word in ("/quiz", "/drill", "warm up"))
    await _answer(service, lid, (await service.quick(lid)).card)
    later = await dispatcher.run(caller, "start")
    assert any(p.startswith("Today") for p in later.paragraphs) and "Your first step" not in later.text


async def test_a_mock_report_ends_with_its_two_weakest_task_statements_and_the_plan(service, bank):
    lid = await service.learner("console", "fay")
    reply = await service.mock(lid, 20)
    session = service.store.sessions[reply.card.session_id]
    tasks = [bank[qid].task for qid in session.question_ids]
    worst = sorted(set(tasks))[:2]  # miss every question of two task statements, answer the rest right
    for n in range(20):
        reply = await _answer(service, lid, reply.card, right=tasks[n] not in worst)
    assert reply.buttons == [(f"Drill {t}", f"/drill {t}") for t in worst] + [("Plan", "/plan"),
                                                                              ("Walk through it", "/recap 1")]
    assert reply.paragraphs[-1] == f"Next: drill your weakest task statements here, {worst[0]} and {worst[1]}, " \
                                   "then follow your /plan."


async def test_a_stopped_or_timed_out_diagnostic_also_ends_with_next_steps(service, clock):
    lid = await service.learner("console", "gus")
    await service.diagnostic(lid)
    stopped = await service.stop(lid)
    assert [label for label, _ in stopped.buttons][-1] == "Plan" and len(stopped.buttons) == 3
    await service.mock(lid)
    clock.advance(minutes=41)
    expired = await service.expire_due()
    assert expired[0][1].buttons[-1] == ("Plan", "/plan") and expired[0][1].text.startswith("⏰ Time is up")
