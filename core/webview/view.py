"""The web view's page model: JSON-able dataclasses built from a session, and every word the page shows.

The page draws what it is given: which question, its options, the navigator's cells each with a state, the
time left, notices and the report. Marking a cell `flagged`, or letting it be jumped to (`jump`), is data
here: the page's script already draws any state it is sent, a flag mark, and a button for a jumpable cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.exam.model import QuestionType
from core.quiz.engine import Mode, Session
from core.quiz.exam_review import overview_text
from core.quiz.grading import LETTERS
from core.quiz.navigate import overview
from core.reply import QuestionCard

# Every word the page shows besides the questions and the core's own replies; the static page holds only a
# "Loading" line for the moment before its script has asked for these.
LABELS = {
    "app": "MLA Coach exam view",
    "time_left": "Time left",
    "navigator": "Questions",
    "submit": "Save answer",
    "keys": "Keys: A to E or 1 to 8 choose, Enter saves the answer, F flags, N next, P previous, R review screen.",
    "flag": "Flag",
    "flag_aria": "Flag question {n}",
    "previous": "Previous",
    "next": "Next",
    "skip": "Skip",
    "review": "Review screen",
    "submit_exam": "Submit exam",
    "confirm": "Yes, submit",
    "cancel": "Not yet",
    "back_to_question": "Back to question {n}",
    "flagged": "flagged",
    "answered_count": "Answered",
    "unanswered_count": "Unanswered",
    "flagged_count": "Flagged",
    "recap": "Walk through it",
    "recap_title": "Post-exam review",
    "attempts": "All attempts",
    "attempt": "Attempt {n}",
    "your_answer": "Your answer so far: {letters}. Choose again and save to change it.",
    "answered": "answered",
    "unanswered": "not answered",
    "current": "current",
    "report": "Report",
    "question": "Question",
    "of": "of",
    "minutes_left": "{minutes} minutes left",
    "minute_left": "1 minute left",
    "time_up": "Time is up. Loading your report.",
    "recorded": "Answer recorded.",
    "chosen": "{n} of {select} chosen",
    "offline": "The exam view cannot reach the bot just now. Nothing you answered is lost; it tries again "
               "by itself.",
    "refused_title": "This page cannot be shown",
}
CHOOSE_ONE = "Choose one answer."
CHOOSE_MANY = "Choose {n} answers."
IN_THE_CHAT = "Answer this one in the chat, where its buttons are: the exam view shows single- and " \
              "multiple-answer questions only. It moves on here as soon as you answer."
NOTHING_RUNNING = "No diagnostic or mock is running. Start one in the chat with /diagnostic or /mock; its " \
                  "questions have a button that opens them here."
IN_CHAT_ONLY = "Your {mode} runs in the chat. The exam view shows diagnostics and mocks."
LATEST = "Your latest {form}:"
MALFORMED = "That answer could not be read. Choose again and submit."
SIGN_IN = {
    "forged": "This link is not valid. Open the exam view from the button under a diagnostic or mock question "
              "in the chat.",
    "expired": "This link has expired. Send /question in the chat for a fresh button under your question.",
    "telegram_expired": "This window was opened too long ago. Close it and open the exam view again from the "
                        "button under your question.",
    "missing": "Open the exam view from the button under a diagnostic or mock question in the chat.",
}


class Status(StrEnum):
    RUNNING = "running"  # a diagnostic or mock waits for an answer
    REVIEW = "review"  # its review screen: counts, numbers by state, jump, submit (and its confirmation)
    RECAP = "recap"  # the post-exam review of a finished attempt, one question at a time, or the list
    FINISHED = "finished"  # the latest diagnostic or mock ended: its report
    NONE = "none"  # nothing to show: start one in the chat
    CHAT = "chat"  # a drill, review or quick question runs: it belongs in the chat
    REFUSED = "refused"  # who opened the page is not proven: nothing is shown or changed
    ERROR = "error"  # the request failed on our side: the page keeps what it shows and says so


class CellState(StrEnum):
    ANSWERED = "answered"
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class Option:
    index: int  # the display position the answer names
    letter: str
    text: str


@dataclass(frozen=True)
class QuestionView:
    session_id: int
    position: int
    number: int
    total: int
    kind: str
    stem: str
    options: list[Option]
    select: int
    answerable: bool  # single and multiple answer here; ordering and matching in the chat
    instruction: str
    exhibit: str | None = None
    case_title: str | None = None
    case_scenario: str | None = None
    prompts: list[str] = field(default_factory=list)
    flagged: bool = False
    picked: list[int] = field(default_factory=list)  # the learner's answer so far (display positions)
    answered: bool = False


@dataclass(frozen=True)
class ReviewView:
    """The review screen: the chat's words (core/quiz/exam_review.py) and the numbers by state; `confirm`,
    when the learner asked to submit, is the question with the unanswered and flagged counts."""

    paragraphs: list[str]
    answered: list[int]
    unanswered: list[int]
    flagged: list[int]
    current: int
    confirm: str | None = None


@dataclass(frozen=True)
class RecapView:
    """The post-exam review: one question of attempt `attempt` (number > 0), or the list of attempts
    (number 0, `attempts` from 1 on); the paragraphs are the chat's /recap."""

    attempt: int
    number: int
    total: int
    paragraphs: list[str]
    attempts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Cell:
    """One question in the navigator: its state, whether it is the one shown, whether the learner flagged it
    to come back to, whether a tap opens it (the page draws each; the core's goto and flag will set the last
    two)."""

    number: int
    position: int
    state: CellState
    current: bool
    label: str  # what a screen reader says: "Question 3, answered"
    flagged: bool = False
    jump: bool = False


