"""Answers: parsing what a learner typed, mapping shuffled positions back, and all-or-nothing grading."""

from __future__ import annotations

import re

from core.exam.model import Question, QuestionType

LETTERS = "ABCDEFGH"
_WORDS = {1: "ONE", 2: "TWO", 3: "THREE"}


class AnswerFormatError(ValueError):
    """The typed answer does not fit the question; the message is a one-line hint for the learner."""


def hint(kind: QuestionType, size: int, select: int) -> str:
    """How to answer a question of this shape, in one line."""
    last = LETTERS[size - 1]
    if kind is QuestionType.SINGLE:
        return f"Answer with one letter, A to {last}, for example: B"
    if kind is QuestionType.MULTI:
        example = " ".join(LETTERS[:select][::-1])
        return f"Select {_WORDS.get(select, select)}: letters A to {last} separated by spaces, for example: {example}"
    if kind is QuestionType.ORDERING:
        example = " ".join(reversed(LETTERS[:size]))
        return f"Give all {size} letters in order, first step first, for example: {example}"
    example = " ".join(f"{i + 1}{LETTERS[(i + 1) % size]}" for i in range(size))
    return f"Pair each number with a letter, for example: {example}"


def parse(text: str, kind: QuestionType, size: int, select: int = 1) -> list[int]:
    """Turn typed letters into display positions; raise AnswerFormatError with a hint if malformed.

    single/multi: the chosen positions, sorted; ordering: positions in the learner's order;
    matching: for prompt i (in display order), the position of the match picked for it.
    """
    tokens = re.split(r"[\s,;]+", text.strip().upper())
    tokens = [t for t in tokens if t]
    bad = AnswerFormatError(hint(kind, size, select))
    if kind is QuestionType.MATCHING:
        return _parse_matching(tokens, size, bad)
    if len(tokens) == 1 and len(tokens[0]) > 1 and kind is not QuestionType.SINGLE:
        tokens = list(tokens[0])  # "AC" or "CABD" typed without spaces
    if any(len(t) != 1 or t not in LETTERS[:size] for t in tokens) or not tokens:
        raise bad
    picks = [LETTERS.index(t) for t in tokens]
    if len(set(picks)) != len(picks):
        raise bad
    if kind is QuestionType.SINGLE:
        if len(picks) != 1:
            raise bad
        return picks
    if kind is QuestionType.MULTI:
        if len(picks) != select:
            raise bad
        return sorted(picks)
    if len(picks) != size:
        raise bad
    return picks


def _parse_matching(tokens: list[str], size: int, bad: AnswerFormatError) -> list[int]:
    chosen: dict[int, int] = {}
    for token in tokens:
        m = re.fullmatch(r"(\d+)([A-Z])", token)
        if not m:
            raise bad
        prompt, letter = int(m.group(1)) - 1, m.group(2)
        if not 0 <= prompt < size or letter not in LETTERS[:size] or prompt in chosen:
            raise bad
        chosen[prompt] = LETTERS.index(letter)
    if len(chosen) != size or len(set(chosen.values())) != size:
        raise bad
    return [chosen[i] for i in range(size)]


def validate(response: list[int], kind: QuestionType, size: int, select: int = 1) -> list[int]:
    """Check a response that came from buttons (display positions) with the same rules as typing."""
    if any(not isinstance(p, int) or not 0 <= p < size for p in response):
        raise AnswerFormatError(hint(kind, size, select))
    if kind is QuestionType.MATCHING:
        text = " ".join(f"{i + 1}{LETTERS[p]}" for i, p in enumerate(response))
    else:
        text = " ".join(LETTERS[p] for p in response)
    return parse(text, kind, size, select)


def to_original(response: list[int], order: list[int], kind: QuestionType) -> list[int]:
    """Map display positions back to indices in the question file, so grading ignores the shuffle."""
    mapped = [order[p] for p in response]
    return sorted(mapped) if kind in (QuestionType.SINGLE, QuestionType.MULTI) else mapped


def is_correct(question: Question, original: list[int]) -> bool:
    """All-or-nothing, as on the exam: every pick right and nothing extra."""
    if question.type in (QuestionType.SINGLE, QuestionType.MULTI):
        return sorted(original) == question.correct
    return original == list(range(question.size))


def select_count(question: Question) -> int:
    """How many options the learner must pick (1 for single; the stem's number for multi)."""
    return len(question.correct) if question.type is QuestionType.MULTI else 1
