"""A matching question with more prompts than fit one message: pages of menus, picks kept across pages."""

from __future__ import annotations

import pytest
import yaml

from adapters.discord import DiscordBot
from core.dispatch import Dispatcher
from core.exam.bank import load_bank
from core.exam.exams import Exams
from core.exam.model import QuestionType
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.rounds.service import RoundService
from tests.adapters.discord.fakes import answer, click, drill_to, key
from tests.conftest import write_bank
from tests.fakes import InMemoryPlanStore, InMemoryRoundStore


@pytest.fixture(scope="module")
def wide_bank(tmp_path_factory):
    """The fixture bank with seven pairs in every matching question, the most the format allows."""
    folder = write_bank(tmp_path_factory.mktemp("wide") / "mla-c01")
    for path in folder.glob("?.?.yaml"):
        questions = yaml.safe_load(path.read_text())
        for q in questions:
            if q["type"] == "matching":
                q["pairs"] = [{"prompt": f"Prompt {k}", "match": f"Match {k}"} for k in range(7)]
        path.write_text(yaml.safe_dump(questions, sort_keys=False))
    return load_bank(folder)


@pytest.fixture
def bot(wide_bank, memory_store, clock, rng):
    service = QuizService(Exams.of(wide_bank), memory_store, clock=clock, rng=rng)
    return DiscordBot(Dispatcher(service, PlanService(service, InMemoryPlanStore(), clock=clock),
                      RoundService(Exams.of(wide_bank), InMemoryRoundStore(), clock=clock)))


async def test_seven_prompts_page_and_keep_their_picks(bot, memory_store, wide_bank):
    card = await drill_to(bot, memory_store, wide_bank, QuestionType.MATCHING)
    assert len(card.menus()) == 4 and list(card.buttons()) == ["5–7 ▶", "Submit"]
    picked = (await click(bot, card.menus()[0].custom_id, values=["G"])).log[-1]
    later = (await click(bot, picked.buttons()["5–7 ▶"].custom_id)).log[-1]
    assert [m.item.placeholder for m in later.menus()] == ["5. Prompt 4", "6. Prompt 5", "7. Prompt 6"]
    assert later.content == "Your picks so far: 1 G · 2 – · 3 – · 4 – · 5 – · 6 – · 7 –"
    back = (await click(bot, later.buttons()["◀ 1–4"].custom_id)).log[-1]
    assert [o.value for o in back.menus()[0].item.options if o.default] == ["G"]
    assert back.buttons()["Submit"].item.disabled
    clicked = await answer(bot, card, key(memory_store, wide_bank, card))
    assert clicked.log[1].content.startswith("Your answer: 1 ")
    assert clicked.messages()[0].content.startswith("✅ Correct.")
