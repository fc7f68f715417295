"""A Telegram world for tests: the stand-in Bot API, the real PTB Application, and a fake user."""

from __future__ import annotations

import itertools
import random
import time

import pytest
from telegram import Update

from adapters.telegram.app import build_application
from core.dispatch import Dispatcher
from core.exam.exams import Exams
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.rounds.service import RoundService
from tests.adapters.telegram.standin import BotApiStandIn, parse_html
from tests.fakes import InMemoryPlanStore


class Chat:
    """A learner (or a group member) typing and tapping, as Telegram would deliver it."""

    def __init__(self, world: World, user_id: int, chat_id: int | None = None) -> None:
        self.world, self.user_id = world, user_id
        self.chat_id = chat_id if chat_id is not None else user_id
        self._ids = itertools.count(1)

    def _user(self) -> dict:
        return {"id": self.user_id, "is_bot": False, "first_name": f"U{self.user_id}"}

    def _chat(self) -> dict:
        kind = "private" if self.chat_id > 0 else "supergroup"
        return {"id": self.chat_id, "type": kind, **({"title": "Study group"} if kind != "private" else {})}

    def message(self, text: str) -> dict:
        raw = {"message_id": next(self._ids), "date": int(time.time()), "chat": self._chat(),
               "from": self._user(), "text": text}
        if text.startswith("/"):
            raw["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"message": raw}

    def tap(self, data: str, message: dict | None = None) -> dict:
        message = message or {"message_id": 1, "date": int(time.time()), "chat": self._chat(), "text": "x"}
        message = {**message, "chat": self._chat(), "date": int(time.time())}
        return {"callback_query": {"id": str(next(self._ids)), "from": self._user(), "chat_instance": "ci",
                                   "data": data, "message": message}}

    async def say(self, text: str) -> None:
        await self.world.deliver(self.message(text))

    async def press(self, label: str) -> str:
        """Tap the button labelled `label` on the newest message in this chat that has it."""
        message, data = self.world.button(self.chat_id, label)
        await self.world.deliver(self.tap(data, message))
        return data


class World:
    def __init__(self, standin: BotApiStandIn, app, service: QuizService) -> None:
        self.standin, self.app, self.service = standin, app, service
        self._update_ids = itertools.count(1)
        self.settle_counts = True  # deliver() waits for the live count it caused to be drawn

    async def deliver(self, update: dict, update_id: int | None = None) -> None:
        """Handle the update, then let a round's live count (drawn in the background) reach the stand-in."""
        raw = {"update_id": update_id or next(self._update_ids), **update}
        await self.app.process_update(Update.de_json(raw, self.app.bot))
        if self.settle_counts:
            await self.counts_drawn()

    async def counts_drawn(self) -> None:
        if self.app.bot_data.round_delivery is not None:  # a world without rounds draws no counts
            await self.app.bot_data.round_delivery.settle()

    def texts(self, chat_id: int) -> list[str]:
        """What was sent to the chat, message by message, as first sent."""
        return self.standin.sent_texts(chat_id)

    def shown(self, chat_id: int) -> list[str]:
        """The chat's messages as they read now, after every edit (a verdict is edited under its question)."""
        return [parse_html(m["text"])[1] for (chat, _), m in self.standin.messages.items() if chat == chat_id]

    def button(self, chat_id: int, label: str) -> tuple[dict, str]:
        for (chat, _), message in reversed(self.standin.messages.items()):
            if chat != chat_id:
                continue
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for b in row:
                    if b["text"] == label:
                        return message, b["callback_data"]
        raise AssertionError(f"no button {label!r} in chat {chat_id}")

    def last_card(self, chat_id: int) -> str:
        for (chat, _), message in reversed(self.standin.messages.items()):
            if chat == chat_id and message.get("reply_markup"):
                return parse_html(message["text"])[1]
        raise AssertionError("no card")


@pytest.fixture
async def standin():
    server = BotApiStandIn()
    await server.start()
    yield server
    await server.stop()


def build(standin: BotApiStandIn, service: QuizService, clock, rounds: RoundService | None = None):
    """The real Application on the given quiz service, with an in-memory plan store."""
    planner = PlanService(service, InMemoryPlanStore(), clock=clock)
    return build_application(standin.token, Dispatcher(service, planner, rounds), base_url=standin.base_url)


@pytest.fixture
async def world(standin, bank, memory_store, clock):
    service = QuizService(Exams.of(bank), memory_store, clock=clock, rng=random.Random(11))
    app = build(standin, service, clock)
    await app.initialize()
    yield World(standin, app, service)
    await app.shutdown()
