"""Group rounds as explicit, serialisable state and the pure transitions on it; no I/O, no clock of its own.

A round asks its questions one at a time to a whole chat. Members answer once per question; a question
closes at its deadline, or once every member who has joined has answered (from the second question on:
the first question is where members join, so it always runs its full time). Scores are a point per right
answer plus a speed bonus, kept in hundredths of a point so sums and ties are exact.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.args import parse_number, parse_scope
from core.exam.bank import Bank
from core.exam.model import Exam, QuestionType
from core.quiz import grading, report
from core.quiz.engine import shuffle_orders
from core.rounds.view import POINT, Leaderboard, MissedDomain, Reason, Reveal, RoundCard, RoundSummary, Standing

DEFAULT_SECONDS, MIN_SECONDS, MAX_SECONDS = 45, 10, 300
DEFAULT_LENGTH, MIN_LENGTH, MAX_LENGTH = 5, 1, 20
SPEED_BONUS = 50  # up to half a point for answering at once, falling linearly to 0 at the time limit
WEEK = timedelta(days=7)
ROUND_TYPES = (QuestionType.SINGLE, QuestionType.MULTI)  # one tap or toggles + Submit, per member

CLOSED = "This question has closed."
ALREADY = "You have already answered this question; answers cannot be changed."


class Closed(Exception):
    """The answer is for a question that is not open (late, stale, forged, or the round is over)."""


class AlreadyAnswered(Exception):
    """The member has answered this question already."""


class RoundArgsError(ValueError):
    """`/round` arguments that make no sense; the message is a usage hint."""


@dataclass(frozen=True)
class RoundSettings:
    """A chat's round defaults (/roundsettings)."""

    seconds: int = DEFAULT_SECONDS
    length: int = DEFAULT_LENGTH
    exam: str | None = None  # the chat's exam ("mla-c02"), set by a chat manager; None: the newest


@dataclass
class RoundQuestion:
    """A question once opened: when, until when, and the platform message that shows it."""

    position: int
    question_id: str
    opened_at: datetime
    deadline: datetime
    closed_at: datetime | None = None
    message_ref: str | None = None  # opaque to the core: the adapter's handle for editing the message
    id: int | None = None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class RoundAnswer:
    """One member's answer to one round question; (round, position, member) is unique."""

    round_id: int
    position: int
    member_id: int
    name: str
    question_id: str
    response: list[int]  # in the question file's indices
    correct: bool
    answered_at: datetime
    elapsed_ms: int
    points: int  # hundredths of a point, bonus included


@dataclass
class Round:
    """A round in one chat. Everything a restart needs is here: questions, shuffles, deadlines, answers."""

    chat: str  # opaque adapter address, e.g. "telegram:-100123"
    starter_id: int | None  # None once the starter is erased (/forget): nobody can act as them
    starter_name: str
    question_ids: list[str]
    orders: list[list[int]]
    seconds: int
    started_at: datetime
    scope: str | None = None
    position: int = 0  # the question open now (or last revealed, once finished)
    finished_at: datetime | None = None
    stopped: bool = False
    exam: str = ""  # the exam it was drawn from ("mla-c02"); a chat switching exams does not change it
    id: int | None = None
    questions: list[RoundQuestion] = field(default_factory=list)  # opened so far, by position
    answers: list[RoundAnswer] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.question_ids)

    @property
    def saved_id(self) -> int:
        """Its id; the service only hands out rounds the store has saved (and so numbered)."""
        assert self.id is not None, "an unsaved round has no id"
        return self.id

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def current(self) -> RoundQuestion | None:
        """The open question, if any (opened and not yet closed)."""
        if self.finished or self.position >= len(self.questions):
            return None
        question = self.questions[self.position]
        return None if question.closed else question

    def due(self, now: datetime) -> bool:
        current = self.current
        return current is not None and now >= current.deadline

    def members(self) -> dict[int, str]:
        """Who has joined: the starter, then everyone who has answered, in joining order (latest name)."""
        out = {} if self.starter_id is None else {self.starter_id: self.starter_name}
        for a in self.answers:
            out[a.member_id] = a.name
        return out

    def answers_to(self, position: int) -> list[RoundAnswer]:
        return [a for a in self.answers if a.position == position]


# --- arguments and question choice -----------------------------------------------------------------


