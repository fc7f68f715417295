"""Words a learner reads whose form depends on a count: "1 attempt", "3 attempts", never "attempt(s)"."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """The count with its noun in the right number: "1 attempt", "0 attempts", "2 attempts". The noun's last
    word takes the "s" ("1 question card", "2 question cards"); `many` gives an irregular plural
    ("case study", "case studies")."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def are(n: int) -> str:
    """The verb after `plural(n, ...)`: "1 question is left", "3 questions are left"."""
    return "is" if n == 1 else "are"
