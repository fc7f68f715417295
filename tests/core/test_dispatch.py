"""The dispatcher: one meaning per command on every surface, rights checked once, in the core."""

from __future__ import annotations

import pytest

from core.commands import CATALOGUE, COMMANDS, Chat, Right, Surface, by_button, help_text, visible
from core.dispatch import NOT_A_MANAGER, Caller, Dispatcher
from core.exam.exams import Exams
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.reply import Reply
from core.rounds.service import RoundService
from core.rounds.view import RoundReply
from tests.fakes import InMemoryPlanStore, InMemoryRoundStore


@pytest.fixture
def quiz(bank, memory_store, clock, rng) -> QuizService:
    return QuizService(Exams.of(bank), memory_store, clock=clock, rng=rng)


@pytest.fixture
def dispatcher(quiz, bank, clock, rng) -> Dispatcher:
    return Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock),
                      RoundService(Exams.of(bank), InMemoryRoundStore(), clock=clock, rng=rng))


async def caller(quiz: QuizService, surface: Surface = Surface.CONSOLE, chat: Chat = Chat.PRIVATE,
                 manager: bool = False, who: str = "cmd") -> Caller:
    lid = await quiz.learner(surface.value, who)
    channel = f"{surface.value}:{'group' if chat is Chat.GROUP else who}"
    return Caller(lid, surface, channel, chat, personal=channel, manager=manager, name=who)


async def test_typed_commands_mean_the_same_in_every_chat(dispatcher, quiz, memory_store):
    me = await caller(quiz)
    for bad in ("thirty", "-5", "²", "9" * 5000, "1.9"):
        reply = await dispatcher.run(me, "mock", bad)
        assert reply.refused and reply.text.startswith("Usage: /mock") and not memory_store.sessions
    for bad in ("last", "²", "9" * 5000):
        assert (await dispatcher.run(me, "explain", bad)).text.startswith("Usage: /explain")
    mock = await dispatcher.run(Caller(me.learner_id, Surface.TELEGRAM, "telegram:7", personal="telegram:7"),
                                "mock", "30")
    assert mock.card.total == 30 and memory_store.sessions[mock.card.session_id].channel == "telegram:7"
    assert (await dispatcher.run(me, "stop")).text.startswith("Session stopped.")
    assert (await dispatcher.run(me, "DRILL", " 1.2 ")).text.startswith("MLA-C01 drill on task 1.2")


@pytest.mark.parametrize("command, arg, usage", [
    ("round", "²", "Usage: /round"), ("round", "9" * 5000, "Usage: /round"), ("round", "٣ 2", "Usage: /round"),
    ("roundsettings", "time ²", "Change them with /roundsettings"),
    ("roundsettings", "length " + "9" * 5000, "Change them with /roundsettings"),
    ("roundsettings", "time ٣٠", "Change them with /roundsettings")])
async def test_round_numbers_in_unicode_digits_or_thousands_of_digits_get_the_usage(dispatcher, quiz, command,
                                                                                  arg, usage):
    """str.isdigit() took "²" and "٣", and int() then raised: the command sent no answer at all."""
    admin = await caller(quiz, Surface.TELEGRAM, Chat.GROUP, manager=True)
    before = (await dispatcher.run(admin, "roundsettings")).text
    reply = await dispatcher.run(admin, command, arg)
    assert reply.refused and usage in reply.text
    assert await dispatcher.rounds.store.live_round(admin.channel) is None
    assert (await dispatcher.run(admin, "roundsettings")).text == before  # nothing changed


async def test_forget_asks_first_and_any_case_of_yes_confirms(dispatcher, quiz, memory_store):
    me = await caller(quiz)
    await dispatcher.run(me, "quiz")
    asked = await dispatcher.run(me, "forget")
    assert "Send /forget yes to confirm." in asked.text and ("Yes, erase my data", "/forget yes") in asked.buttons
    assert memory_store.sessions  # nothing erased by asking
    assert (await dispatcher.run(me, "forget", "no")).text.startswith("Kept")
    assert "erased" in (await dispatcher.run(me, "forget", "YES")).text
    assert not memory_store.sessions


