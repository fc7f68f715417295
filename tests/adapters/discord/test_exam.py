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
from tests.adapters.discord.fakes import BOB, CHANNEL, MANAGER, FakeInteraction, click, command
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


async def test_drill_and_round_suggestions_carry_the_titles_of_the_chosen_exam(bot):
    """The values are the same in both exams (1.1 is 1.1); the titles are the exam's own."""
    drill = bot.tree.get_command("drill")._params["scope"].autocomplete
    round_ = bot.tree.get_command("round")._params["domain"].autocomplete

    async def shown(suggest, interaction, typed: str) -> list[tuple[str, str]]:
        return [(c.name, c.value) for c in await suggest(interaction, typed)]

    direct, in_server = FakeInteraction(bot, guild=None), FakeInteraction(bot)
    assert await shown(drill, direct, "1.1") == [("1.1 Collect and store data", "1.1")]  # new: MLA-C02
    await command(bot, "exam", guild=None, exam="mla-c01")
    assert await shown(drill, direct, "1.1") == [("1.1 Ingest and store data", "1.1")]
    assert await shown(drill, in_server, "1.1") == [("1.1 Ingest and store data", "1.1")]  # theirs, anywhere
    assert await shown(drill, FakeInteraction(bot, user=BOB), "1.1") == [("1.1 Collect and store data", "1.1")]

    assert await shown(round_, in_server, "Domain 1") == [("Domain 1: Data Preparation for ML and AI", "1")]
    await command(bot, "exam", permissions=MANAGER, exam="mla-c01")  # the channel's exam, not the learner's
    assert await shown(round_, FakeInteraction(bot, user=BOB), "Domain 1") == [
        ("Domain 1: Data Preparation for Machine Learning (ML)", "1")]
    await command(bot, "exam", guild=None, exam="mla-c02")
    assert await shown(round_, in_server, "2.2") == [("2.2 Train and refine models", "2.2")]


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
