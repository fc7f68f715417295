"""SIGTERM drains, with a real `python -m bot` process: an update being handled when the signal arrives is
finished (its reply goes out) before the process exits 0. The same run checks the ops wiring end to end:
OPS_PORT serves /healthz, LOG_FORMAT=json writes only JSON lines, and the token appears in none of them."""

from __future__ import annotations

import asyncio
import json
import signal
import sys

import aiohttp

from adapters.telegram.codec import encode
from tests.adapters.ops.test_server import closed_port, sample
from tests.adapters.telegram.standin import BotApiStandIn
from tests.bot.test_console import ROOT, bot_env

HELD = 2.0  # seconds the stand-in holds the first call of the update, with SIGTERM sent meanwhile


class SlowBotApi(BotApiStandIn):
    """Holds answerCallbackQuery for HELD seconds, as a slow Bot API would, and says when it arrived."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.arrived = asyncio.Event()

    async def api_answerCallbackQuery(self, params):
        self.arrived.set()
        await asyncio.sleep(HELD)
        return await super().api_answerCallbackQuery(params)


def tap(data: str) -> dict:
    """A tap on a button of an earlier message: answerCallbackQuery first, then the command, then its reply."""
    chat = {"id": 77, "type": "private"}
    user = {"id": 77, "is_bot": False, "first_name": "A"}
    return {"callback_query": {"id": "1", "from": user, "chat_instance": "ci", "data": data,
                               "message": {"message_id": 5, "date": 0, "chat": chat, "text": "menu"}}}


async def test_sigterm_finishes_the_update_in_flight_then_exits_zero(tmp_path, bank_dir):
    standin = SlowBotApi(token="4242:SECRET-token-never-logged")
    await standin.start()
    ops_port = closed_port()
    try:
        env = bot_env(tmp_path, TELEGRAM_BOT_TOKEN=standin.token, TELEGRAM_API_BASE_URL=standin.base_url,
                      QUESTIONS_DIR=str(bank_dir.parent), OPS_PORT=str(ops_port), LOG_FORMAT="json", LOG_LEVEL="DEBUG")
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=ROOT, env=env,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        # Read the DEBUG log as it comes: a full pipe would block the bot's writes, and the bot with them.
        drained = asyncio.ensure_future(asyncio.gather(proc.stdout.read(), proc.stderr.read()))
        try:
            await standin.wait_for(lambda: standin.calls_to("getUpdates"), timeout=60)
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
                async with http.get(f"http://127.0.0.1:{ops_port}/healthz") as response:
                    assert response.status == 200, await response.text()
                standin.push(tap(encode("c", value="quiz")))
                await asyncio.wait_for(standin.arrived.wait(), 30)
                proc.send_signal(signal.SIGTERM)  # the update is mid-way: its reply is not sent yet
                await asyncio.sleep(0.3)
                async with http.get(f"http://127.0.0.1:{ops_port}/healthz") as response:
                    assert response.status == 503 and (await response.json())["status"] == "draining"
                async with http.get(f"http://127.0.0.1:{ops_port}/metrics") as response:
                    assert sample(await response.text(), "mla_updates_in_flight", platform="telegram") == 1
            assert standin.sent_texts(77) == []
            await asyncio.wait_for(proc.wait(), 60)
            out, err = await drained
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    finally:
        await standin.stop()
    logs = err.decode()
    assert proc.returncode == 0, logs[-3000:]
    assert any("Quick question" in text for text in standin.sent_texts(77))  # finished after SIGTERM
    records = [json.loads(line) for line in logs.splitlines()]  # every line is one JSON object
    assert any(r["message"] == "stopping" for r in records)
    assert not any(r["level"] in ("ERROR", "CRITICAL") for r in records), logs[-3000:]
    assert "getUpdates" in logs  # DEBUG request lines were written, masked
    assert standin.token not in logs + out.decode() and "SECRET-token" not in logs