async def test_a_manager_command_in_a_group_is_refused_to_a_member_and_changes_nothing(dispatcher, quiz):
    member = await caller(quiz, Surface.TELEGRAM, Chat.GROUP, manager=False)
    refused = await dispatcher.run(member, "time", "06:00")
    assert refused.refused and refused.text == NOT_A_MANAGER
    assert "telegram:group" not in dispatcher.planner.store.targets
    admin = await caller(quiz, Surface.TELEGRAM, Chat.GROUP, manager=True, who="admin")
    assert not (await dispatcher.run(admin, "time", "06:00")).refused
    private = await caller(quiz, Surface.TELEGRAM, Chat.PRIVATE, manager=False, who="solo")
    assert not (await dispatcher.run(private, "time", "06:00")).refused  # one's own chat is one's own to manage


async def test_group_commands_are_refused_in_a_private_chat_and_unknown_ones_named(dispatcher, quiz):
    me = await caller(quiz, Surface.TELEGRAM)
    assert (await dispatcher.run(me, "round")).refused
    assert (await dispatcher.run(me, "daily", "on")).refused
    unknown = await dispatcher.run(me, "x" * 10_000)
    assert unknown.refused and len(unknown.text) < 100
    assert (await dispatcher.run(me, "quit")).refused  # the console's alone


def test_only_group_commands_ask_whether_the_sender_manages_the_chat():
    assert Dispatcher.manager_matters(Chat.GROUP, "time", "07:00")
    assert Dispatcher.manager_matters(Chat.GROUP, "stopround", None)
    assert Dispatcher.manager_matters(Chat.GROUP, "roundsettings", "time 30")
    assert not Dispatcher.manager_matters(Chat.GROUP, "roundsettings", None)
    assert not Dispatcher.manager_matters(Chat.GROUP, "quiz", None)
    assert not Dispatcher.manager_matters(Chat.PRIVATE, "time", "07:00")


def test_help_lists_exactly_the_commands_that_work_there():
    console = help_text(Surface.CONSOLE, Chat.PRIVATE)[0]
    assert "/quit:" in console and "/question:" in console and "/round:" not in console
    group = help_text(Surface.TELEGRAM, Chat.GROUP)[0]
    assert "/round:" in group and "/quit:" not in group
    assert all(c.name != "daily" for c in visible(Surface.TELEGRAM, Chat.PRIVATE))


def test_buttons_never_run_forget_or_a_round_command():
    assert not any(by_button(n) for n in ("forget", "round", "stopround", "roundsettings", "leaderboard", "x"))
    assert by_button("time") and by_button("drill")


@pytest.mark.parametrize("surface", list(Surface))
async def test_every_catalogue_command_runs_where_it_is_declared(dispatcher, quiz, surface):
    """Walk the catalogue: each command a surface declares answers there, in each chat it works in, for a
    caller with the right to run it; none falls through to 'unknown'."""
    for command in CATALOGUE:
        for chat in command.chats:
            if surface not in command.surfaces:
                continue
            who = await caller(quiz, surface, chat, manager=command.right is Right.MANAGER, who=f"{command.name}")
            arg = {"examdate": "2027-01-20", "time": "07:30", "timezone": "Europe/Berlin", "daily": "on"}.get(
                command.name)
            reply = await dispatcher.run(who, command.name, arg)
            assert isinstance(reply, Reply | RoundReply)
            assert "Unknown command" not in reply.text and reply.text != NOT_A_MANAGER, (surface, command.name)
    assert set(COMMANDS) == {c.name for c in CATALOGUE}


async def test_a_diagnostics_explanations_stay_reachable_after_later_sessions(dispatcher, quiz, memory_store):
    me = await caller(quiz)
    diagnostic = await dispatcher.run(me, "diagnostic")
    first = memory_store.sessions[diagnostic.card.session_id]
    await dispatcher.run(me, "stop")  # finished: its explanations open
    await dispatcher.run(me, "quiz")  # a later session; "/explain 3" now means its question 3
    explained = await dispatcher.run(me, "explain", "diag 3")
    q = quiz.exams.newest[first.question_ids[2]]
    assert f" task {q.task} " in explained.paragraphs[0] and f"Takeaway: {q.takeaway}" in explained.text
    assert (await dispatcher.run(me, "explain", "DIAGNOSTIC 3")).text == explained.text
    assert (await dispatcher.run(me, "explain", "mock 3")).text == "You have no finished mock yet."
    assert (await dispatcher.run(me, "explain", f"diag {first.total + 1}")).text.startswith("There is no question")
    for bad in ("diag", "exam 3", "diag 3 4", "diag ²"):
        refused = await dispatcher.run(me, "explain", bad)
        assert refused.refused and refused.text.startswith("Usage: /explain")
