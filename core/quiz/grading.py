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
    Options are shown as "B) ...", so "B)", "B.", "(B)" and "[B]" are read as B; a matching pair may be typed
    "1B", "1-B", "1:B" or "1 B". A malformed answer is told what was wrong before how to answer.
    """
    how = hint(kind, size, select)
    if kind is QuestionType.MATCHING:
        pairs = _PAIR.sub(r" \1\2 ", text.upper())
        return _parse_matching([t for t in _DECORATION.split(pairs) if t], size, how)
    tokens = [t for t in _DECORATION.split(text.strip().upper()) if t]
    if len(tokens) == 1 and len(tokens[0]) > 1 and kind is not QuestionType.SINGLE:
        tokens = list(tokens[0])  # "AC" or "CABD" typed without spaces
    if not tokens:
        raise AnswerFormatError(how)
    unknown = [t for t in tokens if len(t) != 1 or t not in LETTERS[:size]]
    if unknown:
        raise AnswerFormatError(f"{unknown[0][:20]} is not one of the options A to {LETTERS[size - 1]}. {how}")
    picks = [LETTERS.index(t) for t in tokens]
    if len(set(picks)) != len(picks):
        raise AnswerFormatError(f"You gave a letter twice. {how}")
    wanted = {QuestionType.SINGLE: 1, QuestionType.MULTI: select}.get(kind, size)
    if len(picks) != wanted:
        raise AnswerFormatError(f"One letter only. {how}" if wanted == 1 else
                                f"You gave {len(picks)} of {wanted} letters. {how}")
    return sorted(picks) if kind is QuestionType.MULTI else picks


_DECORATION = re.compile(r"[\s,;()\[\].:]+")
_PAIR = re.compile(r"(\d+)\s*[-:.)=]?\s*([A-Z])\b")


def _parse_matching(tokens: list[str], size: int, how: str) -> list[int]:
    chosen: dict[int, int] = {}
    for token in tokens:
        m = re.fullmatch(r"(\d+)([A-Z])", token)
        if not m:
            raise AnswerFormatError(f"{token[:20]} is not a number with a letter. {how}")
        prompt, letter = int(m.group(1)) - 1, m.group(2)
        if not 0 <= prompt < size or letter not in LETTERS[:size] or prompt in chosen:
            raise AnswerFormatError(how)
        chosen[prompt] = LETTERS.index(letter)
    if len(chosen) != size:
        raise AnswerFormatError(f"You matched {len(chosen)} of {size}. {how}")
    if len(set(chosen.values())) != size:
        raise AnswerFormatError(f"You used a letter twice. {how}")
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
