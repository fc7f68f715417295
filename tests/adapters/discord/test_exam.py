"""Discord: /exam (with its autocompleted parameter) shows both exams with a button each; a click switches
the clicker's exam in a direct message, or the channel's exam for members with Manage Server only."""

from __future__ import annotations

import random

import pytest

from adapters.discord import DiscordBot
from core.dispatch import NOT_A_MANAGER, Dispatcher
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.rounds.service import RoundService
from tests.adapters.discord.fakes import BOB, CHANNEL, MANAGER, click, command
from tests.fakes import InMemoryPlanStore, InMemoryRoundStore


@pytest.fixture
def bot(exams, memory_store, clock) -> DiscordBot:
    quiz = QuizService(exams, memory_store, clock=clock, rng=random.Random(4))
    rounds = RoundService(exams, InMemoryRoundStore(), clock=clock, rng=random.Random(4))
    return DiscordBot(Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock,
                                                   chat_exam=rounds.exam_of), rounds))


async def test_the_exam_parameter_suggests_both_exams(bot):
    slash = bot.tree.get_command("exam")
    parameter = slash.parameters[0]
    assert parameter.name == "exam" and parameter.autocomplete and "mla-c02 (English)" in parameter.description
    suggested = await slash._params["exam"].autocomplete(None, "c01")
    assert [(c.name, c.value) for c in suggested] == [
        ("MLA-C01: for candidates who sit it in Japanese, Korean or Simplified Chinese (until AWS retires it)",
         "mla-c01")]


async def test_a_click_switches_the_learners_exam_in_a_direct_message(bot, memory_store):
    shown = await command(bot, "exam", guild=None, exam=None)
    assert shown.text().startswith("You study MLA-C02.")
    buttons = shown.messages()[-1].buttons()
    assert set(buttons) == {"MLA-C02 ✓", "MLA-C01"}
    switched = await click(bot, buttons["MLA-C01"].custom_id, guild=None)
    assert "You now study MLA-C01 (84 questions)" in switched.text()
    drill = await command(bot, "drill", guild=None, scope="2")
    assert drill.text().startswith("MLA-C01 drill on domain 2")
    typed = await command(bot, "exam", guild=None, exam="mla-c02")
    assert "Your MLA-C01 drill is closed, its answers kept." in typed.text()


async def test_only_a_manager_switches_the_channels_exam(bot):
    shown = await command(bot, "exam", exam=None)
    assert shown.text().startswith("This chat studies MLA-C02")
    button = shown.messages()[-1].buttons()["MLA-C01"].custom_id
    refused = await click(bot, button, user=BOB)
    assert refused.log[-1].ephemeral and refused.log[-1].content == NOT_A_MANAGER
    assert (await bot.rounds.exam_of(f"discord:{CHANNEL}")).code == "mla-c02"
    switched = await click(bot, button, user=BOB, permissions=MANAGER)
    assert switched.text().startswith("This chat now studies MLA-C01")
    assert (await bot.rounds.exam_of(f"discord:{CHANNEL}")).code == "mla-c01"
    public = await command(bot, "exam", permissions=MANAGER, exam="mla-c02")
    assert public.log[0].how == "defer" and not public.log[0].kwargs.get("ephemeral")
