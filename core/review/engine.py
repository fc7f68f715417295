"""Spaced review: every answered question is a card, scheduled by FSRS-6 (the `fsrs` package).

This is the one module that imports `fsrs`; the rest of the core sees our own `Card` and `Review` rows, so
the stores and the service never depend on the package's classes.

The rating rule: a wrong answer is Again, a right answer is Good. Nothing is rated Hard or Easy:
- /explain opens only for a question already answered (its answer is rated by then), so "right after reading
  the explanation" never happens to the answer it would qualify; the next right answer, days later, is a
  recall of its own.
- The time an answer took is no measure of effort in a chat: it counts the phone put down and the push read
  an hour later, and questions differ tenfold in length (a case study against a one-line stem), so a
  "long think" threshold would mostly rate slow readers' long questions Hard and shorten their intervals.
- FSRS learns difficulty from the sequence of Again and Good alone; two buttons (pass/fail) is the setting
  its authors recommend when a rater cannot tell Hard from Good reliably.

Scheduler settings, and why they differ from the package's defaults:
- One 10-minute learning step (default: 1 and 10 minutes) and one 10-minute relearning step: a miss comes
  back later in the same sitting, after its explanation was read, while a first right answer on an exam
  question (four plausible options, not a flashcard's self-graded recall) goes straight to days.
- No fuzzing: the package draws its fuzz from the global `random`, so the same answers would give
  different due times; fuzz spreads a big deck's daily load, which a few hundred questions do not need,
  and without it "Next review: tomorrow at 09:12" is the same every time it is asked.
- Desired retention 0.9 and the FSRS-6 default parameters (no per-learner optimiser: a learner answers a
  few hundred questions, too few to fit 21 parameters).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card as FsrsCard
from fsrs import Rating, ReviewLog, Scheduler, State

from core.quiz.engine import Answer

SCHEDULER = Scheduler(learning_steps=(timedelta(minutes=10),), relearning_steps=(timedelta(minutes=10),),
                      enable_fuzzing=False)


@dataclass(frozen=True)
class Card:
    """One learner's memory of one question, keyed by question id, so a question that serves two exams
    (MLA-C01 ids carried into MLA-C02) is one card whichever exam showed it."""

    learner_id: int
    question_id: str
    due: datetime  # UTC
    state: int  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    last_review: datetime | None


@dataclass(frozen=True)
class Review:
    """One review log row: the answer it came from ((session_id, position) is unique) and its rating."""

    learner_id: int
    question_id: str
    session_id: int
    position: int
    rating: int  # fsrs.Rating: 1 Again, 3 Good
    reviewed_at: datetime  # UTC


def rating(answer: Answer) -> Rating:
    """The rule (see the module docstring): wrong is Again, right is Good."""
    return Rating.Good if answer.correct else Rating.Again


def _utc(instant: datetime) -> datetime:
    """fsrs accepts only datetimes whose tzinfo is UTC itself (not another zone at offset 0)."""
    return instant.astimezone(UTC)


def _to_fsrs(card: Card) -> FsrsCard:
    return FsrsCard(card_id=0, state=State(card.state), step=card.step, stability=card.stability,
                    difficulty=card.difficulty, due=_utc(card.due),
                    last_review=_utc(card.last_review) if card.last_review else None)


def _from_fsrs(learner_id: int, question_id: str, card: FsrsCard) -> Card:
    return Card(learner_id=learner_id, question_id=question_id, due=card.due, state=int(card.state),
                step=card.step, stability=card.stability, difficulty=card.difficulty, last_review=card.last_review)


def review(card: Card | None, answer: Answer) -> tuple[Card, Review]:
    """The card after `answer` (a new card if the question was never answered) and its log row."""
    at = _utc(answer.answered_at)
    current = _to_fsrs(card) if card is not None else FsrsCard(card_id=0, due=at)
    after, _ = SCHEDULER.review_card(current, rating(answer), review_datetime=at)
    log = Review(learner_id=answer.learner_id, question_id=answer.question_id, session_id=answer.session_id,
                 position=answer.position, rating=int(rating(answer)), reviewed_at=at)
    return _from_fsrs(answer.learner_id, answer.question_id, after), log


def replay(learner_id: int, question_id: str, logs: Iterable[Review]) -> Card:
    """A card rebuilt from all its review logs in time order (whatever order they were recorded in)."""
    entries = [ReviewLog(card_id=0, rating=Rating(r.rating), review_datetime=_utc(r.reviewed_at),
                         review_duration=None) for r in logs]
    first = min(e.review_datetime for e in entries)
    return _from_fsrs(learner_id, question_id,
                      SCHEDULER.reschedule_card(FsrsCard(card_id=0, due=first), entries))


def unlogged(history: list[Answer], logged: set[tuple[int, int]]) -> list[Answer]:
    """Answers with no review log yet: answered before spaced review existed, saved by a process that died
    before their review was, or of a diagnostic or mock ended by /stop or its clock (only submit records)."""
    return [a for a in history if (a.session_id, a.position) not in logged]


def catch_up(missing: list[Answer], stored: list[Review]) -> tuple[list[Card], list[Review]]:
    """The log rows of `missing` answers, and each card they touch rebuilt from all its logs (`stored`: the
    logs already kept for those questions), so an answer caught up late still counts in its time order."""
    new = [review(None, a)[1] for a in missing]
    every = stored + new
    cards = [replay(a.learner_id, qid, [r for r in every if r.question_id == qid])
             for qid, a in sorted({a.question_id: a for a in missing}.items())]
    return cards, new


def due(cards: Iterable[Card], now: datetime) -> list[Card]:
    """Cards due at `now`, most overdue (earliest due) first."""
    return sorted((c for c in cards if c.due <= now), key=lambda c: (c.due, c.question_id))


def upcoming(cards: Iterable[Card], now: datetime) -> list[Card]:
    """Cards not yet due, soonest first."""
    return sorted((c for c in cards if c.due > now), key=lambda c: (c.due, c.question_id))
