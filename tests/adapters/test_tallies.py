"""Store.tallies on SQLite and PostgreSQL: per question, the learners who answered it and how many were right
the first time (the item difficulties of core/adaptive learn from it)."""

from __future__ import annotations

import random

from core.quiz.engine import Mode, Session
from core.quiz.service import QuizService
from tests.answers import as_text, right_response, wrong_response


async def test_tallies_count_each_learners_first_answer(bank, sql_store, clock):
    quiz = QuizService(bank, sql_store, clock=clock, rng=random.Random(1))
    ann, bob = await quiz.learner("console", "ann"), await quiz.learner("console", "bob")
    card = (await quiz.drill(ann, "2.1")).card
    session = await sql_store.session(card.session_id)
    qid, q = session.question_ids[0], bank[session.question_ids[0]]
    await quiz.answer_text(ann, as_text(q.type, wrong_response(q, session.orders[0])))
    assert await sql_store.tallies() == {qid: (1, 0)}
    # Ann again, right this time (a later answer is from memory): still her first, wrong
    clock.advance(days=1)
    again = await quiz.store.create_session(Session(ann, Mode.REVIEW, [qid], [session.orders[0]], clock(),
                                                    exam=session.exam))
    await quiz.answer(ann, again.saved_id, 0, right_response(q, session.orders[0]))
    assert len(await sql_store.history(ann)) == 2 and await sql_store.tallies() == {qid: (1, 0)}
    # Bob, right the first time
    bob_session = await quiz.store.create_session(Session(bob, Mode.QUICK, [qid], [session.orders[0]], clock(),
                                                          exam=session.exam))
    await quiz.answer(bob, bob_session.saved_id, 0, right_response(q, session.orders[0]))
    assert await sql_store.tallies() == {qid: (2, 1)}
