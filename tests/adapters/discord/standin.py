"""A local stand-in of Discord's gateway (the websocket discord.py keeps open), over aiohttp.

Enough of the protocol for the real client to connect, identify once per shard, get READY and receive
events: HELLO, heartbeat ACKs, IDENTIFY answered by READY for the shard it names, and dispatches that
tests push. Frames are plain JSON text, which discord.py reads as well as the compressed kind. As on
Discord, a guild's events go to shard (guild_id >> 22) % shard_count."""

from __future__ import annotations

import itertools
from typing import Any

from aiohttp import WSMsgType, web

from tests.adapters.discord.gateway import APP_ID, BOT_USER

HELLO, HEARTBEAT, IDENTIFY, HEARTBEAT_ACK, DISPATCH = 10, 1, 2, 11, 0


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (guild_id >> 22) % shard_count


class GatewayStandIn:
    """Serves the gateway on 127.0.0.1; tests read the IDENTIFYs it got and push events to a shard."""

    def __init__(self) -> None:
        self.identified: list[dict[str, Any]] = []  # each IDENTIFY's "d", in arrival order
        self._shards: dict[int, tuple[web.WebSocketResponse, itertools.count]] = {}  # id: socket, sequence
        self._count = 1
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def connected(self) -> list[int]:
        """The shards with an identified, open session."""
        return sorted(shard for shard, (socket, _) in self._shards.items() if not socket.closed)

    async def send(self, payload: dict[str, Any], *, shard: int | None = None) -> None:
        """An INTERACTION_CREATE on the shard Discord would pick for its guild, or on `shard` (as after a
        restart with another shard count has moved the guild to another shard, maybe in another process)."""
        if shard is None:
            shard = shard_of(int(payload["guild_id"]), self._count)
        socket, sequence = self._shards[shard]
        await socket.send_json({"op": DISPATCH, "t": "INTERACTION_CREATE", "s": next(sequence), "d": payload})

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        sequence = itertools.count(1)
        await socket.send_json({"op": HELLO, "d": {"heartbeat_interval": 45_000}})
        async for frame in socket:
            if frame.type is not WSMsgType.TEXT:
                continue
            message = frame.json()
            if message["op"] == HEARTBEAT:
                await socket.send_json({"op": HEARTBEAT_ACK})
            elif message["op"] == IDENTIFY:
                identify = message["d"]
                self.identified.append(identify)
                shard, self._count = identify.get("shard", [0, 1])
                self._shards[shard] = socket, sequence
                await socket.send_json({"op": DISPATCH, "t": "READY", "s": next(sequence), "d": {
                    "v": 10, "user": BOT_USER, "guilds": [], "session_id": f"session-{shard}",
                    "resume_gateway_url": self.url, "shard": [shard, self._count],
                    "application": {"id": str(APP_ID), "flags": 0}}})
        return socket
