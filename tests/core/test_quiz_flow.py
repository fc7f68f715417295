"""What a learner is told between sessions: a drill replaced by another session, and what to do after a
diagnostic or mock."""

from __future__ import annotations

import pytest

from core.quiz.service import QuizService
from tests.answers import as_text, right_response, wrong_response


@pytest.fixture
def service(bank, memory_store, clock, rng) -> QuizService:
    return QuizService(bank, memory_store, clock=clock, rng=rng)


async def _answer(service: QuizService, lid: int, card, right: bool = True):
    session = service.store.sessions[card.session_id]
    q = service.bank[session.question_ids[card.position]]
    response = (right_response if right else wrong_response)(q, session.orders[card.position])
    return await service.answer_text(lid, as_text(q.type, response))


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
