"""The load side of bench/soak.py: the Bot API stand-in the replicas send to, the round-robin proxy in front
of their webhooks, and the learners and the group who post updates through it. All on 127.0.0.1.

A learner loops: /quiz or /drill, answer the card's question with a button, and so on; the group plays
rounds whose questions close on their deadline (the starter never answers, so no question closes early).
Each exchange's latency runs from posting the update to the proxy to the stand-in receiving the bot's
answer in that chat (the card for a command, the callback answer for a tap). A learner that gets no
answer (its replica was killed, PostgreSQL restarted) waits REPLY_TIMEOUT and starts afresh with a
new command, as a person would. Learners pause before each update (`think`), so the load is paced: the same
offered rate whatever the replicas do with it.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from bench._standin import Event
from tests.adapters.telegram.standin import BotApiStandIn

REPLY_TIMEOUT = 10.0  # seconds a learner waits for an answer before starting afresh
RECORDED = "Answer recorded."
GROUP = -1001000000001


class SoakStandIn(BotApiStandIn):
    """The test stand-in, queueing what the bot sends to each chat for the learner waiting there."""

    def __init__(self) -> None:
        super().__init__()
        self.events: defaultdict[int, asyncio.Queue[Event]] = defaultdict(asyncio.Queue)
        self.calls_by_method: defaultdict[str, int] = defaultdict(int)

    def _notify(self, chat: int, method: str, params: dict, message: dict | None) -> None:
        self.events[chat].put_nowait(Event(time.perf_counter(), method, params, message))

    async def _handle(self, request: web.Request) -> web.Response:
        self.calls_by_method[request.match_info["method"]] += 1
        try:
            response = await super()._handle(request)
        except ConnectionResetError:  # a replica killed mid-request: nobody is left to answer
            return web.Response(status=499)
        if len(self.calls) > 1000:  # only counts are read in the soak: keep memory flat over minutes
            del self.calls[:-100]
        return response

    async def api_sendMessage(self, params):
        message = await super().api_sendMessage(params)
        self._notify(int(params["chat_id"]), "sendMessage", params, message)
        return message

    async def api_editMessageText(self, params):
        message = await super().api_editMessageText(params)
        self._notify(int(params["chat_id"]), "editMessageText", params, message)
        return message

    async def api_answerCallbackQuery(self, params):
        answered = await super().api_answerCallbackQuery(params)
        chat = int(str(params["callback_query_id"]).split("_")[0])  # the driver's ids start with the chat
        self._notify(chat, "answerCallbackQuery", params, None)
        return answered

    async def wait(self, chat: int, predicate, timeout: float = REPLY_TIMEOUT) -> Event:
        """The next event in the chat that matches; earlier ones (the tail of a previous reply) are skipped."""
        queue = self.events[chat]
        async with asyncio.timeout(timeout):
            while True:
                event = await queue.get()
                if predicate(event):
                    return event


class Proxy:
    """Round robin over the replicas' webhook ports; a replica that refuses the connection (down) is
    skipped for the next one, as nginx's proxy_next_upstream does."""

    def __init__(self) -> None:
        self.upstreams: list[int] = []
        self.port = 0
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        app = web.Application()
        app.router.add_post("/telegram", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        body, headers = await request.read(), {k: v for k, v in request.headers.items()
                                               if k.lower().startswith("x-telegram") or k.lower() == "content-type"}
        assert self._http is not None
        upstreams = list(self.upstreams)
        first = next(self._turn)
        for n in range(len(upstreams)):
            port = upstreams[(first + n) % len(upstreams)]
            try:
                async with self._http.post(f"http://127.0.0.1:{port}/telegram", data=body, headers=headers) as up:
                    return web.Response(status=up.status, body=await up.read())
            except aiohttp.ClientConnectionError:
                continue
        return web.Response(status=502)


@dataclass
class Record:
    """What the driver saw, for the checks and the figures."""

    latencies: list[tuple[float, float]] = field(default_factory=list)  # (when sent, seconds to the answer)
    cards: set[tuple[int, int]] = field(default_factory=set)  # (session, position) of every card shown
    tapped: set[tuple[int, int]] = field(default_factory=set)  # every answer tap sent
    recorded: set[tuple[int, int]] = field(default_factory=set)  # taps the bot said it recorded
    timeouts: int = 0


def buttons(event: Event) -> list[str]:
    return [b.get("callback_data") or "" for row in (event.params.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row]


def card_of(event: Event) -> tuple[int, int] | None:
    """(session, position) of a question card's answer buttons (a:S:P:K single, s:S:P:M multi submit)."""
    if event.method != "sendMessage":
        return None
    for data in buttons(event):
        kind, *rest = data.split(":")
        if kind in ("a", "t", "s", "o", "O", "m", "M") and len(rest) >= 2:
            return int(rest[0]), int(rest[1])
    return None


class Learner:
    """A person in a private chat; `think` is the mean pause (seconds) before each update they send."""

    def __init__(self, standin: SoakStandIn, post, user_id: int, rng: random.Random, record: Record,
                 think: float = 0.0) -> None:
        self.standin, self.post, self.user_id, self.rng, self.record = standin, post, user_id, rng, record
        self.think = think
        self._ids = itertools.count(1)

    def _user(self) -> dict:
        return {"id": self.user_id, "is_bot": False, "first_name": f"L{self.user_id}"}

    def message(self, text: str, chat: int | None = None) -> dict:
        chat_id = chat or self.user_id
        chat_info = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "title": "Soak group"}
        raw = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat_info, "from": self._user(),
               "text": text}
        if text.startswith("/"):
            raw["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"message": raw}

    def tap(self, data: str, event: Event) -> dict:
        message = dict(event.message or {"message_id": 1, "date": int(time.time()), "text": "x"})
        chat_id = int(event.params["chat_id"])
        message["chat"] = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "title": "Soak group"}
        return {"callback_query": {"id": f"{chat_id}_{self.user_id}_{next(self._ids)}", "from": self._user(),
                                   "chat_instance": f"ci{chat_id}", "data": data, "message": message}}

    async def exchange(self, update: dict, predicate) -> Event:
        await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.think)
        sent = time.perf_counter()
        await self.post(update)
        event = await self.standin.wait(self.user_id, predicate)
        self.record.latencies.append((sent, event.at - sent))
        return event

    async def start(self, spread: float) -> None:
        """/start, at a moment within the first `spread` seconds (not everyone in the same instant)."""
        await asyncio.sleep(self.rng.uniform(0, spread))
        try:
            await self.exchange(self.message("/start"), lambda e: e.method == "sendMessage")
        except TimeoutError:
            self.record.timeouts += 1

    async def run(self, until: float) -> None:
        """Sessions until `until` (perf_counter), each a /quiz or a /drill answered question by question."""
        while time.perf_counter() < until:
            command = "/quiz" if self.rng.random() < 0.7 else f"/drill {self.rng.randint(1, 4)}"
            try:
                card = await self.exchange(self.message(command), lambda e: card_of(e) is not None)
                while card is not None and time.perf_counter() < until:
                    card = await self.answer(card)
            except TimeoutError:  # no answer: start afresh, as a person would
                self.record.timeouts += 1

    async def answer(self, card: Event) -> Event | None:
        """Answer a card with its first single-answer button (or the first two options of a multi); the next
        card of the session if one comes, else None."""
        where = card_of(card)
        assert where is not None
        self.record.cards.add(where)
        session, position = where
        data = next((d for d in buttons(card) if d.startswith("a:")), None)
        if data is None and any(d.startswith("s:") for d in buttons(card)):
            data = f"s:{session}:{position}:3"
        if data is None:  # ordering or matching: leave it, the next command closes the session
            return None
        self.record.tapped.add(where)
        toast = await self.exchange(self.tap(data, card), lambda e: e.method == "answerCallbackQuery")
        if toast.params.get("text") != RECORDED:
            return None
        self.record.recorded.add(where)
        try:  # a drill's next card follows the verdict within the same update
            return await self.standin.wait(self.user_id, lambda e: (card_of(e) or (0, -1))[0] == session
                                           and (card_of(e) or (0, -1))[1] > position, timeout=2.0)
        except TimeoutError:
            return None


class Group:
    """One group chat playing rounds: the admin starts each round and never answers (so every question
    closes on its deadline, by the scheduler of one replica), the members answer each card once."""

    def __init__(self, standin: SoakStandIn, post, admin: Learner, members: list[Learner]) -> None:
        self.standin, self.post, self.admin, self.members = standin, post, admin, members
        self.rounds_started = 0

    async def run(self, until: float) -> None:
        standin = self.standin
        standin.admins.add((GROUP, self.admin.user_id))
        await self.post(self.admin.message("/roundsettings time 10", GROUP))
        while time.perf_counter() < until:
            await self.post(self.admin.message("/round 4", GROUP))
            self.rounds_started += 1
            try:
                while True:
                    card = await standin.wait(GROUP, lambda e: e.method == "sendMessage" and any(
                        d.startswith(("r:", "g:")) for d in buttons(e)), timeout=30)
                    for member in self.members:
                        data = next((d for d in buttons(card) if d.startswith("r:")), None)
                        if data is not None:
                            await self.post(member.tap(data, card))
            except TimeoutError:  # the round ended (no next card): start another
                continue
