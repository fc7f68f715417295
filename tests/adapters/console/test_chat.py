"""The console chat: a failing command is answered and logged once, and the chat goes on."""

from __future__ import annotations

import asyncio
import io
import logging

from adapters.console.chat import ConsoleChat
from core.dispatch import Dispatcher
from core.exam.exams import Exams
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.reply import FAILED
from tests.fakes import InMemoryPlanStore, OutageStore


async def test_a_database_outage_is_answered_logged_once_and_the_chat_goes_on(bank, memory_store, clock, rng,
                                                                              caplog):
    store = OutageStore(memory_store)
    quiz = QuizService(Exams.of(bank), store, clock=clock, rng=rng)
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


async def test_exam_is_typed_in_the_console(exams, memory_store, clock, rng):
    quiz = QuizService(exams, memory_store, clock=clock, rng=rng)
    out = io.StringIO()
    chat = ConsoleChat(Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock)),
                       io.StringIO("/exam\n/exam mla-c01\n/drill 1\n"), out)
    await chat.start()
    await asyncio.wait_for(chat.ended.wait(), 10)
    shown = out.getvalue()
    assert "You study MLA-C02." in shown and "Send: /exam mla-c02 · /exam mla-c01" in shown
    assert "You now study MLA-C01 (84 questions)" in shown and "MLA-C01 drill on domain 1" in shown
    await chat.stop()
