"""The console shows the pass estimate in /stats and in a mock's report, worded by the core."""

from __future__ import annotations

import io
import random
from datetime import timedelta

from adapters.console.chat import ConsoleChat
from core.dispatch import Dispatcher
from core.plan.service import PlanService
from core.quiz.engine import Answer, Mode
from core.quiz.service import QuizService
from tests.answers import any_valid
from tests.fakes import InMemoryPlanStore


async def test_stats_and_the_mock_report_show_the_pass_estimate(bank, memory_store, clock):
    quiz = QuizService(bank, memory_store, clock=clock, rng=random.Random(6))
    out = io.StringIO()
    chat = ConsoleChat(Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock)), io.StringIO(), out)
    await chat.start()
    memory_store.answers += [Answer(10_000 + n, 0, chat.learner_id, qid, [], n % 3 != 0, clock() - timedelta(days=5),
                                    Mode.QUICK) for n, qid in enumerate(sorted(bank.questions)[:19])]
    chat.say(await chat.answer("/stats"))
    assert "Pass estimate: answer 1 more question to see your estimate." in out.getvalue()
    reply = await chat.answer("/mock 5")
    while reply.card is not None:
        reply = await chat.answer(any_valid(reply.card))
    chat.say(reply)
    chat.say(await chat.answer("/submit yes"))  # the last answer opens the review screen; submit ends it
    report = out.getvalue().split("mock exam report")[-1]
    assert "Pass estimate: " in report and "% chance of 720 or more" in report and "from 24 questions" in report
    chat.say(await chat.answer("/stats"))
    assert out.getvalue().split("Readiness: ")[-1].count("% chance of 720 or more; expected scaled score") == 1
    await chat.stop()
