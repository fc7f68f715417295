"""Telegram: a typed answer re-sent under its update id is applied once (so is a command), and one sent
before the pending question appeared is refused rather than recorded for it (core/quiz/binding.py)."""

from __future__ import annotations

from core.quiz.service import EARLIER
from tests.adapters.telegram.conftest import Chat
from tests.bot.test_answer_once import typed_answer


async def test_telegram_applies_a_resent_typed_answer_once_and_refuses_one_sent_before_the_question(world, clock):
    ann = Chat(world, 701)
    command = ann.message("/drill 1.1")
    await world.deliver(command, update_id=400)
    session = next(iter(world.service.store.sessions.values()))
    card_text = world.texts(701)[-1]
    clock.advance(seconds=3)
    answer = ann.message(typed_answer(card_text))
    answer["message"]["date"] = int(clock().timestamp())
    await world.deliver(answer, update_id=500)
    assert "Q 2/" in world.texts(701)[-1]
    sent = len(world.texts(701))
    await world.deliver(answer, update_id=500)  # re-sent after a restart: no reply, nothing recorded
    await world.deliver(command, update_id=400)  # and a re-sent command is not run again either
    assert len(world.texts(701)) == sent
    late = ann.message("A")  # typed for question 1, arriving under another update id
    late["message"]["date"] = int(clock().timestamp()) - 3
    await world.deliver(late, update_id=501)
    assert world.texts(701)[sent] == EARLIER and "Q 2/" in world.texts(701)[sent + 1]
    assert [a.position for a in world.service.store.answers if a.session_id == session.id] == [0]
