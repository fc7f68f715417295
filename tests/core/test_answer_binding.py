"""A typed answer counts once, and only for the question the learner was looking at when they sent it
(core/quiz/binding.py). The console and Telegram cases are in tests/adapters (console/, telegram/)."""

from __future__ import annotations

from datetime import timedelta

from core.quiz.binding import Sent
from core.quiz.service import EARLIER, QuizService
from tests.answers import any_valid

TG = "telegram:999000"


def _second(clock) -> object:
    """Now as Telegram stamps a message: whole seconds."""
    return clock().replace(microsecond=0)


async def test_a_redelivered_update_is_applied_once(bank, memory_store, clock, rng):
    service = QuizService(bank, memory_store, clock=clock, rng=rng)
    lid = await service.learner("telegram", "1")
    card = (await service.drill(lid, "1.1")).card
    clock.advance(seconds=5)
    sent = Sent(update=(TG, "41"), at=_second(clock))
    first = await service.answer_text(lid, any_valid(card), sent)
    assert first.card.position == 1
    clock.advance(seconds=5)  # the process died after replying; Telegram sends update 41 again
    again = await service.answer_text(lid, any_valid(first.card), sent)
    assert again.paragraphs == [] and again.card is None  # nothing to send: it was answered before
    assert len(await memory_store.history(lid)) == 1
    assert (await memory_store.active_session(lid)).position == 1


async def test_an_answer_sent_before_the_next_question_appeared_is_refused_not_recorded_for_it(
        bank, memory_store, clock, rng):
    service = QuizService(bank, memory_store, clock=clock, rng=rng)
    lid = await service.learner("telegram", "2")
    card = (await service.drill(lid, "1.1")).card
    clock.advance(seconds=4, microseconds=300_000)
    typed_at = _second(clock)
    first = await service.answer_text(lid, any_valid(card), Sent(update=(TG, "1"), at=typed_at))
    assert first.card.position == 1
    # A second message from the same second (typed twice, or re-sent with another update id): question 2
    # appeared in that second, so the learner had not seen it.
    double = await service.answer_text(lid, "A", Sent(update=(TG, "2"), at=typed_at))
    assert double.refused and double.paragraphs == [EARLIER] and double.card.position == 1
    clock.advance(seconds=7)
    later = await service.answer_text(lid, any_valid(first.card), Sent(update=(TG, "3"), at=_second(clock)))
    assert later.card.position == 2
    assert [a.position for a in await memory_store.history(lid)] == [0, 1]
    # An answer from before the session even began is no answer to it either.
    early = await service.answer_text(lid, "A", Sent(at=card_time(memory_store, lid) - timedelta(minutes=1)))
    assert early.refused and early.paragraphs == [EARLIER]


def card_time(store, lid):
    return next(s for s in store.sessions.values() if s.learner_id == lid).started_at
