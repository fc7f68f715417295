"""Telegram: the pass estimate in /stats and a mock's report (worded by the core), and the mix drill's button."""

from __future__ import annotations

from datetime import timedelta

from core.quiz.engine import Answer, Mode
from tests.adapters.telegram.conftest import Chat
from tests.adapters.telegram.test_flows import answer_right


async def test_stats_and_the_mock_report_show_the_pass_estimate(world, bank, clock):
    ann = Chat(world, 531)
    lid = await world.service.learner("telegram", "531")
    world.service.store.answers += [Answer(10_000 + n, 0, lid, qid, [], n % 3 != 0, clock() - timedelta(days=5),
                                           Mode.QUICK) for n, qid in enumerate(sorted(bank.questions)[:19])]
    await ann.say("/stats")
    assert "Pass estimate: answer 1 more question to see your estimate." in world.texts(531)[-1]
    await ann.say("/mock 5")
    for _ in range(5):
        await answer_right(world, ann)
    await ann.say("/submit yes")  # the last answer opens the review screen; submit ends it
    report = next(t for t in reversed(world.texts(531)) if "mock exam report" in t)
    assert "Pass estimate: " in report and "% chance of 720 or more" in report and "from 24 questions" in report
    await ann.say("/stats")
    assert "% chance of 720 or more; expected scaled score" in world.texts(531)[-1]


async def test_the_drill_menu_offers_the_mix_first(world):
    bo = Chat(world, 532)
    await bo.say("/drill")
    await bo.press("Mix: chosen for your level")
    assert any("MLA-C01 drill on the whole exam, at your level: 10 questions." in t for t in world.texts(532))
