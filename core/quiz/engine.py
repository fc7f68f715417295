"""The quiz session as explicit, serialisable state and the pure transitions on it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from core.exam.bank import Bank
from core.exam.model import Question, QuestionType
from core.quiz import grading
from core.reply import QuestionCard


class Mode(StrEnum):
    QUICK = "quick"
    DRILL = "drill"
    DIAGNOSTIC = "diagnostic"
    MOCK = "mock"
    REVIEW = "review"


FULL_LENGTH = (Mode.DIAGNOSTIC, Mode.MOCK)  # exam-like forms: no feedback until the end


@dataclass(frozen=True)
class Answer:
    """One recorded answer; (session_id, position) is unique, so a duplicate delivery records nothing."""

    session_id: int
    position: int
    learner_id: int
    question_id: str
    response: list[int]  # in the question file's indices (see grading.to_original)
    correct: bool
    answered_at: datetime
    mode: Mode = Mode.QUICK


@dataclass
class Session:
    """A run of questions. Everything a restart needs is here: order, shuffles, position, deadline."""

    learner_id: int
    mode: Mode
    question_ids: list[str]
    orders: list[list[int]]  # display order of options/steps/matches, per question
    started_at: datetime
    deadline: datetime | None = None
    scope: str | None = None  # drill: "2" (a domain) or "2.1" (a task statement)
    position: int = 0  # index of the pending question; == len(question_ids) when all answered
    finished_at: datetime | None = None
    unseen: bool = False  # a full-length form none of whose questions was answered before it started
    channel: str | None = None  # opaque adapter address ("telegram:-100123") for replies nobody asked for
    offline_told: int = 0  # seconds of the bot's downtime during the session the learner was told of
    warned_at: datetime | None = None  # when the 10-minute warning was claimed (timed sessions)
    exam: str = ""  # the exam it was drawn from ("mla-c02"): its questions are read with that exam's bank
    # Full-length forms move freely (core/quiz/navigate.py): `position` is the question on screen, answers
    # change until the learner submits, and the time each question was on screen is summed up.
    flags: list[int] = field(default_factory=list)  # positions flagged to come back to, ascending
    spent: list[int] = field(default_factory=list)  # seconds each position was on screen (missing: 0)
    shown_at: datetime | None = None  # since when the question at `position` is on screen
    submitted: bool = False  # ended by the learner's submit (not by /stop, not by the clock)
    id: int | None = None
    answers: list[Answer] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.question_ids)

    @property
    def saved_id(self) -> int:
        """Its id; the service only hands out sessions the store has saved (and so numbered)."""
        assert self.id is not None, "an unsaved session has no id"
        return self.id

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def immediate_feedback(self) -> bool:
        return self.mode not in FULL_LENGTH

    @property
    def navigable(self) -> bool:
        """A diagnostic or mock: flag, skip, go back, review, submit; answers change until submit."""
        return self.mode in FULL_LENGTH

    def pending(self) -> str | None:
        """The id of the question awaiting an answer, if any."""
        if self.finished or self.position >= self.total:
            return None
        return self.question_ids[self.position]

    def expired(self, now: datetime) -> bool:
        return self.deadline is not None and not self.finished and now >= self.deadline


class NotPending(Exception):
    """The answer is for a question that is not the one awaiting an answer (stale, foreign, forged)."""


def shuffle_orders(bank: Bank, question_ids: list[str], rng: random.Random) -> list[list[int]]:
    """Shuffle each question's options once per session, so the answer letter is no cue."""
    orders = []
    for qid in question_ids:
        order = list(range(bank[qid].size))
        rng.shuffle(order)
        if bank[qid].type is QuestionType.ORDERING and order == sorted(order) and len(order) > 1:
            order.reverse()  # never show an ordering question already in order
        orders.append(order)
    return orders


def start(
    bank: Bank,
    learner_id: int,
    mode: Mode,
    question_ids: list[str],
    now: datetime,
    rng: random.Random,
    minutes: int | None = None,
    scope: str | None = None,
    unseen: bool = False,
    channel: str | None = None,
) -> Session:
    return Session(
        learner_id=learner_id,
        mode=mode,
        question_ids=list(question_ids),
        orders=shuffle_orders(bank, question_ids, rng),
        started_at=now,
        deadline=now + timedelta(minutes=minutes) if minutes else None,
        scope=scope,
        unseen=unseen,
        channel=channel,
        exam=bank.code,
        shown_at=now if mode in FULL_LENGTH else None,
    )


