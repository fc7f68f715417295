"""A question's button still works after the bot and its service are rebuilt on the same database."""

from __future__ import annotations

import random

from adapters.discord import DiscordBot
from adapters.sql.database import Database
from adapters.sql.plan_store import SqlPlanStore
from adapters.sql.round_store import SqlRoundStore
from adapters.sql.store import SqlStore
from core.dispatch import Dispatcher
from core.exam.exams import Exams
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.rounds.service import RoundService
from tests.adapters.discord import gateway
from tests.adapters.discord.fakes import ANN, answer, command


def sql_bot(bank, engine, clock, seed: int) -> DiscordBot:
    """A DiscordBot with every service on the database, as bot/bootstrap.py wires it."""
    service = QuizService(Exams.of(bank), SqlStore(engine), clock=clock, rng=random.Random(seed))
    rounds = RoundService(Exams.of(bank), SqlRoundStore(engine), clock=clock, rng=random.Random(seed))
    return DiscordBot(Dispatcher(service, PlanService(service, SqlPlanStore(engine), clock=clock), rounds))


async def test_a_button_survives_a_restart(bank, clock, database_url, monkeypatch):
    engine = Database(database_url)
    before = sql_bot(bank, engine, clock, 3)
    card = (await command(before, "drill", scope="4.1")).card()
    while card.menus():  # answer anything until a single-answer question shows
        menu = card.menus()[0].item
        picks = [0, 1] if menu.max_values == 2 else list(range(len(card.menus())))
        card = (await answer(before, card, picks)).card()
    sent = {"embeds": [card.embed.to_dict()], "components": card.view.to_components()}
    await engine.dispose()

    engine = Database(database_url)
    after = sql_bot(bank, engine, clock, 4)
    service = after.service
    recorder = gateway.Recorder()
    recorder.install(after, monkeypatch)
    await after.login("test-token")  # runs setup_hook, which registers the dynamic items
    try:
        number = int(card.embed.title.removeprefix("Q ").split("/")[0])
        gateway.dispatch(after, gateway.component(sent, card.buttons()["B"].custom_id))
        await gateway.settle()
        assert [e.body["content"] for e in recorder.edits()] == ["Your answer: B"]
        assert recorder.sent()[-1].body["embeds"][0]["title"] == f"Q {number + 1}/7"
        learner = await service.learner("discord", str(ANN))
        assert (await service.current(learner)).card.position == number  # the answer was recorded
    finally:
        await after.close()
        await engine.dispose()
