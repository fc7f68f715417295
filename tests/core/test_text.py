"""Counts in what a learner reads take the right number: "1 attempt", "2 attempts", never "attempt(s)"."""

from __future__ import annotations

from datetime import UTC, datetime

from core.quiz import progress
from core.quiz.engine import Answer, Mode, Session
from core.quiz.selection import FormPick
from core.text import are, plural


def test_plural_words_one_and_many():
    assert plural(1, "attempt") == "1 attempt"
    assert plural(0, "attempt") == "0 attempts"
    assert plural(2, "more unseen mixed attempt") == "2 more unseen mixed attempts"
    assert plural(1, "case study", "case studies") == "1 case study"
    assert plural(3, "case study", "case studies") == "3 case studies"
    assert (are(1), are(0), are(5)) == ("is", "are", "are")


def _pick(left: int, short: dict[int, tuple[int, int]]) -> FormPick:
    return FormPick([f"q{i}" for i in range(20)], unseen=False, unseen_left=left, short=short)


def test_the_shortfall_before_a_form_says_one_question_or_several():
    assert progress.shortfall(_pick(1, {1: (0, 6)}), Mode.MOCK).startswith(
        "Only 1 question you have never answered is left, fewer than this 20-question mock needs")
    assert progress.shortfall(_pick(3, {1: (0, 6)}), Mode.MOCK).startswith(
        "Only 3 questions you have never answered are left, fewer than this 20-question mock needs")
    assert progress.shortfall(_pick(21, {1: (1, 6)}), Mode.DIAGNOSTIC).startswith(
        "21 questions you have never answered are left, but too few in domain 1 (1 of the 6 this diagnostic needs)")


def _counted(day: int) -> Session:
    """A finished, unseen 20-question mock, every answer right: it counts toward readiness."""
    started = datetime(2026, 11, day, 9, tzinfo=UTC)
    ids = [f"q{i}" for i in range(20)]
    return Session(id=day, learner_id=1, mode=Mode.MOCK, question_ids=ids, orders=[[] for _ in ids],
                   started_at=started, unseen=True, position=len(ids), finished_at=started,
                   answers=[Answer(day, n, 1, qid, [0], True, started, Mode.MOCK) for n, qid in enumerate(ids)])


def test_readiness_counts_the_missing_attempts_in_words():
    assert "Missing: 3 more unseen mixed attempts (" in progress.readiness([]).message
    assert "Missing: 1 more unseen mixed attempt (" in progress.readiness([_counted(1), _counted(2)]).message
    assert ("Only 1 question you have never answered is left, too few for an unseen 20-question mock"
            in progress.readiness([], unseen_left=1).message)
