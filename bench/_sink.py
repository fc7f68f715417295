"""The receiving side of bench/push.py's end-to-end run, in a process of its own so that its CPU is not the
bot's: the Bot API stand-in of the tests on 127.0.0.1, noting when each sendMessage arrived and for which chat
(on this process's clock, so the rate is the one a Bot API server would see)."""

from __future__ import annotations

import asyncio
import time

from tests.adapters.telegram.standin import BotApiStandIn

PARENT_TIMEOUT = 600.0  # seconds the stand-in waits for the bot process to say it is done


class SinkStandIn(BotApiStandIn):
    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[tuple[int, float, str]] = []  # (chat id, perf_counter, text) per sendMessage

    async def api_sendMessage(self, params):
        self.arrivals.append((int(params["chat_id"]), time.perf_counter(), params["text"]))
        return await super().api_sendMessage(params)


async def _serve(conn) -> None:
    standin = SinkStandIn()
    await standin.start()
    try:
        conn.send(("ready", standin.base_url, standin.token))
        if not await asyncio.to_thread(conn.poll, PARENT_TIMEOUT):
            return
        conn.recv()  # "done": the bot has stopped
        conn.send(standin.arrivals)
    finally:
        await standin.stop()


def serve(conn) -> None:
    """Process entry point: serve until the parent says done, then send back every sendMessage arrival."""
    try:
        asyncio.run(_serve(conn))
    finally:
        conn.close()
