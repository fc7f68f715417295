"""Parsing what learners type after a command: one scope parser and one number parser for every command."""

from __future__ import annotations

from core.exam.model import Exam

ASCII_DIGITS = frozenset("0123456789")
MAX_DIGITS = 6  # no command takes a number past 999,999; longer input is refused before int() sees it
MAX_ID = 2**31 - 1  # the largest row id a store keeps (PostgreSQL's integer): a forged larger one is no row


def parse_scope(exam: Exam, text: str | None) -> str | None:
    """"2", "d2", "domain 2" -> "2"; "2.1", "task 2.1" -> "2.1"; anything else -> None."""
    if not text:
        return None
    token = text.strip().lower().removeprefix("domain").removeprefix("task").strip().removeprefix("d")
    if token in exam.tasks or token in {str(d.number) for d in exam.domains}:
        return token
    return None


def parse_number(text: str | None, low: int, high: int) -> int | None:
    """A whole number typed in ASCII digits within [low, high]; None for anything else.

    str.isdigit() accepts "²" and other Unicode digits that int() then rejects, and a 5,000-digit number
    costs int() real time: only ASCII digits, and only a few of them, are numbers here.
    """
    if text is None:
        return None
    text = text.strip()
    if not text or len(text) > MAX_DIGITS or not set(text) <= ASCII_DIGITS:
        return None
    value = int(text)
    return value if low <= value <= high else None


def is_id(value: int | None) -> bool:
    """Whether a session or round id carried by a button could name a row at all; a forged 12-digit id
    would otherwise reach PostgreSQL, which refuses it with an error instead of finding nothing."""
    return value is not None and 0 < value <= MAX_ID