def parse_args(exam: Exam, words: list[str], default_length: int) -> tuple[int, str | None]:
    """`/round [n] [domain]`: "8" -> 8 questions; "8 2" -> 8 from domain 2; "2.1" or "d2" -> a scope."""
    length, scope = default_length, None
    usage = (f"Usage: /round [questions {MIN_LENGTH}-{MAX_LENGTH}] [domain or task], "
             "for example /round, /round 8, /round 8 2 or /round d3.")
    rest = list(words)
    if rest and rest[0].isdigit():  # a length, or something that looks like one ("²", 5,000 digits)
        number = parse_number(rest.pop(0), MIN_LENGTH, MAX_LENGTH)
        if number is None:
            raise RoundArgsError(usage)
        length = number
    if rest:
        scope = parse_scope(exam, " ".join(rest))
        if scope is None:
            raise RoundArgsError(usage)
    return length, scope


def choose(bank: Bank, scope: str | None, length: int, rng: random.Random) -> list[str]:
    """Up to `length` single- and multi-response questions from the scope, in random order."""
    pool = [q.id for q in bank.questions.values() if q.type in ROUND_TYPES
            and (scope is None or q.task == scope or str(q.domain) == scope)]
    return rng.sample(pool, min(length, len(pool)))


# --- transitions -----------------------------------------------------------------------------------


def start(bank: Bank, chat: str, starter_id: int, starter_name: str, question_ids: list[str], now: datetime,
          rng: random.Random, seconds: int = DEFAULT_SECONDS, scope: str | None = None) -> Round:
    """A new round with its first question open; the starter has joined."""
    rnd = Round(chat=chat, starter_id=starter_id, starter_name=starter_name, question_ids=list(question_ids),
                orders=shuffle_orders(bank, question_ids, rng), seconds=seconds, started_at=now, scope=scope,
                exam=bank.code)
    _open(rnd, 0, now)
    return rnd


def _open(rnd: Round, position: int, now: datetime) -> RoundQuestion:
    question = RoundQuestion(position=position, question_id=rnd.question_ids[position], opened_at=now,
                             deadline=now + timedelta(seconds=rnd.seconds))
    rnd.questions.append(question)
    rnd.position = position
    return question


def points(correct: bool, elapsed_ms: int, seconds: int) -> int:
    """A point for a right answer plus up to half a point for speed, in hundredths; 0 when wrong."""
    if not correct:
        return 0
    limit = seconds * 1000
    left = min(max(limit - elapsed_ms, 0), limit)
    return POINT + round(SPEED_BONUS * left / limit)


def _open_question(rnd: Round, position: int, now: datetime) -> RoundQuestion:
    current = rnd.current
    if current is None or current.position != position or now >= current.deadline:
        raise Closed(CLOSED)
    return current


def check_open(rnd: Round, position: int, member_id: int, now: datetime) -> RoundQuestion:
    """The open question at `position` that this member may still answer; raise Closed or AlreadyAnswered."""
    current = _open_question(rnd, position, now)
    if any(a.member_id == member_id for a in rnd.answers_to(position)):
        raise AlreadyAnswered(ALREADY)
    return current


def answer(rnd: Round, bank: Bank, member_id: int, name: str, position: int, response: list[int],
           now: datetime) -> RoundAnswer:
    """Record a member's answer (display positions) to the open question; the member joins the round.

    Raises Closed, AlreadyAnswered or grading.AnswerFormatError (a hint, e.g. select two) and changes nothing.
    """
    current = check_open(rnd, position, member_id, now)
    q = bank[current.question_id]
    shown = grading.validate(response, q.type, q.size, grading.select_count(q))
    original = grading.to_original(shown, rnd.orders[position], q.type)
    correct = grading.is_correct(q, original)
    elapsed = max(0, int((now - current.opened_at).total_seconds() * 1000))
    result = RoundAnswer(round_id=rnd.id or 0, position=position, member_id=member_id, name=name,
                         question_id=q.id, response=original, correct=correct, answered_at=now,
                         elapsed_ms=elapsed, points=points(correct, elapsed, rnd.seconds))
    rnd.answers.append(result)
    return result


def everyone_answered(rnd: Round) -> bool:
    """Whether the open question may close early: every joined member has answered (not on question 1)."""
    current = rnd.current
    if current is None or current.position == 0:
        return False
    answered = {a.member_id for a in rnd.answers_to(current.position)}
    return set(rnd.members()) <= answered


def close(rnd: Round, bank: Bank, now: datetime, reason: Reason) -> Reveal:
    """Close the open question and say what it was; then open the next one, or finish the round.

    A stop finishes the round after the reveal. A question closed by its deadline records the deadline,
    even when the reveal happens later (the bot was down), so nobody's time depends on downtime.
    """
    current = rnd.current
    if current is None:
        raise Closed(CLOSED)
    current.closed_at = min(now, current.deadline)
    shown = reveal(rnd, bank, current.position, reason)
    if reason is Reason.STOPPED or current.position + 1 >= rnd.total:
        finish(rnd, now, stopped=reason is Reason.STOPPED)
    else:
        _open(rnd, current.position + 1, now)
    return shown


