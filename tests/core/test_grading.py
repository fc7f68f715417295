"""Typed answers: accepted forms, one-line hints for malformed ones, all-or-nothing grading."""

from __future__ import annotations

import pytest

from core.exam.model import QuestionType as T
from core.quiz.grading import AnswerFormatError, is_correct, parse, to_original


@pytest.mark.parametrize(
    ("text", "kind", "size", "select", "expected"),
    [
        ("b", T.SINGLE, 4, 1, [1]),
        (" C ", T.SINGLE, 4, 1, [2]),
        ("C A", T.MULTI, 5, 2, [0, 2]),
        ("ca", T.MULTI, 5, 2, [0, 2]),
        ("A,E,C", T.MULTI, 6, 3, [0, 2, 4]),
        ("C A B D", T.ORDERING, 4, 1, [2, 0, 1, 3]),
        ("1B 2A 3C", T.MATCHING, 3, 1, [1, 0, 2]),
        ("2a 1b 3c", T.MATCHING, 3, 1, [1, 0, 2]),
        ("B)", T.SINGLE, 4, 1, [1]),  # options are shown as "B) ...", so learners type them that way
        ("B.", T.SINGLE, 4, 1, [1]),
        ("(B)", T.SINGLE, 4, 1, [1]),
        ("A) C)", T.MULTI, 5, 2, [0, 2]),
        ("1-B 2-A 3-C", T.MATCHING, 3, 1, [1, 0, 2]),
        ("1 B 2 A 3 C", T.MATCHING, 3, 1, [1, 0, 2]),
        ("1: b, 2: a, 3: c", T.MATCHING, 3, 1, [1, 0, 2]),
    ],
)
def test_accepted_answers(text, kind, size, select, expected):
    assert parse(text, kind, size, select) == expected


@pytest.mark.parametrize(
    ("text", "kind", "size", "select"),
    [
        ("Z", T.SINGLE, 4, 1),
        ("E", T.SINGLE, 4, 1),
        ("A B", T.SINGLE, 4, 1),
        ("A A", T.MULTI, 5, 2),
        ("A", T.MULTI, 5, 2),
        ("A B C", T.MULTI, 5, 2),
        ("A B C", T.ORDERING, 4, 1),
        ("A B C C", T.ORDERING, 4, 1),
        ("1A 2A 3B", T.MATCHING, 3, 1),
        ("1A 2B", T.MATCHING, 3, 1),
        ("1A 2B 4C", T.MATCHING, 3, 1),
        ("", T.SINGLE, 4, 1),
    ],
)
def test_malformed_answers_get_a_hint(text, kind, size, select):
    with pytest.raises(AnswerFormatError) as info:
        parse(text, kind, size, select)
    assert "for example" in str(info.value)


def test_grading_undoes_the_shuffle(bank):
    q = bank["d1-1.1-005"]  # multi: correct options are 1 and 3 in file order
    order = [3, 0, 4, 1, 2]  # display A=3, B=0, C=4, D=1, E=2
    assert is_correct(q, to_original(parse("A D", q.type, 5, 2), order, q.type))
    assert not is_correct(q, to_original(parse("A B", q.type, 5, 2), order, q.type))


def test_ordering_and_matching_are_all_or_nothing(bank):
    ordering, matching = bank["d2-2.1-006"], bank["d2-2.1-007"]
    assert is_correct(ordering, [0, 1, 2, 3])
    assert not is_correct(ordering, [0, 1, 3, 2])
    assert is_correct(matching, [0, 1, 2])
    assert not is_correct(matching, [0, 2, 1])


@pytest.mark.parametrize(
    ("text", "kind", "size", "select", "says"),
    [
        ("A B C", T.ORDERING, 5, 1, "You gave 3 of 5 letters."),
        ("A", T.MULTI, 5, 2, "You gave 1 of 2 letters."),
        ("A B", T.SINGLE, 4, 1, "One letter only."),
        ("F", T.SINGLE, 4, 1, "F is not one of the options A to D."),
        ("A A", T.MULTI, 5, 2, "You gave a letter twice."),
        ("1A 2B", T.MATCHING, 3, 1, "You matched 2 of 3."),
        ("1A 2A 3B", T.MATCHING, 3, 1, "You used a letter twice."),
        ("hello", T.SINGLE, 4, 1, "HELLO is not one of the options A to D."),
    ],
)
def test_a_malformed_answer_says_what_was_wrong_before_how_to_answer(text, kind, size, select, says):
    with pytest.raises(AnswerFormatError) as info:
        parse(text, kind, size, select)
    assert str(info.value).startswith(says) and "for example" in str(info.value)
