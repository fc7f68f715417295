"""A question's button still works after the bot and its service are rebuilt on the same database."""

from __future__ import annotations

import random

from adapters.discord import DiscordBot
from adapters.sql.engine import make_engine
from adapters.sql.store import SqlStore
from core.service import QuizService
from tests.adapters.discord import gateway
from tests.adapters.discord.fakes import ANN, answer, command


async def test_a_button_survives_a_restart(bank, clock, database_url, monkeypatch):
    engine = make_engine(database_url)
    before = DiscordBot(QuizService(bank, SqlStore(engine), clock=clock, rng=random.Random(3)))
    card = (await command(before, "drill", scope="4.1")).card()
    while card.menus():  # answer anything until a single-answer question shows
        menu = card.menus()[0].item
        picks = [0, 1] if menu.max_values == 2 else list(range(len(card.menus())))
        card = (await answer(before, card, picks)).card()
    sent = {"embeds": [card.embed.to_dict()], "components": card.view.to_components()}
    await engine.dispose()

    engine = make_engine(database_url)
    service = QuizService(bank, SqlStore(engine), clock=clock, rng=random.Random(4))
    after = DiscordBot(service)
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
