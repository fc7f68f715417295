"""FSRS-6 timings through the `fsrs` package, under a fixed clock: what a learner's answers schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.quiz.engine import Answer
from core.review import engine

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def answer(correct: bool, at: datetime, position: int, qid: str = "d1-1.1-001") -> Answer:
    return Answer(session_id=1, position=position, learner_id=7, question_id=qid, response=[0], correct=correct,
                  answered_at=at)


def test_right_answers_space_out_two_eleven_then_46_days():
    first, log = engine.review(None, answer(True, T0, 0))
    assert (first.due - T0, log.rating) == (timedelta(days=2), 3)  # Good
    second, _ = engine.review(first, answer(True, first.due, 1))
    assert second.due - first.due == timedelta(days=11)
    third, _ = engine.review(second, answer(True, second.due, 2))
    assert third.due - second.due == timedelta(days=46)


def test_a_miss_comes_back_in_ten_minutes_and_a_lapse_relearns():
    missed, log = engine.review(None, answer(False, T0, 0))
    assert (missed.due - T0, log.rating) == (timedelta(minutes=10), 1)  # Again
    learned, _ = engine.review(missed, answer(True, missed.due, 1))
    assert learned.due - missed.due == timedelta(days=1)
    lapsed, _ = engine.review(learned, answer(False, learned.due, 2))
    assert lapsed.due - learned.due == timedelta(minutes=10)
    relearned, _ = engine.review(lapsed, answer(True, lapsed.due, 3))
    assert relearned.due - lapsed.due == timedelta(days=1)


def test_the_same_answers_give_the_same_due_times_every_time():
    """No fuzz: the package's fuzz draws from the global random, which would make these differ."""
    runs = {engine.review(engine.review(None, answer(True, T0, 0))[0], answer(True, T0 + timedelta(days=2), 1))[0]
            for _ in range(20)}
    assert len(runs) == 1


def test_answers_caught_up_late_count_in_their_time_order():
    answers = [answer(True, T0, 0), answer(False, T0 + timedelta(days=2), 1), answer(True, T0 + timedelta(days=3), 2)]
    in_order = None
    for a in answers:
        in_order, _ = engine.review(in_order, a)
    _, stored = engine.catch_up([answers[0], answers[2]], [])  # the middle answer's review was lost
    [caught_up], new = engine.catch_up([answers[1]], stored)
    assert caught_up == in_order and [r.position for r in new] == [1]
    assert engine.unlogged(answers, {(1, 0), (1, 2)}) == [answers[1]]


def test_due_cards_most_overdue_first():
    cards = [engine.review(None, answer(False, T0 + timedelta(minutes=m), m, f"q{m}"))[0] for m in (5, 0, 3)]
    now = T0 + timedelta(minutes=14)
    assert [c.question_id for c in engine.due(cards, now)] == ["q0", "q3"]
    assert [c.question_id for c in engine.upcoming(cards, now)] == ["q5"]
