"""A diagnostic's moves in the SQL store (SQLite and PostgreSQL, migration 0012): position, flags, a changed
answer, time per question and the submit survive a restart; the answer is replaced, never doubled."""

from __future__ import annotations

import random

from adapters.sql.database import Database
from adapters.sql.store import SqlStore
from core.exam.exams import Exams
from core.quiz.exam_service import ExamService
from core.quiz.service import QuizService
from tests.answers import any_valid, as_text, right_response


async def test_moves_flags_a_changed_answer_and_the_submit_survive_a_restart(bank, database_url, clock):
    database = Database(database_url)
    quiz = QuizService(Exams.of(bank), SqlStore(database), clock=clock, rng=random.Random(3))
    lid = await quiz.learner("telegram", "77")
    card = (await quiz.diagnostic(lid)).card
    await quiz.answer_text(lid, any_valid(card))
    clock.advance(seconds=50)
    exam = ExamService(quiz)
    await exam.flag(lid, 1)
    await exam.flag(lid, 30)
    shown = (await exam.goto(lid, 1)).card  # back to question 1 to change its answer
    session = await quiz.store.active_session(lid)
    q = bank[session.question_ids[0]]
    await quiz.answer_text(lid, as_text(q.type, right_response(q, session.orders[0])))
    await exam.goto(lid, 12)
    await database.dispose()  # the process goes away; only the database remains

    database = Database(database_url)
    quiz = QuizService(Exams.of(bank), SqlStore(database), clock=clock, rng=random.Random(9))
    session = await quiz.store.active_session(lid)
    assert session.position == 11 and session.flags == [0, 29] and session.spent[1] == 50
    assert [(a.position, a.correct) for a in session.answers] == [(0, True)]
    assert len(await quiz.store.history(lid)) == 1  # replaced, not doubled
    assert (await quiz.current(lid)).card.position == 11 and shown.position == 0
    clock.advance(seconds=5)
    await ExamService(quiz).submit(lid, confirmed=True)
    await database.dispose()

    database = Database(database_url)
    store = SqlStore(database)
    done = (await store.forms(lid))[-1]
    assert done.finished and done.submitted and done.spent[11] == 5 and done.flags == [0, 29]
    await database.dispose()