def finish(rnd: Round, now: datetime, stopped: bool = False) -> None:
    if not rnd.finished:
        rnd.finished_at = now
        rnd.stopped = stopped


def card(rnd: Round, bank: Bank, position: int | None = None) -> RoundCard:
    """The question at `position` (default: the open one) as the chat sees it."""
    position = rnd.position if position is None else position
    opened = rnd.questions[position]
    q = bank[opened.question_id]
    order = rnd.orders[position]
    case = bank.cases.get(q.case) if q.case else None
    return RoundCard(
        round_id=rnd.id or 0, position=position, total=rnd.total, kind=q.type, stem=q.stem,
        choices=[q.options[i].text for i in order], select=grading.select_count(q),
        answered=len(rnd.answers_to(position)), closes_at=opened.deadline, seconds=rnd.seconds,
        exhibit=q.exhibit, case_title=case.title if case else None, case_scenario=case.scenario if case else None,
    )


def reveal(rnd: Round, bank: Bank, position: int, reason: Reason) -> Reveal:
    q = bank[rnd.question_ids[position]]
    given = rnd.answers_to(position)
    right = sorted((a for a in given if a.correct), key=lambda a: (a.elapsed_ms, a.name))
    return Reveal(
        card=card(rnd, bank, position), reason=reason,
        correct=report.correct_lines(q, rnd.orders[position]),
        why=" ".join(o.why for o in q.options if o.correct) or q.takeaway,
        right=[(a.name, a.elapsed_ms / 1000) for a in right], answered=len(given),
        standings=standings(rnd.answers, rnd.members()),
    )


# --- scores ----------------------------------------------------------------------------------------


def standings(answers: list[RoundAnswer], members: dict[int, str] | None = None) -> list[Standing]:
    """Most points first; equal points: less total answer time first (then name, for a stable order).

    `members` adds joined members without answers (at zero) and names everyone by their latest name.
    """
    names: dict[int, str] = dict(members or {})
    totals: dict[int, list[int]] = {m: [0, 0, 0, 0] for m in names}
    for a in answers:
        names.setdefault(a.member_id, a.name)
        if members is None:
            names[a.member_id] = a.name
        row = totals.setdefault(a.member_id, [0, 0, 0, 0])
        row[0] += a.points
        row[1] += a.correct
        row[2] += 1
        row[3] += a.elapsed_ms
    rows = [Standing(m, names[m], *totals[m]) for m in totals]
    return sorted(rows, key=lambda s: (-s.points, s.time_ms, s.name.casefold(), s.member_id))


def most_missed(rnd: Round, bank: Bank) -> MissedDomain | None:
    """The domain with the most wrong or missing answers among joined members (asked questions only).

    A member counts from the question they joined on (the starter from the first). Ties go to the domain
    with the higher miss rate, then the lower number. None when nobody missed anything.
    """
    joined_at: dict[int, int] = {} if rnd.starter_id is None else {rnd.starter_id: 0}
    for a in sorted(rnd.answers, key=lambda a: a.position):
        joined_at.setdefault(a.member_id, a.position)
    misses: dict[int, int] = {}
    chances: dict[int, int] = {}
    for question in rnd.questions:
        if not question.closed:
            continue
        domain = bank[question.question_id].domain
        right = {a.member_id for a in rnd.answers_to(question.position) if a.correct}
        for member, first in joined_at.items():
            if first <= question.position:
                chances[domain] = chances.get(domain, 0) + 1
                if member not in right:
                    misses[domain] = misses.get(domain, 0) + 1
    if not misses:
        return None
    worst = min(misses, key=lambda d: (-misses[d], -misses[d] / chances[d], d))
    return MissedDomain(domain=worst, name=bank.exam.domain(worst).name, misses=misses[worst])


def summary(rnd: Round, bank: Bank) -> RoundSummary:
    return RoundSummary(round_id=rnd.id or 0, asked=sum(q.closed for q in rnd.questions), total=rnd.total,
                        stopped=rnd.stopped, standings=standings(rnd.answers, rnd.members()),
                        missed=most_missed(rnd, bank), exam=bank.exam.code)


def leaderboard(answers: list[RoundAnswer], days: int = WEEK.days) -> Leaderboard:
    """Standings over answers already limited to the period (each member under their latest name)."""
    ordered = sorted(answers, key=lambda a: a.answered_at)
    return Leaderboard(days=days, rounds=len({a.round_id for a in ordered}), standings=standings(ordered))
