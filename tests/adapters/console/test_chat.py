"""The console chat: a failing command is answered and logged once, and the chat goes on; a typed answer is
for the card on screen."""

from __future__ import annotations

import asyncio
import io
import logging
import random

from adapters.console.chat import ConsoleChat
from core.dispatch import Dispatcher
from core.plan.service import PlanService
from core.quiz.service import EARLIER, QuizService
from core.reply import FAILED
from tests.answers import any_valid
from tests.fakes import InMemoryPlanStore, OutageStore


async def test_a_database_outage_is_answered_logged_once_and_the_chat_goes_on(bank, memory_store, clock, rng,
                                                                              caplog):
    store = OutageStore(memory_store)
    quiz = QuizService(bank, store, clock=clock, rng=rng)
    out = io.StringIO()
    chat = ConsoleChat(Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock)),
                       io.StringIO("/quiz\n/stats\nB\n"), out)
    store.down = True
    await chat.start()
    await asyncio.wait_for(chat.ended.wait(), 10)  # the chat read every line and ended at end of input
    assert out.getvalue().count(FAILED) == 3 and out.getvalue().rstrip().endswith("Your progress is saved.")
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failures) == 3 and all(r.exc_info for r in failures)  # each once, with its traceback
    store.down = False  # the database is back: the next line works
    assert (await chat.answer("/quiz")).card.progress == "Quick question"
    await chat.stop()


async def test_the_console_binds_a_typed_answer_to_the_card_on_screen(bank, memory_store, clock):
    quiz = QuizService(bank, memory_store, clock=clock, rng=random.Random(4))
    chat = ConsoleChat(Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock)), io.StringIO(),
                       io.StringIO())
    await chat.start()
    card = (await chat.handle("/drill 1.1")).card
    other = QuizService(bank, memory_store, clock=clock)  # the session moves on where this chat cannot see it
    await other.answer_text(chat.learner_id, any_valid(card))
    refused = await chat.handle(any_valid(card))
    assert refused.refused and refused.paragraphs == [EARLIER] and refused.card.position == 1
    assert len(await memory_store.history(chat.learner_id)) == 1
    moved_on = await chat.handle(any_valid(refused.card))  # the card now on screen is question 2
    assert moved_on.card.position == 2
    await chat.stop()
