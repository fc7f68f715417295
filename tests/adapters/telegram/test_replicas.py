"""Two replicas on one PostgreSQL database, each the real PTB Application wired by bot/bootstrap.py: a chat's
updates take turns across them, a duplicated update is applied once, /forget in one does not break the other,
one replica registers the webhook, and a push or a round's deadline is handled by one of them."""

from __future__ import annotations

import asyncio
import itertools
import random
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import aiohttp
import asyncpg
import pytest
from sqlalchemy.engine import make_url
from telegram import Update

from adapters.sql.database import migrate
from adapters.telegram.app import TelegramAdapter, build_application, webhook_secret
from bot.bootstrap import Services, bootstrap
from bot.config import Settings
from core.dispatch import Dispatcher
from core.exam.exams import Exams
from core.lockmap import LocalTurns
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.reply import FAILED
from core.rounds.engine import Reason
from tests.adapters.telegram.standin import BotApiStandIn
from tests.core.test_plan import Outbox
from tests.fakes import InMemoryPlanStore, InMemoryStore

CHAT = 501
PATIENCE = 30.0  # seconds: a safety net against a hang, never what a pass depends on


class GatedStandIn(BotApiStandIn):
    """The stand-in, where the test can hold every sendMessage until it opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.gate.set()
        self.holding = asyncio.Event()  # set once a send waits at the closed gate

    async def api_sendMessage(self, params):
        if not self.gate.is_set():
            self.holding.set()
            await self.gate.wait()
        return await super().api_sendMessage(params)


class Replica:
    """One process's worth of the bot: its own services, database pools and Application."""

    def __init__(self, standin: BotApiStandIn, url: str, bank, clock, seed: int) -> None:
        self.services: Services = bootstrap(Settings(database_url=url), exams=bank, clock=clock,
                                            rng=random.Random(seed))
        self.app = build_application(standin.token, self.services.dispatcher, base_url=standin.base_url,
                                     turns=self.services.turns)

    async def deliver(self, raw: dict) -> None:
        """Handle an update as the webhook would hand it over: through the per-chat update processor."""
        update = Update.de_json(raw, self.app.bot)
        await self.app.update_processor.process_update(update, self.app.process_update(update))

    async def close(self) -> None:
        await self.app.shutdown()
        await self.services.turns.dispose()
        assert self.services.database is not None
        await self.services.database.dispose()


_ids = itertools.count(1000)


