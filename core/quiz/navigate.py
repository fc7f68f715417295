"""Moving through a diagnostic or mock as on the exam: flag, skip, go back, jump, review, submit.

Pure transitions on the Session (core/quiz/engine.py); core/quiz/exam_service.py loads, calls, saves. The
rules:

- `session.position` is the question on screen. Answering it records the answer (replacing an earlier one
  to the same question: answers change until submit) and shows the next question, or stays on the last.
- Skip shows the next question, Previous the one before, goto any; none of them records anything.
- A flag marks a question to come back to; flagging again clears it. Flags do not change the score.
- Submit ends the attempt: unanswered questions count wrong. When the time runs out the attempt ends the
  same way, by the clock (engine.finish), as before.
- The time a question was on screen is summed per question (engine.move) for the post-exam review.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from core.exam.model import QuestionType
from core.quiz.engine import NotPending, Session, move
from core.quiz.grading import LETTERS
from core.reply import QuestionCard

FLAGGED = "⚑ flagged"
YOUR_ANSWER = "your answer: {letters}"
ANSWERED = "answered"
NAV = {"flag": "⚑ Flag", "unflag": "Unflag", "back": "◀ Previous", "skip": "Skip ▶", "next": "Next ▶",
       "overview": "Review screen", "submit": "Submit"}


@dataclass(frozen=True)
class Overview:
    """The review screen's facts: question numbers (from 1) by state, and the one on screen."""

    total: int
    current: int
    answered: list[int]
    unanswered: list[int]
    flagged: list[int]


def overview(session: Session) -> Overview:
    done = {a.position for a in session.answers}
    return Overview(
        total=session.total, current=session.position + 1,
        answered=[p + 1 for p in range(session.total) if p in done],
        unanswered=[p + 1 for p in range(session.total) if p not in done],
        flagged=[p + 1 for p in sorted(session.flags)])


def _open(session: Session, position: int) -> None:
    if not session.navigable or session.finished:
        raise NotPending("no diagnostic or mock is running")
    if not 0 <= position < session.total:
        raise NotPending(f"there is no position {position}")


def go(session: Session, position: int, now: datetime) -> None:
    """Show the question at `position` (skip, previous, a jump); raise NotPending if there is none."""
    _open(session, position)
    if position != session.position:
        move(session, position, now)


def toggle_flag(session: Session, position: int) -> bool:
    """Flag the question at `position`, or clear its flag; whether it is flagged now."""
    _open(session, position)
    flagged = position not in session.flags
    session.flags = sorted(set(session.flags) ^ {position})
    return flagged


def picked(session: Session, position: int, kind: QuestionType) -> list[int] | None:
    """The learner's answer to the question at `position` in display positions (single and multiple answer),
    [] for an answered ordering or matching question, None when it is unanswered."""
    answer = next((a for a in session.answers if a.position == position), None)
    if answer is None:
        return None
    if kind not in (QuestionType.SINGLE, QuestionType.MULTI):
        return []
    order = session.orders[position]
    return sorted(order.index(i) for i in answer.response if i in order)


def spent(session: Session, position: int) -> int:
    """Seconds the question at `position` was on screen (0 if never, or if the session predates the count)."""
    return session.spent[position] if position < len(session.spent) else 0


def dress(card: QuestionCard, session: Session) -> QuestionCard:
    """The card of a running diagnostic or mock with its flag, the learner's answer so far (it can still
    change) and the navigation buttons (each names the question it was drawn for, so a stale tap is refused);
    any other card as it is."""
    if not session.navigable or session.finished:
        return card
    position = card.position
    pick = picked(session, position, card.kind)
    flagged = position in session.flags
    notes = [FLAGGED] if flagged else []
    if pick:
        notes.append(YOUR_ANSWER.format(letters=" ".join(LETTERS[p] for p in pick)))
    elif pick is not None:
        notes.append(ANSWERED)
    number = position + 1
    nav = [(NAV["unflag" if flagged else "flag"], f"/flag {number}")]
    if number > 1:
        nav.append((NAV["back"], f"/back {number}"))
    if number < session.total:
        nav.append((NAV["next" if pick is not None else "skip"], f"/skip {number}"))
    nav += [(NAV["overview"], "/overview"), (NAV["submit"], "/submit")]
    return replace(card, progress=" · ".join([card.progress, *notes]), flagged=flagged, picked=pick or [],
                   nav=nav)
