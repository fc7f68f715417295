"""Readiness counts only attempts that say something about exam day: finished (or out of time with 80%
answered), and unseen, meaning no question was answered before in any mode (see core.quiz.progress)."""

from __future__ import annotations

import pytest

from core.quiz.service import QuizService
from tests.answers import as_text, right_response, submit_if_last, wrong_response


@pytest.fixture
def service(bank, memory_store, clock, rng) -> QuizService:
    return QuizService(bank, memory_store, clock=clock, rng=rng)


def _text(bank, store, card, right: bool) -> str:
    session = store.sessions[card.session_id]
    q = bank[session.question_ids[card.position]]
    order = session.orders[card.position]
    return as_text(q.type, (right_response if right else wrong_response)(q, order))


async def _answer(service, bank, store, lid, card, count: int, right: int):
    """Answer `count` questions of the running session, the first `right` of them correctly."""
    reply = None
    for n in range(count):
        reply = await service.answer_text(lid, _text(bank, store, card, n < right))
        card = reply.card
    return await submit_if_last(service, lid, reply)


async def _drill_everything(service, bank, store, lid, tasks) -> None:
    for task in tasks:
        card = (await service.drill(lid, task)).card
        await _answer(service, bank, store, lid, card, card.total, card.total)


async def test_a_mock_stopped_at_once_counts_for_nothing_and_uses_up_none_of_its_questions(
        service, bank, memory_store):
    lid = await service.learner("console", "stopper")
    shown: set[str] = set()
    for _ in range(4):  # 80 questions shown: more than domain 1's 21 form questions, never answered
        card = (await service.mock(lid)).card
        shown |= set(memory_store.sessions[card.session_id].question_ids)
        stopped = await service.stop(lid)
        assert "0/20 (0%) correct, 20 unanswered (counted wrong)" in stopped.text
        assert "does not count toward readiness: stopped before the end" in stopped.text
        assert "not used up" in stopped.text
    stats = (await service.stats(lid)).text
    assert "3 more unseen mixed attempts" in stats

    started = await service.mock(lid)
    assert "will not count" not in started.text  # every question is still unseen
    session = memory_store.sessions[started.card.session_id]
    assert session.unseen and set(session.question_ids) & shown
    done = await _answer(service, bank, memory_store, lid, started.card, 20, 16)
    assert "This attempt counts toward readiness" in done.text
    assert "2 more unseen mixed attempts" in (await service.stats(lid)).text


async def test_a_form_out_of_time_counts_with_80_percent_answered_and_not_with_less(
        service, bank, memory_store, clock):
    lid = await service.learner("console", "slow")
    card = (await service.mock(lid)).card
    await _answer(service, bank, memory_store, lid, card, 16, 16)
    clock.advance(minutes=41)
    (_, report), = await service.expire_due()
    assert "4 unanswered (counted wrong)" in report.text and "counts toward readiness" in report.text
    assert "2 more unseen mixed attempts" in (await service.stats(lid)).text

    card = (await service.mock(lid)).card
    await _answer(service, bank, memory_store, lid, card, 15, 15)
    clock.advance(minutes=41)
    (_, report), = await service.expire_due()
    assert "does not count toward readiness: time ran out with 15 of 20 answered (16 needed)" in report.text
    stats = (await service.stats(lid)).text
    assert "(not counted: time ran out with 15 of 20 answered (16 needed))" in stats
    assert "2 more unseen mixed attempts" in stats


async def test_mocks_of_questions_answered_in_drills_never_say_ready(service, bank, memory_store):
    lid = await service.learner("console", "memoriser")
    await _drill_everything(service, bank, memory_store, lid, bank.exam.tasks)
    for _ in range(3):
        started = await service.mock(lid)
        assert started.paragraphs[1].startswith("Only 0 questions you have never answered are left, fewer "
                                                "than this 20-question mock needs")
        assert "will not count toward readiness" in started.text
        done = await _answer(service, bank, memory_store, lid, started.card, 20, 20)
        assert "20/20 (100%)" in done.text
        assert "does not count toward readiness: it repeated questions you had answered before" in done.text
    stats = (await service.stats(lid)).text
    assert "Readiness: not yet" in stats and "probably ready" not in stats
    assert "Only 0 questions you have never answered are left" in stats
    assert "(not counted: it repeated questions you had answered before)" in stats


async def test_a_domain_short_of_unseen_questions_is_named_before_the_form_starts(service, bank, memory_store):
    lid = await service.learner("console", "domain-one")
    await _drill_everything(service, bank, memory_store, lid, ["1.1", "1.2", "1.3"])
    started = await service.mock(lid)
    assert ("63 questions you have never answered are left, but too few in domain 1 (0 of the 6 this "
            "mock needs), so it repeats questions you answered before and will not count toward "
            "readiness") in started.text
    assert not memory_store.sessions[started.card.session_id].unseen


async def test_answered_questions_are_left_out_while_unseen_ones_remain(service, bank, memory_store):
    lid = await service.learner("console", "one-task")
    await _drill_everything(service, bank, memory_store, lid, ["3.1"])
    drilled = {a.question_id for a in memory_store.answers}
    for _ in range(3):  # domain 3 keeps 14 never-answered questions, 4 per mock: every mock is unseen
        started = await service.mock(lid)
        session = memory_store.sessions[started.card.session_id]
        assert session.unseen and not set(session.question_ids) & drilled
        assert "will not count" not in started.text
        await _answer(service, bank, memory_store, lid, started.card, 20, 16)
    assert "Readiness: probably ready" in (await service.stats(lid)).text


async def test_a_short_mock_says_it_does_not_count(service):
    lid = await service.learner("console", "short")
    started = await service.mock(lid, 10)
    assert "A mock under 20 questions does not count toward readiness." in started.text
