"""Which question a typed answer answers, and whether its update was applied already.

A button names its session and position, so a late or repeated tap can never land on another question. A
typed "B" names nothing: before this module, it was recorded for whatever question was pending when it was
handled. After a kill -9, Telegram re-sends every update whose offset the bot had not yet confirmed, so an
answer already recorded for question 4 was recorded again for question 5 (2 wrong rows in 2,830 typed
answers). Two guards, each enough for that case, and each covering cases the other misses:

- the update id (platform, id) is recorded in the same transaction as the answer, so a re-sent update is
  recognised and ignored, also by another process (a unique key);
- the answer is bound to the question the learner was looking at when they sent it: the one shown before
  the message's date (Telegram), or the card on screen (the console). If the session moved on since, the
  answer is refused, not recorded for the next question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from core.quiz.engine import Session, move

UpdateKey = tuple[str, str]  # (platform, update id), e.g. ("telegram:123456", "9001")


@dataclass(frozen=True)
class Sent:
    """How a typed answer arrived. Every field is optional: a caller that knows nothing (a test, a surface
    without update ids) gets the old behaviour, the pending question."""

    update: UpdateKey | None = None  # the platform's update, so a re-delivered one is applied once
    at: datetime | None = None  # when the learner sent it, as the platform stamps it (Telegram: whole seconds)
    shown: tuple[int, int] | None = None  # (session id, position) of the card on the learner's screen
    blind: bool = False  # the surface has shown no question since it started, so it cannot tell which
    # The diagnostic or mock question the chat last showed (Telegram remembers it while it runs): the answer is
    # for it even when the session moved on in another window (bind_shown).
    form: tuple[int, int] | None = None


class Binding(Enum):
    PENDING = "pending"  # the answer is for the pending question
    EARLIER = "earlier"  # it was for a question answered since
    UNKNOWN = "unknown"  # the surface cannot tell which question the learner saw


def shown_at(session: Session, position: int) -> datetime:
    """When the question at `position` was shown: when the one before it was answered, or the start; in a
    diagnostic or mock, which moves freely, when the learner last moved to it."""
    if session.shown_at is not None and position == session.position:
        return session.shown_at
    before = [a.answered_at for a in session.answers if a.position == position - 1]
    return before[0] if before else session.started_at


def bind(session: Session, sent: Sent | None) -> Binding:
    """Which question `sent` answers, seen from the session as it is now.

    Telegram stamps a message with whole seconds, so a message from the second in which the pending
    question appeared is taken as one sent before it: nobody reads a question and answers it within the
    second it appeared, while a re-sent or double-typed answer falls in exactly that second. (It also
    assumes the bot's clock and Telegram's agree to within a second, as NTP keeps them.)
    """
    if sent is None:
        return Binding.PENDING
    if sent.blind:
        return Binding.UNKNOWN
    if sent.shown is not None and sent.shown != (session.id, session.position):
        return Binding.EARLIER
    if sent.at is not None:
        appeared = shown_at(session, session.position).replace(microsecond=0)
        if sent.at < appeared + timedelta(seconds=1):
            return Binding.EARLIER
    return Binding.PENDING


def _moved_to(session: Session, session_id: int, position: int, now: datetime) -> bool:
    """In a running diagnostic or mock, show the question at `position` if it is another one of the same
    attempt (answers there change until submit); whether the session is now on it."""
    if session.id != session_id or not session.navigable or session.finished:
        return False
    if position != session.position:
        if not 0 <= position < session.total:
            return False
        move(session, position, now)
    return True


def bind_shown(session: Session, sent: Sent | None, now: datetime) -> Binding:
    """bind(), but in a diagnostic or mock a typed answer is for the question the chat showed (`sent.form`),
    also when the session moved on in another window since (an answer given in the web view moves it): the
    session is moved back to that question, and the answer replaces any earlier one there. When the chat
    shows the question on screen, bind() decides as for any session (a re-sent or double-typed answer)."""
    form = sent.form if sent is not None else None
    if form is not None and form[1] != session.position and _moved_to(session, *form, now):
        return Binding.PENDING
    return bind(session, sent)


def tapped(session: Session, session_id: int, position: int, now: datetime, shown: bool = True) -> bool:
    """Whether a button drawn for (session, position) may answer now: the pending question of that session,
    or, when the button sits under a message that keeps showing its question (`shown`: a chat's), in a
    diagnostic or mock any question of the running attempt (the session moves to it). The web view's page
    follows the session, so its late answer is refused instead."""
    if shown and _moved_to(session, session_id, position, now):
        return True
    return session.id == session_id and session.position == position
