"""`python -m bot` with a Telegram token: runs against a local Bot API, keeps the token out of logs,
stops cleanly on SIGTERM; the runtime tick delivers a timed session's report nobody asked for; the
scheduler prunes old push claims."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from datetime import timedelta

from adapters.telegram.app import TelegramAdapter
from bot.runtime import Runtime
from core.exam.exams import Exams
from core.plan.engine import PushTarget
from core.plan.service import CLAIM_RETENTION, PlanService
from core.quiz.service import QuizService
from tests.adapters.telegram.conftest import build
from tests.adapters.telegram.standin import BotApiStandIn
from tests.bot.test_console import ROOT, bot_env
from tests.fakes import InMemoryPlanStore


async def test_telegram_bot_process_answers_and_stops_on_sigterm(tmp_path):
    standin = BotApiStandIn(token="4242:SECRET-token-never-logged")
    await standin.start()
    try:
        env = bot_env(tmp_path, TELEGRAM_BOT_TOKEN=standin.token, TELEGRAM_API_BASE_URL=standin.base_url,
                      LOG_LEVEL="DEBUG")
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=ROOT, env=env,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        # Read its output while it runs: DEBUG logs fill a pipe's 64 KB buffer, and a bot blocked writing its
        # log answers nothing (the command menu's growth, issue 17, crossed that line).
        output = asyncio.create_task(proc.communicate())
        standin.push({"message": {"message_id": 1, "date": 0, "text": "/quiz",
                                  "chat": {"id": 77, "type": "private"},
                                  "from": {"id": 77, "is_bot": False, "first_name": "A"},
                                  "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}})
        await standin.wait_for(lambda: standin.sent_texts(77), timeout=60)
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(output, 30)
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
        runtime = Runtime(service, [adapter], tick_seconds=3600)  # the 41 minutes below are no downtime
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


class _Quiet:
    """A chat adapter that receives what the scheduler sends and never ends on its own."""

    prefix = "quiet:"
    exit_code = 0

    def __init__(self) -> None:
        self.ended = asyncio.Event()
        self.delivered: list[str] = []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver(self, channel: str, reply) -> bool:
        self.delivered.append(reply.text)
        return True

    async def deliver_round(self, update) -> None: ...


async def test_the_scheduler_prunes_push_claims_past_their_retention(bank, memory_store, clock):
    plan_store = InMemoryPlanStore()
    service = QuizService(bank, memory_store, clock=clock)
    planner = PlanService(service, plan_store, clock=clock)
    target = PushTarget(channel="quiet:1", learner_id=None, paused=True)
    await plan_store.save_target(target)
    today = clock().date()
    for day in (today - CLAIM_RETENTION - timedelta(days=1), today):
        await plan_store.claim(target.channel, day, clock(), timedelta(minutes=2))
    stop = asyncio.Event()
    running = asyncio.ensure_future(Runtime(service, [_Quiet()], tick_seconds=3600, planner=planner).run(stop))
    try:
        async with asyncio.timeout(60):  # a safety net: the prune runs as the scheduler starts
            while len(plan_store.claims) > 1:
                await asyncio.sleep(0.01)
    finally:
        stop.set()
        assert await running == 0
    assert list(plan_store.claims) == [(target.channel, today)]
async def test_an_idle_scheduler_logs_nothing_and_a_busy_run_logs_one_line(bank, memory_store, clock, caplog):
    caplog.set_level(logging.INFO)
    service = QuizService(bank, memory_store, clock=clock)
    adapter = _Quiet()
    runtime = Runtime(service, [adapter], tick_seconds=0.05)
    stop = asyncio.Event()
    running = asyncio.create_task(runtime.run(stop))
    await asyncio.sleep(0.5)  # about ten idle runs
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO] == []
    await service.mock(await service.learner("quiet", "1"), channel="quiet:1")
    clock.advance(minutes=41)
    for _ in range(100):
        if adapter.delivered:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)  # a few more idle runs after the busy one
    stop.set()
    assert await running == 0
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert "⏰ Time is up for your MLA-C01 mock." in adapter.delivered[0]  # after the note on the jumped clock
    assert lines == ["scheduler run: 1 timed session expired", "stopping"]