def message(text: str, chat: int = CHAT, update_id: int | None = None) -> dict:
    raw = {"message_id": next(_ids), "date": int(time.time()), "chat": {"id": chat, "type": "private"},
           "from": {"id": chat, "is_bot": False, "first_name": f"U{chat}"}, "text": text}
    if text.startswith("/"):
        raw["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id or next(_ids), "message": raw}


def cards(standin: BotApiStandIn, chat: int = CHAT) -> list[dict]:
    """The question cards sent to the chat (the messages with answer buttons)."""
    return [p for p in standin.delivered if int(p["chat_id"]) == chat and "question</b>" in p["text"]
            and p.get("reply_markup")]


@pytest.fixture
def pg_url(empty_postgres_url):
    migrate(empty_postgres_url)
    return empty_postgres_url


@pytest.fixture
async def gated():
    server = GatedStandIn()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def replicas(gated, pg_url, bank, clock):
    pair = [Replica(gated, pg_url, bank, clock, seed) for seed in (1, 2)]
    for replica in pair:
        await replica.app.initialize()
    yield pair
    for replica in pair:
        await replica.close()


async def _waiting_turns(url: str) -> int:
    """Advisory locks some session waits for in this test's database (a replica waiting for a chat's turn)."""
    parsed = make_url(url)
    conn = await asyncpg.connect(user=parsed.username, host=parsed.host, port=parsed.port, database=parsed.database)
    try:
        return await conn.fetchval("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                                   "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1",
                                   parsed.database)
    finally:
        await conn.close()


async def until(condition, what: str) -> None:
    """Wait for a condition another task or process brings about (checked every 10 ms; PATIENCE at most)."""
    deadline = time.monotonic() + PATIENCE
    while not await condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


async def test_one_chats_updates_take_turns_across_replicas(replicas, gated, pg_url):
    first, second = replicas
    gated.gate.clear()
    quiz = asyncio.create_task(first.deliver(message("/quiz")))
    await asyncio.wait_for(gated.holding.wait(), PATIENCE)  # the first replica is mid-update, holding the turn
    question = asyncio.create_task(second.deliver(message("/question")))

    async def second_waits() -> bool:
        return await _waiting_turns(pg_url) == 1
    await until(second_waits, "the second replica to wait for the chat's turn")
    assert not question.done() and not gated.delivered  # it applied nothing while the first one had the turn

    gated.gate.set()
    await asyncio.wait_for(asyncio.gather(quiz, question), PATIENCE)
    shown = cards(gated)
    assert len(shown) == 2  # /quiz's card, then /question showing that same card: in the order they came
    assert shown[0]["text"] == shown[1]["text"]


async def test_an_update_delivered_to_both_replicas_is_applied_once(replicas, gated):
    raw = message("/quiz", update_id=424242)
    await asyncio.wait_for(asyncio.gather(*(replica.deliver(raw) for replica in replicas)), PATIENCE)
    assert len(cards(gated)) == 1
    quiz = replicas[0].services.quiz
    learner = await quiz.learner("telegram", str(CHAT))
    assert len([s for s in [await quiz.store.latest_session(learner)] if s is not None]) == 1
    await replicas[1].deliver(raw)  # delivered again later, to either: still nothing
    assert len(cards(gated)) == 1


async def test_forget_in_one_replica_then_quiz_and_start_in_the_other(replicas, gated):
    first, second = replicas
    await first.deliver(message("/start"))
    before = await first.services.quiz.learner("telegram", str(CHAT))
    await second.deliver(message("/forget yes"))
    assert any("erased" in text for text in gated.sent_texts(CHAT))
    await first.deliver(message("/quiz"))
    assert len(cards(gated)) == 1  # a question, not a foreign-key error on the erased learner
    await first.deliver(message("/start"))
    assert gated.sent_texts(CHAT)[-1] != gated.sent_texts(CHAT)[-2]  # the welcome came
    assert await first.services.quiz.learner("telegram", str(CHAT)) != before


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_one_replica_registers_the_webhook_and_menus_and_both_serve(gated, pg_url, bank, clock):
    ports = [_free_port(), _free_port()]
    pair = [Replica(gated, pg_url, bank, clock, seed) for seed in (1, 2)]
    adapters = [TelegramAdapter(r.app, webhook_url="https://bot.example/telegram", webhook_port=port,
                                webhook_listen="127.0.0.1", turns=r.services.turns)
                for r, port in zip(pair, ports, strict=True)]
    try:
        await asyncio.gather(*(adapter.start() for adapter in adapters))
        assert len(gated.calls_to("setWebhook")) == 1
        assert len(gated.calls_to("setMyCommands")) == 2  # the private menu and the group menu, once each
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook_secret(gated.token)}
        async with aiohttp.ClientSession() as http:
            for n, port in enumerate(ports):  # each replica takes updates from the proxy
                raw = message("/quiz", chat=CHAT + n)
                async with http.post(f"http://127.0.0.1:{port}/telegram", json=raw, headers=headers) as response:
                    assert response.status == 200
        await gated.wait_for(lambda: all(cards(gated, CHAT + n) for n in range(2)), PATIENCE)
    finally:
        for adapter in adapters:
            await adapter.stop()
        for replica in pair:
            await replica.services.turns.dispose()
            assert replica.services.database is not None
            await replica.services.database.dispose()


async def test_a_due_push_goes_out_once_with_two_schedulers(replicas, clock):
    first, second = replicas
    clock.now = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    for n in range(20):
        learner = await first.services.quiz.learner("telegram", str(n + 1))
        await first.services.planner.target(f"telegram:{n + 1}", learner)
    clock.now = datetime(2026, 11, 28, 9, 1, tzinfo=UTC)  # everyone is due
    outboxes = [Outbox(), Outbox()]
    sent = await asyncio.gather(first.services.planner.run_pushes(outboxes[0]),
                                second.services.planner.run_pushes(outboxes[1]))
    channels = [c for box in outboxes for c, _ in box.sent]
    assert sum(sent) == 20 and sorted(channels) == sorted(f"telegram:{n + 1}" for n in range(20))


