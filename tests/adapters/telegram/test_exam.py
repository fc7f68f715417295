"""Telegram: /exam shows both exams with a button each; a tap switches the learner's exam, or a group's for
its admins only."""

from __future__ import annotations

import random

import pytest

from core.dispatch import NOT_A_MANAGER
from core.quiz.service import QuizService
from core.rounds.service import RoundService
from tests.adapters.telegram.conftest import Chat, World, build
from tests.fakes import InMemoryRoundStore

GROUP = -1009


@pytest.fixture
async def world(standin, exams, memory_store, clock):
    service = QuizService(exams, memory_store, clock=clock, rng=random.Random(3))
    rounds = RoundService(exams, InMemoryRoundStore(), clock=clock, rng=random.Random(3))
    app = build(standin, service, clock, rounds)
    await app.initialize()
    yield World(standin, app, service)
    await app.shutdown()


async def test_the_buttons_switch_the_learners_exam(world, memory_store):
    ann = Chat(world, 701)
    await ann.say("/exam")
    assert world.texts(701)[-1].startswith("You study MLA-C02.")
    message, data = world.button(701, "MLA-C01")
    assert data == "k:/exam mla-c01" and world.button(701, "MLA-C02 ✓")[1] == "k:/exam mla-c02"
    await ann.press("MLA-C01")
    assert world.texts(701)[-1].startswith("You now study MLA-C01 (84 questions)")
    await ann.say("/drill 2")
    assert any(t.startswith("MLA-C01 drill on domain 2") for t in world.texts(701))
    await ann.say("/exam mla-c02")  # typed works as well as tapped
    assert "Your MLA-C01 drill is closed, its answers kept." in world.texts(701)[-1]
    assert memory_store.exams == {1: "mla-c02"}


async def test_in_a_group_only_an_admin_switches_its_exam(world, standin):
    member, admin = Chat(world, 711, GROUP), Chat(world, 712, GROUP)
    standin.admins.add((GROUP, 712))
    await member.say("/exam")
    assert world.texts(GROUP)[-1].startswith("This chat studies MLA-C02")
    await member.press("MLA-C01")
    toasts = [c.get("text") for c in standin.calls_to("answerCallbackQuery")]
    assert toasts[-1] == NOT_A_MANAGER
    assert not world.texts(GROUP)[-1].startswith("This chat now studies")
    await admin.press("MLA-C01")
    assert world.texts(GROUP)[-1].startswith("This chat now studies MLA-C01")
    await member.say("/round 2")
    assert world.app.bot_data.dispatcher.rounds is not None
    live = await world.app.bot_data.dispatcher.rounds.store.live_round(f"telegram:{GROUP}")
    assert live.exam == "mla-c01"