@dataclass(frozen=True)
class Page:
    status: Status
    labels: dict[str, str] = field(default_factory=lambda: dict(LABELS))
    title: str = ""
    notices: list[str] = field(default_factory=list)  # announced: a refusal, the offline note, "recorded"
    question: QuestionView | None = None
    navigator: list[Cell] = field(default_factory=list)
    seconds_left: int | None = None  # the clock, from the server's time; the page counts down from it
    report: list[str] = field(default_factory=list)
    review: ReviewView | None = None
    recap: RecapView | None = None
    attempt: int | None = None  # a finished attempt's number for /recap (the report's Walk through it)
    session_id: int | None = None  # the running attempt, which every move names (a stale one is refused)


def form_name(session: Session) -> str:
    """"MLA-C02 mock exam", "MLA-C02 diagnostic": how the page names a form."""
    return f"{session.exam.upper()} {'diagnostic' if session.mode is Mode.DIAGNOSTIC else 'mock exam'}"


def title(session: Session) -> str:
    """"MLA-C02 mock exam · 20 questions"."""
    return f"{form_name(session)} · {session.total} questions"


def question_view(card: QuestionCard, answered: bool = False) -> QuestionView:
    """The card as the page shows it; the options keep the session's shuffled order and letters."""
    answerable = card.kind in (QuestionType.SINGLE, QuestionType.MULTI)
    if not answerable:
        instruction = IN_THE_CHAT
    elif card.kind is QuestionType.MULTI:
        instruction = CHOOSE_MANY.format(n=card.select)
    else:
        instruction = CHOOSE_ONE
    return QuestionView(
        session_id=card.session_id, position=card.position, number=card.position + 1, total=card.total,
        kind=card.kind.value, stem=card.stem, select=card.select, answerable=answerable, instruction=instruction,
        options=[Option(i, LETTERS[i], text) for i, text in enumerate(card.choices)],
        exhibit=card.exhibit, case_title=card.case_title, case_scenario=card.case_scenario, prompts=card.prompts,
        flagged=card.flagged, picked=card.picked, answered=answered)


def navigator(session: Session, shown: int | None) -> list[Cell]:
    """A cell per question: answered or not, flagged or not, which one is shown; while the attempt runs a
    tap on a cell opens that question (the core's goto)."""
    answered = {a.position for a in session.answers}
    cells = []
    for position in range(session.total):
        state = CellState.ANSWERED if position in answered else CellState.UNANSWERED
        words = [f"{LABELS['question']} {position + 1}", LABELS[state.value]]
        flagged = position in session.flags
        if flagged:
            words.append(LABELS["flagged"])
        if position == shown:
            words.append(LABELS["current"])
        cells.append(Cell(position + 1, position, state, position == shown, ", ".join(words), flagged=flagged,
                          jump=not session.finished))
    return cells


def review(session: Session, now: datetime, confirm: str | None = None,
           notices: list[str] | None = None) -> Page:
    """The review screen of a running attempt (and the submit confirmation, when asked)."""
    facts = overview(session)
    return Page(Status.REVIEW, title=title(session), notices=notices or [], navigator=navigator(session, None),
                seconds_left=seconds_left(session, now), session_id=session.id,
                review=ReviewView(overview_text(session, now, chat=False), facts.answered, facts.unanswered,
                                  facts.flagged, facts.current, confirm))


def seconds_left(session: Session, now: datetime) -> int | None:
    return None if session.deadline is None else max(0, int((session.deadline - now).total_seconds()))


def running(session: Session, card: QuestionCard, now: datetime, notices: list[str]) -> Page:
    answered = any(a.position == card.position for a in session.answers)
    return Page(Status.RUNNING, title=title(session), notices=notices, question=question_view(card, answered),
                navigator=navigator(session, card.position), seconds_left=seconds_left(session, now),
                session_id=session.id)


def finished(session: Session, report: list[str], notices: list[str] | None = None,
             attempt: int | None = None) -> Page:
    return Page(Status.FINISHED, title=title(session), notices=notices or [], report=report,
                navigator=navigator(session, None), attempt=attempt)


def refused(reason: str) -> Page:
    return Page(Status.REFUSED, notices=[SIGN_IN[reason]])
