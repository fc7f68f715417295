"""The console chat: a failing command is answered and logged once, and the chat goes on; a typed answer is
for the card on screen."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import random
from datetime import UTC, datetime

from adapters.console.chat import ConsoleChat
from bot.runtime import Runtime
from core.commands import WEB_VIEW_BUTTON
from core.dispatch import Dispatcher
from core.exam.exams import Exams
from core.plan.service import PlanService
from core.quiz.service import EARLIER, QuizService
from core.reply import FAILED
from core.webview.auth import link_learner
from core.webview.links import SECRET_NAME, LinkKey, WebLinks
from tests.answers import any_valid, as_text, right_response
from tests.fakes import InMemoryPlanStore, InMemorySecretStore, OutageStore


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
    # the launch's look-up of an interrupted session, then each of the three lines
    assert out.getvalue().count(FAILED) == 4 and out.getvalue().rstrip().endswith("Your progress is saved.")
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failures) == 4 and all(r.exc_info for r in failures)  # each once, with its traceback
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
def _console(bank, store, clock, rng, stdin, plans: InMemoryPlanStore | None = None
             ) -> tuple[ConsoleChat, PlanService, io.StringIO]:
    quiz = QuizService(bank, store, clock=clock, rng=rng)
    planner = PlanService(quiz, plans or InMemoryPlanStore(), clock=clock)
    out = io.StringIO()
    return ConsoleChat(Dispatcher(quiz, planner), stdin, out), planner, out


async def test_the_console_sets_its_time_zone_and_the_plans_today_follows_it(bank, memory_store, clock, rng):
    chat, _, _ = _console(bank, memory_store, clock, rng, io.StringIO())
    chat.learner_id = await chat.quiz.learner("console", "local")
    clock.now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # already 29 Nov (02:00) in Kiritimati
    assert "7 days to go" in (await chat.answer("/examdate 2026-12-05")).text
    assert (await chat.answer("/timezone Pacific/Kiritimati")).text.startswith("Time zone set to Pacific/Kiritimati")
    assert (await chat.answer("/time 07:30")).text == "Daily reminder time set to 07:30 (Pacific/Kiritimati)."
    shown = (await chat.answer("/plan")).text
    assert "6 days to go" in shown and "👉 Day 6 · Sun 29 Nov" in shown
    assert shown.endswith("Daily reminder at 07:30, Pacific/Kiritimati time; change with /time 07:30 or "
                          "/timezone Europe/Berlin.")
    commands = (await chat.answer("/help")).text
    for works in ("/timezone:", "/time:", "/pause:", "/resume:", "/settings:", "/question:", "/quit:"):
        assert works in commands
    for group_only in ("/round:", "/daily:", "/leaderboard:"):
        assert group_only not in commands


async def test_the_console_calls_its_daily_message_a_reminder_everywhere(bank, memory_store, clock, rng):
    """The console shows the daily message only while it is open, so no reply calls it a push."""
    chat, _, _ = _console(bank, memory_store, clock, rng, io.StringIO())
    chat.learner_id = await chat.quiz.learner("console", "local")
    replies = {line: (await chat.answer(line)).text for line in (
        "/settings", "/time 07:30", "/timezone Europe/Berlin", "/pause", "/resume", "/plan", "/help")}
    assert replies["/settings"].startswith("Daily reminder: on, at 09:00 UTC.")
    assert replies["/time 07:30"] == "Daily reminder time set to 07:30 (UTC)."
    assert replies["/timezone Europe/Berlin"] == "Time zone set to Europe/Berlin; daily reminder at 07:30 local time."
    assert replies["/pause"] == "Daily reminders paused. /resume starts them again."
    assert replies["/resume"] == "Daily reminders on, at 07:30 Europe/Berlin."
    assert replies["/plan"].endswith("Daily reminder at 07:30, Europe/Berlin time; change with /time 07:30 or "
                                     "/timezone Europe/Berlin.")
    assert "/time: When the daily reminder arrives" in replies["/help"]
    for line, text in replies.items():
        assert "push" not in text.lower(), line


async def test_a_reminder_due_while_the_console_was_closed_shows_at_launch_and_keeps_the_question(
        bank, memory_store, clock, rng):
    clock.now = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    plans = InMemoryPlanStore()
    before, _, _ = _console(bank, memory_store, clock, rng, io.StringIO(), plans)
    before.learner_id = await before.quiz.learner("console", "local")
    await before.answer("/start")
    await before.answer("/time 07:30")
    await before.answer("/examdate 2026-12-20")  # weeks ahead: the daily push would open a drill
    card = (await before.answer("/drill 1.1")).card
    session = memory_store.sessions[card.session_id]
    q = bank[session.question_ids[0]]
    await before.answer(as_text(q.type, right_response(q, session.orders[0])))
    clock.now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # 07:30 has passed, nothing shown today yet

    read, write = os.pipe()
    with open(read) as stdin:
        chat, planner, out = _console(bank, memory_store, clock, rng, stdin, plans)
        stop = asyncio.Event()
        running = asyncio.create_task(Runtime(chat.quiz, [chat], tick_seconds=3600, planner=planner).run(stop))
        for _ in range(200):  # the first run comes at launch, not an hour later
            if "Good day!" in out.getvalue():
                break
            await asyncio.sleep(0.05)
        stop.set()
        assert await running == 0
        os.close(write)
    shown = out.getvalue()
    assert shown.index("type /start") < shown.index("You were on question 2 of 7 of your drill on 1.1:")
    assert shown.index("── Q 2/7 ──") < shown.index("Good day! More than a week to go: a mixed drill")
    assert "Finish the session you are in first (/question shows it again)." in shown
    assert "was closed" not in shown and (await chat.quiz.current(chat.learner_id)).card.progress == "Q 2/7"


async def test_exam_is_typed_in_the_console(exams, memory_store, clock, rng):
    quiz = QuizService(exams, memory_store, clock=clock, rng=rng)
    out = io.StringIO()
    chat = ConsoleChat(Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock)),
                       io.StringIO("/exam\n/exam mla-c01\n/drill 1\n"), out)
    await chat.start()
    await asyncio.wait_for(chat.ended.wait(), 10)
    shown = out.getvalue()
    assert "You study MLA-C02." in shown and "Send: MLA-C02 ✓ /exam mla-c02 · MLA-C01 /exam mla-c01" in shown
    assert "You now study MLA-C01 (84 questions)" in shown and "MLA-C01 drill on domain 1" in shown
    await chat.stop()


class GoneOutput(io.StringIO):
    """A stdout whose reader went away: every write fails, as on a closed pipe."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


