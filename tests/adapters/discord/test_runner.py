"""DiscordAdapter in the Runtime: start waits for the gateway's READY (or fails), stop closes the client,
and bot/bootstrap.py builds it, with the planner and rounds, when DISCORD_BOT_TOKEN is set."""

from __future__ import annotations

import asyncio

import discord
import pytest

from adapters.console.chat import ConsoleChat
from adapters.discord import DiscordAdapter
from bot.bootstrap import bootstrap, chat_adapters
from bot.config import Settings
from bot.runtime import Runtime
from core.exam.exams import Exams
from tests.adapters.discord import gateway
from tests.fakes import InMemoryPlanStore, InMemoryRoundStore


def offline(bot, monkeypatch, ready: bool = True, fail: asyncio.Event | None = None) -> gateway.Recorder:
    """REST through the recorder; a gateway that sends READY (or never does) and runs until closed, or until
    `fail` is set: then it fails as a fatal gateway error would (discord.py does not reconnect those)."""
    recorder = gateway.Recorder()
    recorder.install(bot, monkeypatch)

    async def connect(*, reconnect: bool = True) -> None:
        if ready:
            bot.dispatch("ready")
        while not bot.is_closed():
            if fail is not None and fail.is_set():
                raise discord.PrivilegedIntentsRequired(shard_id=None)
            await asyncio.sleep(0.01)

    monkeypatch.setattr(bot, "connect", connect)
    return recorder


async def test_start_returns_once_ready_and_stop_closes_the_client(bot, monkeypatch):
    recorder = offline(bot, monkeypatch)
    adapter = DiscordAdapter(bot, "test-token")
    assert adapter.prefix == "discord:"
    await adapter.start()
    assert bot.ready.is_set() and not bot.is_closed()
    assert [c.path for c in recorder.calls if c.method == "PUT"] == ["/applications/{application_id}/commands"]
    await adapter.stop()
    assert bot.is_closed()


async def test_a_wrong_token_fails_the_start(bot, monkeypatch):
    async def refuse(route, **kwargs):
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(bot.http, "request", refuse)
    with pytest.raises(discord.LoginFailure):
        await DiscordAdapter(bot, "wrong-token").start()
    assert bot.is_closed()


async def test_a_gateway_that_never_gets_ready_times_out(bot, monkeypatch):
    offline(bot, monkeypatch, ready=False)
    with pytest.raises(TimeoutError):
        await DiscordAdapter(bot, "test-token", ready_timeout=0.1).start()
    assert bot.is_closed()


async def test_the_runtime_starts_and_stops_the_adapter(bot, monkeypatch):
    offline(bot, monkeypatch)
    stop = asyncio.Event()
    stop.set()
    assert await Runtime(bot.service, [DiscordAdapter(bot, "test-token")], tick_seconds=60).run(stop) == 0
    assert bot.ready.is_set() and bot.is_closed()


async def test_a_fatal_gateway_error_after_ready_stops_the_process_with_an_error(bot, monkeypatch, caplog):
    fail = asyncio.Event()
    offline(bot, monkeypatch, fail=fail)
    other = DiscordAdapter(bot, "test-token")  # stands for a second chat adapter in the same process
    stopped = []
    monkeypatch.setattr(other, "start", lambda: asyncio.sleep(0))
    monkeypatch.setattr(other, "stop", lambda: asyncio.sleep(0, stopped.append("other")))
    runtime = Runtime(bot.service, [other, DiscordAdapter(bot, "test-token")], tick_seconds=60)
    run = asyncio.create_task(runtime.run(asyncio.Event()))  # no SIGTERM will come
    await asyncio.wait_for(bot.ready.wait(), 5)
    fail.set()
    assert await asyncio.wait_for(run, 5) == 1  # a supervisor sees the failure and restarts the bot
    assert stopped == ["other"] and bot.is_closed()
    assert "the Discord client stopped on its own" in caplog.text


def test_bootstrap_builds_the_discord_adapter_with_every_service(bank, memory_store, monkeypatch, tmp_path):
    for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "DISCORD_GUILD_ID"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(discord_bot_token="discord-secret", discord_guild_id="5005",
                        database_url=f"sqlite+aiosqlite:///{tmp_path}/unused.db")
    services = bootstrap(settings, exams=Exams.of(bank), store=memory_store, plan_store=InMemoryPlanStore(),
                         round_store=InMemoryRoundStore())
    [adapter] = chat_adapters(settings, services)
    assert isinstance(adapter, DiscordAdapter) and adapter.bot.guild_id == 5005
    assert (adapter.bot.service, adapter.bot.planner, adapter.bot.rounds) == (services.quiz, services.planner,
                                                                               services.rounds)
    [console] = chat_adapters(Settings(database_url=settings.database_url), services)  # no token: the console
    assert isinstance(console, ConsoleChat)
