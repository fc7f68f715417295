"""Spaced review as a learner meets it: /review serves due cards, says when the next one is, follows a
question into the successor exam, and /stats and the daily push show the streak and the due count."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from core.exam.bank import Bank
from core.plan.engine import PushTarget
from core.plan.service import PlanService
from core.quiz.engine import Answer
from core.quiz.exam_service import ExamService
from core.quiz.service import QuizService
from core.review.service import NO_CARDS, ReviewService
from tests.answers import as_text, right_response, wrong_response
from tests.core.test_plan import Outbox
from tests.fakes import InMemoryPlanStore, InMemoryReviewStore, InMemoryStore

CHAT = "telegram:501"


@pytest.fixture
def plan_store() -> InMemoryPlanStore:
    return InMemoryPlanStore()


@pytest.fixture
def review_store() -> InMemoryReviewStore:
    return InMemoryReviewStore()


def quiz_on(bank: Bank, store: InMemoryStore, review_store, plan_store, clock) -> QuizService:
    reviews = ReviewService(bank, review_store, plan_store, store, clock=clock)
    return QuizService(bank, store, clock=clock, rng=random.Random(3), reviews=reviews)


@pytest.fixture
def quiz(bank, memory_store, review_store, plan_store, clock) -> QuizService:
    return quiz_on(bank, memory_store, review_store, plan_store, clock)


async def answer(quiz: QuizService, store: InMemoryStore, lid: int, card, right: bool) -> str:
    """Answer the shown card right or wrong; returns its question id."""
    session = store.sessions[card.session_id]
    q = quiz.exams.newest[session.question_ids[card.position]]
    response = (right_response if right else wrong_response)(q, session.orders[card.position])
    await quiz.answer_text(lid, as_text(q.type, response))
    return q.id


async def quick(quiz: QuizService, store: InMemoryStore, lid: int, right: bool) -> str:
    return await answer(quiz, store, lid, (await quiz.quick(lid)).card, right)


def served(store: InMemoryStore, reply) -> list[str]:
    return store.sessions[reply.card.session_id].question_ids


async def test_review_serves_due_cards_most_overdue_first(quiz, memory_store, clock):
    lid = await quiz.learner("console", "ann")
    assert (await quiz.review(lid)).text == NO_CARDS
    first = await quick(quiz, memory_store, lid, right=False)
    clock.advance(minutes=2)
    second = await quick(quiz, memory_store, lid, right=False)
    await quick(quiz, memory_store, lid, right=True)  # due in two days, not now
    clock.advance(minutes=15)
    reply = await quiz.review(lid)
    assert reply.paragraphs[0] == "MLA-C01 review: 2 questions, the most overdue first."
    assert served(memory_store, reply) == [first, second]
    await answer(quiz, memory_store, lid, reply.card, right=True)  # first: next due in a day
    await quiz.stop(lid)
    assert served(memory_store, await quiz.review(lid)) == [second]


async def test_nothing_due_says_when_the_next_review_is_in_the_learners_time_zone(quiz, memory_store, clock,
                                                                                 plan_store):
    lid = await quiz.learner("telegram", "501")
    await plan_store.save_target(PushTarget(CHAT, lid, timezone="Europe/Berlin"))
    for _ in range(3):  # Sat 28 Nov 09:00 UTC: all due Mon 30 Nov 09:00 UTC, 10:00 in Berlin
        await quick(quiz, memory_store, lid, right=True)
    assert (await quiz.review(lid)).text == "Nothing due. Next review: Mon 30 Nov at 10:00, 3 cards."
    clock.advance(days=1)
    assert (await quiz.review(lid)).text == "Nothing due. Next review: tomorrow at 10:00, 3 cards."
    clock.advance(days=1)
    assert "MLA-C01 review: 3 questions" in (await quiz.review(lid)).text


async def test_answers_with_no_card_yet_are_caught_up(bank, memory_store, review_store, plan_store, clock):
    """Answers given before spaced review existed (or whose review a dying process lost) become cards."""
    before = QuizService(bank, memory_store, clock=clock, rng=random.Random(3))  # no spaced review yet
    lid = await before.learner("console", "bo")
    missed = await quick(before, memory_store, lid, right=False)
    clock.advance(minutes=10)
    quiz = quiz_on(bank, memory_store, review_store, plan_store, clock)
    assert served(memory_store, await quiz.review(lid)) == [missed]
    assert len(review_store.reviews) == 1


async def test_a_card_follows_its_question_into_the_successor_exam(bank, memory_store, review_store, plan_store,
                                                                  clock):
    """Cards are keyed by question id: a question carried into the next exam keeps its card; one the next
    exam left out is kept but not served there."""
    quiz = quiz_on(bank, memory_store, review_store, plan_store, clock)
    lid = await quiz.learner("console", "cy")
    carried = await quick(quiz, memory_store, lid, right=False)
    clock.advance(minutes=1)
    left_out = await quick(quiz, memory_store, lid, right=False)
    successor = Bank(exam=bank.exam, questions={k: q for k, q in bank.questions.items() if k != left_out})
    clock.advance(minutes=10)
    on_successor = quiz_on(successor, memory_store, review_store, plan_store, clock)
    assert served(memory_store, await on_successor.review(lid)) == [carried]
    await on_successor.stop(lid)
    assert served(memory_store, await quiz.review(lid)) == [carried, left_out]


async def test_stats_and_the_daily_push_show_the_streak_and_the_due_count(quiz, memory_store, clock, plan_store):
    planner = PlanService(quiz, plan_store, clock=clock)
    lid = await quiz.learner("telegram", "501")
    await planner.target(CHAT, lid)  # a push at 09:00 UTC from tomorrow
    assert "Start a new streak today" in (await quiz.stats(lid)).text
    await quick(quiz, memory_store, lid, right=False)
    stats = (await quiz.stats(lid)).text
    assert "🔥 1-day streak." in stats
    assert "Spaced review: 1 question card, none due. Next review: today at 09:10, 1 card." in stats
    clock.now = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    outbox = Outbox()
    assert await planner.run_pushes(outbox) == 1
    assert "🔥 1-day streak: one question today keeps it going. Reviews due: 1 (/review)." in outbox.sent[0][1]
    assert "Spaced review: 1 question card, 1 due now (/review)." in (await quiz.stats(lid)).text
    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a whole day without an answer
    assert "Start a new streak today" in (await quiz.stats(lid)).text


async def test_the_exam_eves_review_of_weak_stages_fills_up_with_the_cards_due_soonest(bank, review_store, plan_store,
                                                                                    clock):
    """The plan's final review (weakest stages only) also serves those stages' cards not yet due."""
    reviews = ReviewService(bank, review_store, plan_store, InMemoryStore(), clock=clock)
    data_missed, data_known, model_missed = "d1-1.1-001", "d1-1.1-002", "d1-1.1-005"
    assert [bank[q].stage.value for q in (data_missed, data_known, model_missed)] == ["data", "data", "model"]
    history = [Answer(session_id=1, position=n, learner_id=9, question_id=qid, response=[0], correct=ok,
                      answered_at=clock.now) for n, (qid, ok) in
               enumerate([(data_missed, False), (data_known, True), (model_missed, False)])]
    clock.advance(minutes=15)
    assert (await reviews.due(9, history, 10)).ids == [data_missed, model_missed]
    assert (await reviews.due(9, history, 10, {"data"})).ids == [data_missed, data_known]


class FlakyReviewStore(InMemoryReviewStore):
    """Fails the next save, as a database that drops out between the answer and its review would."""

    fail = True

    async def save(self, cards, reviews) -> bool:
        if self.fail:
            self.fail = False
            raise ConnectionError("database went away")
        return await super().save(cards, reviews)


async def test_an_answer_whose_review_fails_to_save_is_answered_and_caught_up_later(bank, memory_store, plan_store,
                                                                                   clock, caplog):
    store = FlakyReviewStore()
    quiz = quiz_on(bank, memory_store, store, plan_store, clock)
    lid = await quiz.learner("console", "di")
    card = (await quiz.quick(lid)).card
    session = memory_store.sessions[card.session_id]
    q = bank[session.question_ids[0]]
    reply = await quiz.answer_text(lid, as_text(q.type, wrong_response(q, session.orders[0])))
    assert reply.paragraphs[0].startswith("❌") and store.reviews == []
    assert "not recorded; caught up on the next read" in caplog.text
    clock.advance(minutes=10)
    assert served(memory_store, await quiz.review(lid)) == [q.id]


async def test_a_mock_answer_changed_before_submit_is_logged_once_with_its_final_verdict(quiz, memory_store,
                                                                                        review_store, clock):
    """Reading the cards mid-exam (/stats) must not log a form's answer the learner may still change."""
    lid = await quiz.learner("console", "mo")
    card = (await quiz.mock(lid)).card
    q1 = await answer(quiz, memory_store, lid, card, right=False)
    await quiz.stats(lid)
    assert review_store.reviews == []  # the running mock's answer is not reviewed yet
    clock.advance(minutes=1)
    await ExamService(quiz).goto(lid, 1)
    await answer(quiz, memory_store, lid, card, right=True)  # Q1 answered again, now right
    await quiz.stats(lid)
    await ExamService(quiz).submit(lid, confirmed=True)
    await quiz.stats(lid)
    [log] = [r for r in review_store.reviews if r.question_id == q1]
    assert (log.session_id, log.position, log.rating, log.reviewed_at) == (card.session_id, 0, 3, clock.now)


async def test_a_form_ended_without_submit_is_caught_up_once_it_ended(quiz, memory_store, review_store, clock):
    """A mock stopped (or timed out) records no review itself: the next read catches its answers up."""
    lid = await quiz.learner("console", "st")
    card = (await quiz.mock(lid)).card
    q1 = await answer(quiz, memory_store, lid, card, right=False)
    await quiz.stop(lid)
    assert review_store.reviews == []
    await quiz.stats(lid)
    assert [(r.question_id, r.rating) for r in review_store.reviews] == [(q1, 1)]
