"""Helpers that answer a question right or wrong, as a learner reading the shuffled card would."""

from __future__ import annotations

from core.exam.model import Question, QuestionType
from core.quiz.grading import LETTERS
from core.reply import QuestionCard


def right_response(q: Question, order: list[int]) -> list[int]:
    """Display positions that answer `q` correctly under the session's shuffle `order`."""
    if q.type in (QuestionType.SINGLE, QuestionType.MULTI):
        return [pos for pos, i in enumerate(order) if q.options[i].correct]
    return [order.index(i) for i in range(q.size)]


def as_text(kind: QuestionType, response: list[int]) -> str:
    if kind is QuestionType.MATCHING:
        return " ".join(f"{i + 1}{LETTERS[p]}" for i, p in enumerate(response))
    return " ".join(LETTERS[p] for p in response)


def wrong_response(q: Question, order: list[int]) -> list[int]:
    right = right_response(q, order)
    if q.type is QuestionType.SINGLE:
        return [(right[0] + 1) % 4]
    if q.type is QuestionType.MULTI:
        others = [p for p in range(q.size) if p not in right]
        return sorted(right[1:] + others[:1])
    return right[1:] + right[:1]


def any_valid(card: QuestionCard) -> str:
    """A well-formed answer, right or wrong, for the card."""
    if card.kind is QuestionType.MULTI:
        return as_text(card.kind, list(range(card.select)))
    if card.kind is QuestionType.SINGLE:
        return "A"
    return as_text(card.kind, list(range(len(card.choices))))


async def submit_if_last(quiz, lid: int, reply):
    """The reply to a diagnostic's or mock's last answer is the review screen (issue 17): submit the attempt,
    as the learner would, and return its report; any other reply as it is."""
    from core.quiz.exam_service import ExamService

    session = await quiz.store.active_session(lid)
    if reply.card is None and session is not None and session.navigable and not reply.refused:
        return await ExamService(quiz).submit(lid, confirmed=True)
    return reply
