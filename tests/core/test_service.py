"""The quiz service end to end on the in-memory store: what a learner sees in each mode."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from core.exam.exams import Exams
from core.exam.model import QuestionType
from core.quiz.service import STALE, QuizService
from tests.answers import as_text, right_response, submit_if_last, wrong_response


@pytest.fixture
def service(bank, memory_store, clock, rng) -> QuizService:
    return QuizService(Exams.of(bank), memory_store, clock=clock, rng=rng)


def right_answer(bank, store, card) -> str:
    session = store.sessions[card.session_id]
    q = bank[session.question_ids[card.position]]
    return as_text(q.type, right_response(q, session.orders[card.position]))


def wrong_answer(bank, store, card) -> str:
    session = store.sessions[card.session_id]
    q = bank[session.question_ids[card.position]]
    return as_text(q.type, wrong_response(q, session.orders[card.position]))


async def test_quick_question_answer_explain_stats(service, bank, memory_store):
    lid = await service.learner("console", "ann")
    reply = await service.quick(lid)
    assert reply.card is not None and reply.card.progress == "Quick question"
    after = await service.answer_text(lid, right_answer(bank, memory_store, reply.card))
    assert after.paragraphs[0].startswith("✅ Correct.")
    assert "done" not in after.text  # no one-question "report": the verdict says it all
    explained = await service.explain(lid)
    assert re.search(r"You answered [A-F]( [A-F])*: ✅ correct\.", explained.text)
    assert "Takeaway:" in explained.text and "https://docs.aws.amazon.com/" in explained.text
    stats = await service.stats(lid)
    assert "Answered 1 · accuracy 100%" in stats.text
    assert "Readiness: not yet" in stats.text


async def test_wrong_answer_shows_the_correct_option_and_why(service, bank, memory_store):
    lid = await service.learner("console", "bo")
    reply = await service.drill(lid, "2.1")
    assert reply.paragraphs[0].startswith("MLA-C01 drill on task 2.1")
    assert reply.card.progress == "Q 1/7"
    after = await service.answer_text(lid, wrong_answer(bank, memory_store, reply.card))
    assert after.paragraphs[0].startswith("❌ Not quite. The correct answer:")
    assert after.card is not None and after.card.position == 1
    explained = await service.explain(lid)
    assert "❌ incorrect" in explained.text


async def test_malformed_answer_changes_nothing(service, memory_store):
    lid = await service.learner("console", "cy")
    reply = await service.drill(lid, "1")
    for bad in ("Z", "A A", "1A 2A"):
        hint = await service.answer_text(lid, bad)
        assert "for example" in hint.text and hint.card is None
    assert memory_store.answers == []
    assert (await service.current(lid)).card.position == reply.card.position == 0


async def test_answer_with_no_question_pending(service):
    lid = await service.learner("console", "di")
    reply = await service.answer_text(lid, "B")
    assert "No question is waiting" in reply.text


async def test_diagnostic_is_weighted_silent_and_reports_by_domain_and_stage(service, bank, memory_store):
    lid = await service.learner("console", "ed")
    reply = await service.diagnostic(lid)
    assert reply.card.progress == "Q 1/65 · 2:10:00 left"
    session = memory_store.sessions[reply.card.session_id]
    assert Counter(bank[q].domain for q in session.question_ids) == {1: 18, 2: 17, 3: 14, 4: 16}
    card = reply.card
    for n in range(65):
        answer = right_answer(bank, memory_store, card) if n % 2 == 0 else wrong_answer(bank, memory_store, card)
        reply = await submit_if_last(service, lid, await service.answer_text(lid, answer))
        if n < 64:
            assert "Correct" not in reply.text and "Not quite" not in reply.text  # no feedback mid-form
            card = reply.card
    assert "MLA-C01 diagnostic report: 33/65 (51%) correct" in reply.text
    assert "By domain:" in reply.text and "By lifecycle stage:" in reply.text and "Misses by stage:" in reply.text
    assert "Estimated scaled score" in reply.text


async def test_timed_session_ends_at_its_deadline(service, clock):
    lid = await service.learner("console", "fa")
    await service.mock(lid)
    clock.advance(minutes=39)
    assert "0:01:00 left" in (await service.current(lid)).card.progress
    clock.advance(minutes=2)
    due = await service.expire_due()
    assert [session.learner_id for session, _ in due] == [lid]
    assert "Time is up for your MLA-C01 mock" in due[0][1].text and "20 unanswered (counted wrong)" in due[0][1].text
    assert await service.expire_due() == []
    assert "No question is waiting" in (await service.answer_text(lid, "A")).text


async def test_stale_foreign_and_duplicate_buttons_change_nothing(service, bank, memory_store):
    ann = await service.learner("telegram", "1")
    bob = await service.learner("telegram", "2")
    card = (await service.drill(ann, "3.2")).card
    await service.drill(bob, "3.2")
    pick = [0] if card.kind is QuestionType.SINGLE else list(range(card.select))
    assert (await service.answer(bob, card.session_id, 0, pick)).text == STALE  # another learner's session
    assert (await service.answer(ann, card.session_id, 5, pick)).text == STALE  # not the pending position
    assert (await service.answer(ann, 999, 0, pick)).text == STALE  # forged session
    if card.kind in (QuestionType.ORDERING, QuestionType.MATCHING):
        pick = list(range(len(card.choices)))
    first = await service.answer(ann, card.session_id, 0, pick)
    assert first.text != STALE
    again = await service.answer(ann, card.session_id, 0, pick)
    assert again.text == STALE
    assert len([a for a in memory_store.answers if a.learner_id == ann]) == 1


async def test_a_running_diagnostic_is_not_silently_replaced(service):
    lid = await service.learner("console", "hu")
    await service.diagnostic(lid)
    reply = await service.quick(lid)
    assert "Your MLA-C01 diagnostic is still running" in reply.text and reply.card.progress.startswith("Q 1/65")
    assert "Explanations open when the diagnostic ends" in (await service.explain(lid)).text


async def test_next_form_avoids_questions_of_earlier_forms(service, bank, memory_store):
    lid = await service.learner("console", "io")
    first = (await service.mock(lid)).card.session_id
    await service.stop(lid)
    second = (await service.mock(lid)).card.session_id
    a, b = memory_store.sessions[first], memory_store.sessions[second]
    assert not set(a.question_ids) & set(b.question_ids)
    assert a.unseen and b.unseen


async def test_readiness_after_three_unseen_attempts_at_75_percent(service, bank, memory_store):
    lid = await service.learner("console", "ju")
    for _ in range(3):
        card = (await service.mock(lid, 20)).card
        for n in range(20):
            text = right_answer(bank, memory_store, card) if n < 16 else wrong_answer(bank, memory_store, card)
            card = (await submit_if_last(service, lid, await service.answer_text(lid, text))).card
    assert "Readiness: probably ready" in (await service.stats(lid)).text


async def test_forget_erases_the_learner(service, bank, memory_store):
    lid = await service.learner("telegram", "55")
    card = (await service.quick(lid)).card
    await service.answer_text(lid, right_answer(bank, memory_store, card))
    assert "erased" in (await service.forget(lid)).text
    assert memory_store.answers == [] and memory_store.sessions == {}
    assert await service.learner("telegram", "55") != lid
    assert "No MLA-C01 answers yet" in (await service.stats(await service.learner("telegram", "55"))).text


async def test_drill_without_scope_offers_the_menu(service):
    lid = await service.learner("console", "ka")
    menu = await service.drill(lid, None)
    assert "/drill 1.2: Transform data" in menu.text
    assert not menu.refused and "There is no" not in menu.text
    for asked in ("9.9", "9", "abc", "1.4"):  # says why before showing the menu again; starts nothing
        wrong = await service.drill(lid, asked)
        assert wrong.refused and wrong.text.startswith(f"There is no domain or task statement {asked} in ")
        assert "pick a domain" in wrong.text and wrong.card is None


async def test_a_mock_of_zero_questions_is_refused_not_turned_into_the_default(service):
    lid = await service.learner("console", "ka")
    for size in (0, 4):
        refused = await service.mock(lid, size)
        assert refused.refused and refused.card is None and "A mock has 5 to" in refused.text
    assert (await service.mock(lid)).card is not None  # no size: the default mock


async def test_a_stopped_drill_says_it_stopped_and_scores_only_what_was_answered(service, bank, memory_store):
    lid = await service.learner("console", "sol")
    card = (await service.drill(lid, "1")).card
    for _ in range(3):
        card = (await service.answer_text(lid, right_answer(bank, memory_store, card))).card
    stopped = await service.stop(lid)
    assert f"MLA-C01 drill stopped at 3 of {card.total}: 3/3 (100%) of those answered correct." in stopped.text
    assert "drill done" not in stopped.text
    card = (await service.drill(lid, "1")).card
    assert "MLA-C01 drill stopped before any answer." in (await service.stop(lid)).text