async def test_a_rounds_deadline_advances_it_once_with_two_schedulers(replicas, clock):
    first, second = replicas
    group = "telegram:-100500"
    started = await first.services.rounds.start(group, 7, "Ann", [])
    assert started.card is not None
    clock.advance(seconds=3600)  # the first question's deadline has passed
    updates = await asyncio.gather(first.services.rounds.due(), second.services.rounds.due())
    assert sum(len(u) for u in updates) == 1
    rnd = await first.services.rounds.store.live_round(group)
    assert rnd is not None and rnd.position == 1 and len(rnd.questions) == 2


async def test_a_step_another_replica_took_first_is_not_stored_twice(replicas, clock):
    """The compare-and-set itself, with no timing in it: the second replica closes a question from a copy
    of the round it read before the first replica closed it."""
    first, second = replicas
    group = "telegram:-100501"
    await first.services.rounds.start(group, 7, "Ann", [])
    stale = await second.services.rounds.store.live_round(group)
    clock.advance(seconds=3600)
    assert len(await first.services.rounds.due()) == 1
    assert stale is not None
    rounds = second.services.rounds
    assert await rounds._close(stale, Reason.TIME) is None
    rnd = await rounds.store.live_round(group)
    assert rnd is not None and rnd.position == 1 and len(rnd.questions) == 2



async def test_a_timed_session_that_ran_out_is_reported_once_with_two_schedulers(replicas, clock):
    first, second = replicas
    learner = await first.services.quiz.learner("telegram", str(CHAT))
    assert not (await first.services.quiz.mock(learner, 5, f"telegram:{CHAT}")).refused
    stale = await second.services.quiz.store.active_session(learner)
    clock.advance(hours=3)  # past the mock's deadline
    reports = await asyncio.gather(first.services.quiz.expire_due(), second.services.quiz.expire_due())
    assert sum(len(r) for r in reports) == 1
    assert stale is not None and await second.services.quiz._expire(stale) is None  # the step taken already


async def test_a_push_waits_for_its_chats_turn_in_another_replica(replicas, gated, pg_url, clock):
    """A push may open a session; it takes the chat's turn, so it never races the learner's own update."""
    first, second = replicas
    clock.now = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    await first.deliver(message("/start"))  # the learner's push target, due tomorrow at 09:00
    clock.now = datetime(2026, 11, 28, 9, 1, tzinfo=UTC)
    gated.gate.clear()
    quiz = asyncio.create_task(first.deliver(message("/quiz")))
    await asyncio.wait_for(gated.holding.wait(), PATIENCE)
    outbox = Outbox()
    push = asyncio.create_task(second.services.planner.run_pushes(outbox))

    async def push_waits() -> bool:
        return await _waiting_turns(pg_url) == 1
    await until(push_waits, "the push to wait for the chat's turn")
    assert not outbox.sent
    gated.gate.set()
    assert await asyncio.wait_for(push, PATIENCE) == 1
    await asyncio.wait_for(quiz, PATIENCE)
    assert [channel for channel, _ in outbox.sent] == [f"telegram:{CHAT}"]


class UnreachableTurns(LocalTurns):
    """Turns whose database cannot be reached."""

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        raise ConnectionRefusedError("the database is down")
        yield  # pragma: no cover  # makes this a generator, as asynccontextmanager needs


async def test_an_update_without_its_turn_is_not_applied_and_the_learner_is_told(gated, bank, clock, caplog):
    store = InMemoryStore()
    quiz = QuizService(Exams.of(bank), store, clock=clock, rng=random.Random(3))
    dispatcher = Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock))
    app = build_application(gated.token, dispatcher, base_url=gated.base_url, turns=UnreachableTurns())
    await app.initialize()
    try:
        update = Update.de_json(message("/quiz"), app.bot)
        await app.update_processor.process_update(update, app.process_update(update))
    finally:
        await app.shutdown()
    assert not store.sessions  # nothing applied unserialised
    assert [m["text"] for m in gated.delivered] == [FAILED]  # and the learner is told, as after any failure
    assert "turn could not be taken" in caplog.text
