"""Discord: the pass estimate in /stats and a mock's report (worded by the core), and /drill mix."""

from __future__ import annotations

from datetime import timedelta

from core.quiz.engine import Answer, Mode
from tests.adapters.discord.fakes import ANN, answer, command, key


async def test_stats_and_the_mock_report_show_the_pass_estimate(bot, service, memory_store, bank, clock):
    lid = await service.learner("discord", str(ANN))
    memory_store.answers += [Answer(10_000 + n, 0, lid, qid, [], n % 3 != 0, clock() - timedelta(days=5), Mode.QUICK)
                             for n, qid in enumerate(sorted(bank.questions)[:19])]
    assert "Pass estimate: answer 1 more question to see your estimate." in (await command(bot, "stats")).text()
    card = (await command(bot, "mock", size=5)).card()
    for _ in range(5):
        done = await answer(bot, card, key(memory_store, bank, card))
        card = done.log[-1]
    report = (await command(bot, "submit", confirm="yes")).text()  # the last answer opens the review screen
    assert "mock exam report" in report and "Pass estimate: " in report and "from 24 questions" in report
    assert "% chance of 720 or more; expected scaled score" in (await command(bot, "stats")).text()


async def test_drill_mix_runs_from_the_slash_command(bot):
    mixed = await command(bot, "drill", scope="mix")
    assert "MLA-C01 drill on the whole exam, at your level: 10 questions." in mixed.text()
    assert mixed.card().embed.title.startswith("Q 1/10")
