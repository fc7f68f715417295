"""The ops wiring in one process: the real Telegram adapter polling a local Bot API stand-in, the runtime and
the ops server built as `python -m bot` builds them. A handled update moves the update counter and the
latency histogram, a 429 from the Bot API is counted, and /healthz names the database and Telegram."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from adapters.ops.metrics import Metrics
from adapters.telegram.app import TelegramAdapter
from bot.bootstrap import bootstrap, chat_adapters
from bot.config import Settings
from bot.ops import ops_server
from bot.runtime import Runtime
from tests.adapters.ops.test_server import sample
from tests.adapters.telegram.standin import BotApiStandIn

QUIZ = {"message": {"message_id": 1, "date": 0, "text": "/quiz", "chat": {"id": 77, "type": "private"},
                    "from": {"id": 77, "is_bot": False, "first_name": "A"},
                    "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}


@pytest.fixture
async def running(tmp_path, bank, monkeypatch):
    """A Runtime serving Telegram (polling the stand-in) with OPS_PORT set; yields (stand-in, ops server)."""
    from adapters.sql.database import migrate

    standin = BotApiStandIn()
    await standin.start()
    url = f"sqlite+aiosqlite:///{tmp_path}/mla.db"
    await asyncio.to_thread(migrate, url)
    settings = Settings(database_url=url, telegram_bot_token=standin.token, telegram_api_base_url=standin.base_url,
                        ops_port=0)
    metrics = Metrics()
    services = bootstrap(settings, exams=bank, on_database_error=metrics.database_error)
    adapters = chat_adapters(settings, services, metrics)
    assert isinstance(adapters[0], TelegramAdapter)
    ops = ops_server(settings, services, adapters, metrics)
    stop = asyncio.Event()
    runtime = Runtime(services.quiz, adapters, planner=services.planner, rounds=services.rounds, ops=ops,
                      pushed=metrics.pushed, tick_seconds=3600)
    task = asyncio.create_task(runtime.run(stop))
    try:
        await standin.wait_for(lambda: standin.calls_to("getUpdates"), timeout=30)
        yield standin, ops
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0
        await services.database.dispose()
        await standin.stop()


async def fetch(ops, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{ops.port}{path}") as response:
        return response.status, await response.text()


async def test_a_handled_update_moves_the_counter_and_the_latency_histogram(running):
    standin, ops = running
    _, before = await fetch(ops, "/metrics")
    assert sample(before, "mla_updates_handled_total", platform="telegram") == 0
    standin.push(QUIZ)
    await standin.wait_for(lambda: standin.sent_texts(77), timeout=30)
    await standin.wait_for(lambda: ops.metrics.updates.labels("telegram")._value.get() == 1)
    status, body = await fetch(ops, "/metrics")
    assert status == 200
    assert sample(body, "mla_updates_handled_total", platform="telegram") == 1
    assert sample(body, "mla_update_duration_seconds_count", platform="telegram") == 1
    assert sample(body, "mla_update_duration_seconds_sum", platform="telegram") > 0
    assert sample(body, "mla_updates_in_flight", platform="telegram") == 0
    assert sample(body, "mla_sessions_active") == 1  # the quick question's session is open
    assert sample(body, "mla_rate_limited_total", platform="telegram") == 0


async def test_a_429_from_the_bot_api_is_counted_and_the_reply_still_goes_out(running):
    standin, ops = running
    standin.fail_next.append(("sendMessage", 429, {"description": "Too Many Requests", "retry_after": 1}))
    standin.push(QUIZ)
    await standin.wait_for(lambda: standin.sent_texts(77), timeout=30)
    _, body = await fetch(ops, "/metrics")
    assert sample(body, "mla_rate_limited_total", platform="telegram") == 1


async def test_healthz_names_the_database_and_telegram(running):
    _, ops = running
    status, body = await fetch(ops, "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "telegram": "ok"}}
