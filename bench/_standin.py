"""The load side of bench/telegram_load.py, run in a process of its own: the Bot API stand-in of the tests,
plus N learners who send /quiz and tap the first option button of the card, R rounds each, at a given pace
(or as fast as the bot replies).

Latency is measured here, on one clock: from pushing an update to the stand-in receiving the bot's
corresponding reply in that chat (the card for /quiz; the first sendMessage or editMessageText for a tap)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass

from tests.adapters.telegram.standin import BotApiStandIn

OPTION_KINDS = set("atsoOmM")  # callback_data kinds of a question card's option buttons (adapters/telegram/codec)
REPLY_TIMEOUT = 30.0  # seconds a learner waits for one reply before giving up
PARENT_TIMEOUT = 120.0  # seconds the stand-in waits for the bot process between steps


@dataclass(frozen=True)
class Event:
    at: float
    method: str
    params: dict
    message: dict | None


class LoadStandIn(BotApiStandIn):
    """The test stand-in, telling each chat's waiting learner what the bot sent there."""

    def __init__(self) -> None:
        super().__init__()
        self.events: defaultdict[int, asyncio.Queue[Event]] = defaultdict(asyncio.Queue)

    def _notify(self, method: str, params: dict, message: dict | None) -> None:
        self.events[int(params["chat_id"])].put_nowait(Event(time.perf_counter(), method, params, message))

    async def api_getUpdates(self, params):
        offset = int(params.get("offset") or 0)
        if offset:  # confirmed updates are never asked for again: keep the queue short
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        return await super().api_getUpdates(params)

    async def api_sendMessage(self, params):
        message = await super().api_sendMessage(params)
        self._notify("sendMessage", params, message)
        return message

    async def api_editMessageText(self, params):
        message = await super().api_editMessageText(params)
        self._notify("editMessageText", params, message)
        return message

    async def wait(self, chat_id: int, predicate) -> Event:
        """The next event in the chat that matches; earlier ones (the tail of a previous reply) are skipped."""
        queue = self.events[chat_id]
        async with asyncio.timeout(REPLY_TIMEOUT):
            while True:
                event = await queue.get()
                if predicate(event):
                    return event


def first_option(event: Event) -> str | None:
    """callback_data of the first option button on the message, if it is a question card."""
    for row in (event.params.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data") or ""
            if data[:1] in OPTION_KINDS and data[1:2] == ":":
                return data
    return None


def is_card(event: Event) -> bool:
    return event.method == "sendMessage" and first_option(event) is not None


def is_reply(event: Event) -> bool:
    return event.method in ("sendMessage", "editMessageText")


class Learner:
    def __init__(self, standin: LoadStandIn, user_id: int) -> None:
        self.standin, self.user_id = standin, user_id
        self._ids = itertools.count(1)

    def _user(self) -> dict:
        return {"id": self.user_id, "is_bot": False, "first_name": f"L{self.user_id}"}

    def _chat(self) -> dict:
        return {"id": self.user_id, "type": "private"}

    async def _exchange(self, update: dict, predicate, latencies: list[float]) -> Event:
        sent = time.perf_counter()
        self.standin.push(update)
        event = await self.standin.wait(self.user_id, predicate)
        latencies.append(event.at - sent)
        return event

    async def run(self, rounds: int, latencies: list[float], first_at: float, interval: float) -> str | None:
        """None when every round went through, else what went wrong. Each update is sent at its slot
        (first_at, then every `interval` seconds), or as soon as the previous reply arrived if that is later;
        an interval of 0 sends each update right after the previous reply."""
        slot = first_at
        try:
            for _ in range(rounds):
                text = "/quiz"
                message = {"message_id": next(self._ids), "date": int(time.time()), "chat": self._chat(),
                           "from": self._user(), "text": text,
                           "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}
                slot = await _wait_for(slot, interval)
                card = await self._exchange({"message": message}, is_card, latencies)
                tap = {"callback_query": {"id": f"{self.user_id}-{next(self._ids)}", "from": self._user(),
                                          "chat_instance": f"ci{self.user_id}", "data": first_option(card),
                                          "message": dict(card.message)}}
                slot = await _wait_for(slot, interval)
                await self._exchange(tap, is_reply, latencies)
        except TimeoutError:
            return f"learner {self.user_id}: no reply within {REPLY_TIMEOUT:.0f} s"
        return None


async def _wait_for(slot: float, interval: float) -> float:
    """Sleep until `slot` (perf_counter time); the next slot."""
    delay = slot - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)
    return slot + interval


def _recv(conn, timeout: float):
    if not conn.poll(timeout):
        raise TimeoutError("the bot process did not answer")
    return conn.recv()


async def _serve(conn, learners: int, rounds: int, rate: float) -> None:
    standin = LoadStandIn()
    await standin.start()
    try:
        conn.send(("ready", standin.base_url, standin.token))
        if await asyncio.to_thread(_recv, conn, PARENT_TIMEOUT) != "go":
            return
        calls_before = len(standin.calls)
        latencies: list[float] = []
        started = time.perf_counter()
        interval = learners / rate if rate else 0.0  # each learner's pace, so that all together offer `rate`
        spread = 1 / rate if rate else 0.0  # learners start one after another, evenly
        errors = await asyncio.gather(*(Learner(standin, 1 + n).run(rounds, latencies, started + n * spread, interval)
                                        for n in range(learners)))
        wall = time.perf_counter() - started
        methods: defaultdict[str, int] = defaultdict(int)
        for name, _ in standin.calls[calls_before:]:
            if name != "getUpdates":
                methods[name] += 1
        conn.send(("done", {"latencies": latencies, "wall": wall, "errors": [e for e in errors if e],
                            "calls": dict(methods)}))
        await asyncio.to_thread(_recv, conn, PARENT_TIMEOUT)  # serve until the bot has stopped polling
    finally:
        await standin.stop()


def serve(conn, learners: int, rounds: int, rate: float) -> None:
    """Process entry point: the stand-in on 127.0.0.1, driven by the learners once the bot says go; `rate` is
    the updates per second they offer together (0: each learner as fast as the bot replies)."""
    try:
        asyncio.run(_serve(conn, learners, rounds, rate))
    finally:
        conn.close()
