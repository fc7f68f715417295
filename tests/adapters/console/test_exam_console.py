"""The console during a mock (issue 17): the card lists the moves, typed commands move, flag, review and
submit, a typed answer after going back replaces the earlier one, /recap walks through, /help lists them."""

from __future__ import annotations

import io
import random

from adapters.console.chat import ConsoleChat
from adapters.console.render import render
from core.dispatch import Dispatcher
from core.exam.exams import Exams
from core.plan.service import PlanService
from core.quiz.service import QuizService
from tests.answers import any_valid
from tests.fakes import InMemoryPlanStore


async def test_a_mock_in_the_console_with_flag_skip_back_review_submit_and_recap(bank, memory_store, clock):
    quiz = QuizService(Exams.of(bank), memory_store, clock=clock, rng=random.Random(5))
    chat = ConsoleChat(Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock)), io.StringIO(),
                       io.StringIO())
    await chat.start()
    first = await chat.handle("/mock")
    assert "⚑ Flag /flag · Skip ▶ /skip · Review screen /overview · Submit /submit" in render(first)
    assert (await chat.handle("/flag")).card.progress == "Q 1/20 · 0:40:00 left · ⚑ flagged"
    skipped = await chat.handle("/skip")
    assert skipped.card.position == 1
    card = (await chat.handle(any_valid(skipped.card))).card  # answer 2
    assert card.position == 2
    back = await chat.handle("/back")
    assert back.card.position == 1 and back.card.progress.split(" · ")[-1].startswith(("your answer", "answered"))
    assert "◀ Previous /back · Next ▶ /skip" in render(back)  # answered: Skip reads Next
    await chat.handle(any_valid(back.card))  # the same answer again replaces, never doubles
    assert len(await memory_store.history(chat.learner_id)) == 1
    card = (await chat.handle("/goto 20")).card
    screen = await chat.handle(any_valid(card))
    text = render(screen)
    assert "Answered 2 · Unanswered 18 · Flagged 1" in text and "Unanswered: 1, 3–19" in text
    assert "Send: Q1 ⚑ /goto 1 · Q3 ○ /goto 3" in text and text.endswith("Back to Q20 /goto 20 · Submit /submit")
    ask = render(await chat.handle("/submit"))
    assert ask.startswith("Submit your MLA-C01 mock exam now? 18 questions are unanswered and count wrong; "
                          "1 question is flagged.") and ask.endswith("/overview")
    done = render(await chat.handle("/submit yes"))
    assert done.startswith("Submitted. /recap 1 walks through") and "18 unanswered (counted wrong)" in done
    walk = render(await chat.handle("/recap 1 2"))
    assert walk.startswith("Attempt 1 · MLA-C01 mock exam · question 2 of 20 · time on it: 0 s")
    assert walk.endswith("Send: ◀ Previous /recap 1 1 · Next ▶ /recap 1 3 · All attempts /recap")
    helped = render(await chat.handle("/help"))
    for name in ("flag", "skip", "back", "goto", "overview", "submit", "recap"):
        assert f"\n/{name}: " in helped
    await chat.stop()


async def test_the_review_screen_names_each_button_and_lists_a_command_once(bank, memory_store, clock):
    """The screen's jump to Q2 and its "Back to Q2" send the same command: the console lists it once."""
    quiz = QuizService(Exams.of(bank), memory_store, clock=clock, rng=random.Random(5))
    chat = ConsoleChat(Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock)), io.StringIO(),
                       io.StringIO())
    await chat.start()
    first = await chat.handle("/mock")
    await chat.handle(any_valid(first.card))  # Q1 answered, Q2 on screen
    text = render(await chat.handle("/overview"))
    jumps = " · ".join(f"Q{n} ○ /goto {n}" for n in range(2, 14))
    assert text.endswith(f"Send: {jumps} · Submit /submit") and text.count("/goto 2 ") == 1
    await chat.stop()
