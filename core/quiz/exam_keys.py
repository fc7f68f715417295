"""The buttons of a diagnostic or mock in a chat: what each says, what it does, and what it was drawn for.

A chat with buttons (Telegram, Discord) draws a question card's moves (QuestionCard.nav) and the screens
of Reply.exam (the review screen's grid of every question, the submit confirmation, a page of the
post-exam walk-through) as Keys. Each Key is (act, session, number), few enough characters for Telegram's
64-byte callback data and Discord's custom_id, so a tap needs no memory of the message and works after a
restart. core/quiz/key_press.py runs a tap: a Key drawn for an attempt that is no longer running, or for a
question the learner has moved away from, or a forged one, is refused and changes nothing. Every word is here or in
core/quiz/exam_review.py; a surface only chooses how many grid buttons fit one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.quiz import navigate
from core.quiz.engine import Session
from core.reply import ExamScreen, QuestionCard

STALE_KEY = "That button belongs to an attempt that is no longer running. Nothing was changed."
ALREADY = {True: "Question {number} is flagged already. Nothing was changed.",
           False: "Question {number} is not flagged. Nothing was changed."}
CONFIRM_LABEL, KEEP_GOING = "Yes, submit", "Keep going"
SUBMIT_LABEL = "Submit attempt"  # not "Submit": an ordering or matching question has its own Submit beside it
RECAP_LABELS = {"back": "◀ Previous", "next": "Next ▶", "all": "All attempts"}
MARKS = {"answered": "✓", "flagged": "⚑", "current": "▸"}


class Act(StrEnum):
    """What a key does; one character, so that callback data stays short."""

    FLAG = "f"  # flag question `number` (the message's)
    UNFLAG = "F"  # clear its flag
    BACK = "b"  # from question `number`, the one before
    SKIP = "s"  # from question `number`, the one after
    REVIEW = "o"  # the review screen
    PAGE = "p"  # the review screen at page `number` of its grid
    GOTO = "g"  # question `number`
    RETURN = "r"  # the question on screen ("Back to Q5", "Keep going")
    SUBMIT = "u"  # ask to submit (the confirmation)
    CONFIRM = "c"  # submit
    RECAP = "w"  # question `number` of the finished attempt `session`
    ATTEMPTS = "a"  # the list of finished attempts


@dataclass(frozen=True)
class Key:
    label: str
    act: Act
    session: int
    number: int = 0


_CARD_ACTS = {"back": Act.BACK, "skip": Act.SKIP, "overview": Act.REVIEW, "submit": Act.SUBMIT}


def card_keys(card: QuestionCard) -> list[Key]:
    """A running diagnostic or mock question's moves, from its nav (navigate.dress): Flag or Unflag, Previous,
    Skip or Next, Review screen, Submit. None for any other card."""
    number = card.position + 1
    keys = []
    for label, text in card.nav:
        name = text.removeprefix("/").split()[0]
        act = (Act.UNFLAG if card.flagged else Act.FLAG) if name == "flag" else _CARD_ACTS[name]
        keys.append(Key(SUBMIT_LABEL if act is Act.SUBMIT else label, act, card.session_id, number))
    return keys


def screen(session: Session, kind: str = "review") -> ExamScreen:
    """The review screen (or the submit confirmation) of a running session, as facts a chat draws."""
    view = navigate.overview(session)
    return ExamScreen(kind, session.saved_id, view.total, view.current, tuple(view.answered), tuple(view.flagged))


def recap_screen(session: Session, position: int) -> ExamScreen:
    return ExamScreen("recap", session.saved_id, session.total, position + 1)


def pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def cell(shown: ExamScreen, number: int) -> Key:
    """A grid button: the question number, ✓ if answered, ⚑ if flagged, ▸ before the one on screen."""
    label = (MARKS["current"] if number == shown.current else "") + str(number)
    label += MARKS["answered"] if number in shown.answered else ""
    label += MARKS["flagged"] if number in shown.flagged else ""
    return Key(label, Act.GOTO, shown.session_id, number)


def screen_keys(shown: ExamScreen, per_page: int) -> tuple[list[Key], list[Key]]:
    """(grid, controls): the review screen's page of question buttons (at most `per_page`), and the buttons
    below it: the other pages, back to the question on screen, Submit. The confirmation and a recap page
    have controls only."""
    sid = shown.session_id
    if shown.kind == "confirm":
        return [], [Key(CONFIRM_LABEL, Act.CONFIRM, sid), Key(KEEP_GOING, Act.RETURN, sid)]
    if shown.kind == "recap":
        controls = []
        if shown.current > 1:
            controls.append(Key(RECAP_LABELS["back"], Act.RECAP, sid, shown.current - 1))
        if shown.current < shown.total:
            controls.append(Key(RECAP_LABELS["next"], Act.RECAP, sid, shown.current + 1))
        return [], controls + [Key(RECAP_LABELS["all"], Act.ATTEMPTS, 0)]
    page = max(0, min(shown.page, pages(shown.total, per_page) - 1))
    first = page * per_page + 1
    last = min(first + per_page - 1, shown.total)
    grid = [cell(shown, n) for n in range(first, last + 1)]
    controls = []
    if page > 0:
        controls.append(Key(f"◀ {first - per_page}–{first - 1}", Act.PAGE, sid, page - 1))
    if last < shown.total:
        controls.append(Key(f"{last + 1}–{min(last + per_page, shown.total)} ▶", Act.PAGE, sid, page + 1))
    controls += [Key(f"Back to Q{shown.current}", Act.RETURN, sid), Key(SUBMIT_LABEL, Act.SUBMIT, sid)]
    return grid, controls
