"""Shards, end to end through discord.py's real gateway client and a local gateway stand-in: a process
identifies once per shard it runs, with [shard_id, shard_count], and answers interactions from each; two
processes that split the shards share every round and session through the stores; unset, the bot keeps
one connection with no shard; and bot/bootstrap.py builds what DISCORD_SHARD_COUNT and _IDS say."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from adapters.discord import DiscordAdapter, DiscordBot, ShardedDiscordBot
from bot.bootstrap import bootstrap, chat_adapters
from bot.config import Settings
from core.dispatch import Dispatcher
from core.exam.exams import Exams
from tests.adapters.discord import gateway
from tests.adapters.discord.fakes import ANN, BOB, BOT_CAN_POST, CHANNEL, CY, GUILD
from tests.adapters.discord.standin import GatewayStandIn, shard_of
from tests.fakes import InMemoryPlanStore, InMemoryRoundStore

TOKEN = "test-token"
PATIENCE = 10  # seconds: a safety net against a hung client, never what a pass depends on


@pytest.fixture
async def standin(monkeypatch):
    """The gateway stand-in, where discord.py connects when it is given a shard count (or no sharding)."""
    server = GatewayStandIn()
    await server.start()
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.url))
    yield server
    await server.stop()


@pytest.fixture
def dispatcher(service, planner, round_service) -> Dispatcher:
    """One set of services over one set of stores: what processes sharing a database share."""
    return Dispatcher(service, planner, round_service)


async def no_pause(shard_id: int | None, *, initial: bool = False) -> None:
    """Discord takes one IDENTIFY per 5 s, so discord.py waits that long before each shard after the first;
    the stand-in has no such limit."""


def process(cls: type[DiscordBot], dispatcher: Dispatcher, recorder: gateway.Recorder, monkeypatch,
            handled: list[str] | None = None, name: str = "", **options: Any) -> DiscordAdapter:
    """A bot process's Discord adapter: REST through `recorder`, the gateway through the stand-in; each
    interaction it handles is noted as `name` in `handled`."""
    note = (lambda seconds: handled.append(name)) if handled is not None else None
    bot = cls(dispatcher, handled=note, guild_ready_timeout=0, **options)  # READY lists no guild to wait for
    recorder.install(bot, monkeypatch)
    monkeypatch.setattr(bot, "before_identify_hook", no_pause)
    return DiscordAdapter(bot, TOKEN, ready_timeout=PATIENCE)


def in_guild(payload: dict[str, Any], guild_id: int) -> dict[str, Any]:
    """The same interaction from another server."""
    payload["guild_id"] = payload["channel"]["guild_id"] = str(guild_id)
    payload["authorizing_integration_owners"] = {"0": str(guild_id)}
    return payload


def guild_on(shard: int) -> int:
    """A server id whose events Discord sends to `shard`, whatever the shard count above it."""
    return (shard << 22) | GUILD


async def until(done: Callable[[], Any]) -> None:
    """Wait until the bot has acted on a frame (it crosses a real socket first), then for what it spawned."""
    async with asyncio.timeout(PATIENCE):
        while not done():
            await asyncio.sleep(0.01)
    await gateway.settle()


def cards(recorder: gateway.Recorder) -> list[str]:
    """The titles of the embeds the learners were sent."""
    return [e["title"] for c in recorder.sent() for e in (c.body.get("embeds") or [])]


async def test_a_process_identifies_once_per_shard_it_runs_and_answers_on_each(standin, dispatcher, memory_store,
                                                                              monkeypatch):
    recorder = gateway.Recorder()
    handled: list[str] = []
    adapter = process(ShardedDiscordBot, dispatcher, recorder, monkeypatch, handled, shard_count=4, shard_ids=[1, 3])
    await adapter.start()
    try:
        assert [i["shard"] for i in standin.identified] == [[1, 4], [3, 4]]
        assert {(i["token"], i["intents"]) for i in standin.identified} == {(TOKEN, discord.Intents(guilds=True).value)}
        assert standin.connected() == [1, 3] and await adapter.connected()
        for shard, learner in ((1, ANN), (3, BOB)):
            assert shard_of(guild_on(shard), 4) == shard
            await standin.send(in_guild(gateway.interaction(2, {"id": "1", "name": "quiz", "type": 1},
                                                            user_id=learner), guild_on(shard)))
        await until(lambda: len(cards(recorder)) == 2)
        assert len(handled) == 2 and len(recorder.responses()) == 2  # one deferral each
        assert cards(recorder) == ["Quick question", "Quick question"]
        assert {s.channel for s in memory_store.sessions.values()} == {f"discord:user:{ANN}", f"discord:user:{BOB}"}
    finally:
        await adapter.stop()
    assert standin.connected() == [] and len(standin.identified) == 2  # no shard identified twice


async def test_two_processes_splitting_the_shards_share_a_round_whichever_receives_its_events(
        standin, dispatcher, round_service, monkeypatch):
    recorder = gateway.Recorder()
    handled: list[str] = []
    first = process(ShardedDiscordBot, dispatcher, recorder, monkeypatch, handled, "first", shard_count=2,
                    shard_ids=[0])
    second = process(ShardedDiscordBot, dispatcher, recorder, monkeypatch, handled, "second", shard_count=2,
                     shard_ids=[1])
    await first.start()
    await second.start()
    try:
        assert [i["shard"] for i in standin.identified] == [[0, 2], [1, 2]]
        round_service.rng = random.Random(1)  # a single-answer question first
        assert shard_of(GUILD, 2) == 0  # the round's server is on the first process's shard
        await standin.send(gateway.slash("round", questions=2) | {"app_permissions": str(BOT_CAN_POST.value)})
        await until(lambda: posted(recorder))
        [post] = posted(recorder)
        rnd = await round_service.store.live_round(f"discord:{CHANNEL}")
        answers = post.body["components"][0]["components"]
        for count, (who, button, shard) in enumerate(((BOB, answers[1], 1), (CY, answers[0], 0)), start=1):
            tap = gateway.component(post.body, button["custom_id"], user_id=who)
            tap["message"]["id"] = rnd.questions[0].message_ref  # the message the bot posted
            await standin.send(tap, shard=shard)
            await until(lambda n=count: len(recorder.edits()) == n)  # this tap's count is edited in
        assert handled == ["first", "second", "first"]  # /round, Bob's tap, Cy's tap
        assert "👥 2 answered" in recorder.edits()[-1].body["embeds"][0]["description"]  # one count, both taps
        standings = await round_service.store.answers_since(f"discord:{CHANNEL}", rnd.started_at)
        assert sorted(a.name for a in standings) == [f"learner{BOB}", f"learner{CY}"]
    finally:
        await second.stop()
        await first.stop()


def posted(recorder: gateway.Recorder) -> list[gateway.Call]:
    return [c for c in recorder.calls if (c.method, c.path) == ("POST", "/channels/{channel_id}/messages")]


async def test_auto_takes_discords_recommended_shard_count_and_runs_them_all(standin, dispatcher, monkeypatch):
    recorder = gateway.Recorder(gateway_url=standin.url, recommended_shards=2)
    adapter = process(ShardedDiscordBot, dispatcher, recorder, monkeypatch, shard_count=None)
    await adapter.start()
    try:
        assert [i["shard"] for i in standin.identified] == [[0, 2], [1, 2]]
        assert ("GET", "/gateway/bot") in [(c.method, c.path) for c in recorder.calls]
    finally:
        await adapter.stop()


async def test_unsharded_the_bot_keeps_one_connection_and_names_no_shard(standin, dispatcher, monkeypatch):
    recorder = gateway.Recorder()
    adapter = process(DiscordBot, dispatcher, recorder, monkeypatch)
    assert not isinstance(adapter.bot, discord.AutoShardedClient)
    await adapter.start()
    try:
        [identify] = standin.identified
        assert "shard" not in identify
        await standin.send(gateway.slash("quiz"))
        await until(lambda: cards(recorder) == ["Quick question"])
    finally:
        await adapter.stop()


def discord_bot(bank, memory_store, tmp_path, **env: str) -> DiscordBot:
    settings = Settings(discord_bot_token="discord-secret", database_url=f"sqlite+aiosqlite:///{tmp_path}/unused.db",
                        **env)
    services = bootstrap(settings, exams=Exams.of(bank), store=memory_store, plan_store=InMemoryPlanStore(),
                         round_store=InMemoryRoundStore())
    [adapter] = chat_adapters(settings, services)
    return adapter.bot


@pytest.mark.parametrize(("env", "count", "ids"), [
    ({"discord_shard_count": "4", "discord_shard_ids": "3, 1"}, 4, [1, 3]),
    ({"discord_shard_count": "2"}, 2, None),  # every shard in this process
    ({"discord_shard_count": "auto"}, None, None),  # asks Discord how many at start
])
def test_bootstrap_builds_a_sharded_bot_from_the_settings(bank, memory_store, tmp_path, monkeypatch, env, count, ids):
    for name in ("DISCORD_SHARD_COUNT", "DISCORD_SHARD_IDS"):
        monkeypatch.delenv(name, raising=False)
    bot = discord_bot(bank, memory_store, tmp_path, **env)
    assert isinstance(bot, ShardedDiscordBot) and (bot.shard_count, bot.shard_ids) == (count, ids)


def test_unset_or_blank_bootstrap_builds_the_unsharded_bot(bank, memory_store, tmp_path, monkeypatch):
    monkeypatch.setenv("DISCORD_SHARD_COUNT", " ")
    monkeypatch.setenv("DISCORD_SHARD_IDS", "")
    assert type(discord_bot(bank, memory_store, tmp_path)) is DiscordBot


@pytest.mark.parametrize(("env", "setting", "reason"), [
    ({"DISCORD_SHARD_IDS": "0"}, "discord_shard_ids", "needs DISCORD_SHARD_COUNT set to a number"),
    ({"DISCORD_SHARD_COUNT": "auto", "DISCORD_SHARD_IDS": "0"}, "discord_shard_ids", "needs DISCORD_SHARD_COUNT"),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "1,2"}, "discord_shard_ids", "from 0 to 1"),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "1,1"}, "discord_shard_ids", "distinct"),
    ({"DISCORD_SHARD_COUNT": "0"}, "discord_shard_count", "1 or more"),
    ({"DISCORD_SHARD_COUNT": "many"}, "discord_shard_count", "or auto"),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "one"}, "discord_shard_ids", "valid integer"),
])
def test_a_malformed_shard_setting_is_named_with_its_reason(monkeypatch, env, setting, reason):
    for name in ("DISCORD_SHARD_COUNT", "DISCORD_SHARD_IDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError) as caught:
        Settings()
    [error] = caught.value.errors()
    assert error["loc"][0] == setting and reason in error["msg"]