def format_left(left: timedelta) -> str:
    seconds = max(0, int(left.total_seconds()))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def progress(session: Session, now: datetime, position: int | None = None) -> str:
    if session.mode is Mode.QUICK:
        return "Quick question"
    line = f"Q {(session.position if position is None else position) + 1}/{session.total}"
    if session.deadline is not None:
        line += f" · {format_left(session.deadline - now)} left"
    return line


def card(session: Session, bank: Bank, now: datetime, position: int | None = None) -> QuestionCard:
    """The pending question (or the one at `position`, answered or not), in this session's shuffled order."""
    if position is None:
        if session.pending() is None:
            raise NotPending("no question is pending")
        position = session.position
    q = bank[session.question_ids[position]]
    order = session.orders[position]
    if q.type in (QuestionType.SINGLE, QuestionType.MULTI):
        choices = [q.options[i].text for i in order]
    elif q.type is QuestionType.ORDERING:
        choices = [q.steps[i] for i in order]
    else:
        choices = [q.pairs[i].match for i in order]
    case = bank.cases.get(q.case) if q.case else None
    select = grading.select_count(q)
    return QuestionCard(
        session_id=session.id or 0,
        position=position,
        total=session.total,
        progress=progress(session, now, position),
        kind=q.type,
        stem=q.stem,
        choices=choices,
        prompts=[p.prompt for p in q.pairs] if q.type is QuestionType.MATCHING else [],
        select=select,
        exhibit=q.exhibit,
        case_title=case.title if case else None,
        case_scenario=case.scenario if case else None,
        hint=grading.hint(q.type, q.size, select),
    )


def parse_typed(session: Session, bank: Bank, text: str) -> list[int]:
    """Parse a typed answer for the pending question (display positions)."""
    q = _pending_question(session, bank)
    return grading.parse(text, q.type, q.size, grading.select_count(q))


def submit(session: Session, bank: Bank, position: int, response: list[int], now: datetime) -> Answer:
    """Record an answer to the pending question and move on; raise NotPending if it is not pending.

    In a diagnostic or mock the answer replaces one given before to that question, and the session moves to
    the next question but never past the last one, and does not end: the learner submits it."""
    if session.finished or session.expired(now) or position != session.position:
        raise NotPending(f"position {position} is not pending")
    q = _pending_question(session, bank)
    response = grading.validate(response, q.type, q.size, grading.select_count(q))
    original = grading.to_original(response, session.orders[position], q.type)
    answer = Answer(
        session_id=session.id or 0,
        position=position,
        learner_id=session.learner_id,
        question_id=q.id,
        response=original,
        correct=grading.is_correct(q, original),
        answered_at=now,
        mode=session.mode,
    )
    if session.navigable:
        session.answers = sorted([a for a in session.answers if a.position != position] + [answer],
                                 key=lambda a: a.position)
        move(session, min(position + 1, session.total - 1), now)
        return answer
    session.answers.append(answer)
    session.position += 1
    if session.position >= session.total:
        session.finished_at = now
    return answer


def move(session: Session, position: int, now: datetime) -> None:
    """Show the question at `position` (a diagnostic or mock): the time since the last move is added to the
    question on screen until now, capped at the deadline, so the post-exam review can say how long each
    question took (time on the review screen counts for the question last shown)."""
    if session.shown_at is not None and 0 <= session.position < session.total:
        end = min(now, session.deadline) if session.deadline is not None else now
        session.spent += [0] * (session.total - len(session.spent))
        session.spent[session.position] += max(0, int((end - session.shown_at).total_seconds()))
    session.position = position
    session.shown_at = now


def finish(session: Session, now: datetime, submitted: bool = False) -> None:
    """End the session now (deadline passed, the learner stopped or submitted); unanswered questions count
    wrong."""
    if not session.finished:
        if session.navigable:
            move(session, session.position, now)
        session.finished_at = min(now, session.deadline) if session.deadline else now
        session.submitted = submitted


def _pending_question(session: Session, bank: Bank) -> Question:
    qid = session.pending()
    if qid is None:
        raise NotPending("no question is pending")
    return bank[qid]
