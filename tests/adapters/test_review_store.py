"""Spaced-review cards on SQLite and PostgreSQL: they survive a restart, an answer is reviewed once, and a
mock's answer is reviewed once submitted, with its final verdict."""

from __future__ import annotations

import random
from datetime import timedelta

from adapters.sql.database import Database
from adapters.sql.plan_store import SqlPlanStore
from adapters.sql.review_store import SqlReviewStore
from adapters.sql.store import SqlStore
from core.quiz.exam_service import ExamService
from core.quiz.service import QuizService
from core.review import engine
from core.review.service import ReviewService
from tests.answers import as_text, right_response, wrong_response


def build(bank, database: Database, clock) -> tuple[QuizService, SqlReviewStore]:
    store, quiz_store = SqlReviewStore(database), SqlStore(database)
    reviews = ReviewService(bank, store, SqlPlanStore(database), quiz_store, clock=clock)
    return QuizService(bank, quiz_store, clock=clock, rng=random.Random(2), reviews=reviews), store


async def answer_quick(quiz: QuizService, lid: int, right: bool) -> str:
    card = (await quiz.quick(lid)).card
    session = await quiz.store.session(card.session_id)
    q = quiz.exams.newest[session.question_ids[0]]
    await quiz.answer_text(lid, as_text(q.type, (right_response if right else wrong_response)(q, session.orders[0])))
    return q.id


async def test_cards_survive_a_restart_with_their_due_times(bank, database_url, clock):
    database = Database(database_url)
    quiz, _ = build(bank, database, clock)
    lid = await quiz.learner("telegram", "77")
    first = await answer_quick(quiz, lid, right=False)
    clock.advance(minutes=3)
    second = await answer_quick(quiz, lid, right=False)
    known = await answer_quick(quiz, lid, right=True)
    await database.dispose()  # the process goes away; only the database remains

    database = Database(database_url)
    quiz, store = build(bank, database, clock)
    due = {c.question_id: c.due for c in await store.cards(lid)}
    assert due == {first: clock.now - timedelta(minutes=3) + timedelta(minutes=10),
                   second: clock.now + timedelta(minutes=10), known: clock.now + timedelta(days=2)}
    assert due[first].tzinfo is not None  # UTC back from SQLite too
    clock.advance(minutes=15)
    reply = await quiz.review(lid)
    session = await quiz.store.session(reply.card.session_id)
    assert session.question_ids == [first, second]
    q = bank[first]
    await quiz.answer_text(lid, as_text(q.type, right_response(q, session.orders[0])))
    assert (await store.card(lid, first)).due == clock.now + timedelta(days=1)  # the stored card moved on
    await database.dispose()


async def test_an_answer_is_reviewed_once(bank, database_url, clock):
    database = Database(database_url)
    quiz, store = build(bank, database, clock)
    lid = await quiz.learner("telegram", "78")
    await answer_quick(quiz, lid, right=True)
    [answer] = await quiz.store.history(lid)
    card, review = engine.review(None, answer)
    assert not await store.save([card], [review])  # a second caller recording the same answer stores nothing
    assert len(await store.logs(lid, {answer.question_id})) == 1
    assert await store.logged(lid) == {(answer.session_id, answer.position)}
    await database.dispose()


async def test_a_mock_answer_is_reviewed_at_submit_with_its_final_verdict(bank, database_url, clock):
    database = Database(database_url)
    quiz, store = build(bank, database, clock)
    lid = await quiz.learner("telegram", "79")
    card = (await quiz.mock(lid)).card
    session = await quiz.store.session(card.session_id)
    q = bank[session.question_ids[0]]
    await quiz.answer_text(lid, as_text(q.type, wrong_response(q, session.orders[0])))
    await quiz.stats(lid)  # mid-exam: the answer may still change
    assert await store.logged(lid) == set()
    clock.advance(minutes=1)
    await ExamService(quiz).goto(lid, 1)
    await quiz.answer_text(lid, as_text(q.type, right_response(q, session.orders[0])))
    await ExamService(quiz).submit(lid, confirmed=True)
    await quiz.stats(lid)
    assert [(r.position, r.rating, r.reviewed_at) for r in await store.logs(lid, {q.id})] == [(0, 3, clock.now)]
    await database.dispose()