async def test_a_reminder_the_console_could_not_show_is_kept_for_its_next_launch(bank, memory_store, clock, rng):
    plans = InMemoryPlanStore()
    quiz = QuizService(bank, memory_store, clock=clock, rng=rng)
    planner = PlanService(quiz, plans, clock=clock)
    gone = ConsoleChat(Dispatcher(quiz, planner), io.StringIO(), GoneOutput())
    gone.learner_id = await quiz.learner("console", "local")
    await gone.answer("/start")  # the reminder at 09:00 UTC, from tomorrow
    clock.now = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    assert await planner.run_pushes(Runtime(quiz, [gone], planner=planner).push) == 0
    assert gone.output_closed

    chat, _, out = _console(bank, memory_store, clock, rng, io.StringIO(), plans)
    chat.learner_id = gone.learner_id
    assert await planner.run_pushes(Runtime(quiz, [chat], planner=planner).push) == 1
    assert "Good day!" in out.getvalue()


async def test_a_mock_question_prints_the_learners_own_link_to_the_web_view(exams, memory_store, clock):
    secrets = InMemorySecretStore()
    quiz = QuizService(exams, memory_store, clock=clock,
                       web=WebLinks("http://127.0.0.1:8080/", LinkKey(secrets), clock))
    out = io.StringIO()
    chat = ConsoleChat(Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock)),
                       io.StringIO("/mock\n/stop\n/drill 1\n"), out)
    await chat.start()
    await asyncio.wait_for(chat.ended.wait(), 10)
    printed = [line for line in out.getvalue().splitlines() if line.startswith(f"{WEB_VIEW_BUTTON}: ")]
    assert len(printed) == 1  # under the mock's question; the drill's has none
    token = printed[0].removeprefix(f"{WEB_VIEW_BUTTON}: http://127.0.0.1:8080/#t=")
    assert link_learner(secrets.values[SECRET_NAME].encode(), token, clock()) == chat.learner_id
    await chat.stop()
