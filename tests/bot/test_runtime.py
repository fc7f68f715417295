"""`python -m bot` with a Telegram token: runs against a local Bot API, keeps the token out of logs,
stops cleanly on SIGTERM; the runtime tick delivers a timed session's report nobody asked for."""

from __future__ import annotations

import asyncio
import signal
import sys

from adapters.telegram.app import TelegramAdapter
from bot.runtime import Runtime
from core.exam.exams import Exams
from core.quiz.service import QuizService
from tests.adapters.telegram.conftest import build
from tests.adapters.telegram.standin import BotApiStandIn
from tests.bot.test_console import ROOT, bot_env


async def test_telegram_bot_process_answers_and_stops_on_sigterm(tmp_path):
    standin = BotApiStandIn(token="4242:SECRET-token-never-logged")
    await standin.start()
    try:
        env = bot_env(tmp_path, TELEGRAM_BOT_TOKEN=standin.token, TELEGRAM_API_BASE_URL=standin.base_url,
                      LOG_LEVEL="DEBUG")
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=ROOT, env=env,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        standin.push({"message": {"message_id": 1, "date": 0, "text": "/quiz",
                                  "chat": {"id": 77, "type": "private"},
                                  "from": {"id": 77, "is_bot": False, "first_name": "A"},
                                  "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}})
        await standin.wait_for(lambda: standin.sent_texts(77), timeout=60)
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        await standin.stop()
    assert proc.returncode == 0, err.decode()[-2000:]
    assert "Quick question" in standin.sent_texts(77)[0]
    logs = (out + err).decode()
    assert "getUpdates" in logs  # DEBUG logging really ran, request lines included
    assert standin.token not in logs and "SECRET-token" not in logs


async def test_runtime_tick_delivers_expired_reports_to_their_chat(bank, memory_store, clock):
    standin = BotApiStandIn()
    await standin.start()
    service = QuizService(Exams.of(bank), memory_store, clock=clock)
    adapter = TelegramAdapter(build(standin, service, clock))
    await adapter.app.initialize()
    try:
        learner = await service.learner("telegram", "88")
        await service.mock(learner, channel="telegram:88")
        await service.mock(await service.learner("console", "x"), channel=None)  # nowhere to send: skipped
        runtime = Runtime(service, [adapter])
        await runtime.tick()
        assert standin.sent_texts(88) == []
        clock.advance(minutes=41)
        await runtime.tick()
        assert standin.sent_texts(88)[0].startswith("⏰ Time is up for your MLA-C01 mock.")
        await runtime.tick()
        assert len(standin.sent_texts(88)) == 1
    finally:
        await adapter.app.shutdown()
        await standin.stop()
