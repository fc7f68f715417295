"""The operations HTTP server: GET /healthz and GET /metrics, on its own port (OPS_PORT), in the bot's loop.

/healthz answers 200 when every check passes and 503 otherwise, with a small JSON body naming each check,
so a container's HEALTHCHECK, a reverse proxy or an orchestrator can tell a replica that cannot serve. While
the process drains on SIGTERM it answers 503 ("draining"), so a proxy stops sending it new requests.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from adapters.ops.metrics import Metrics

log = logging.getLogger(__name__)
CHECK_SECONDS = 3.0  # a check slower than this fails: a health probe must answer before its own timeout

# A check returns True (or None) when healthy; False or an exception (the reason is its class name) when not.
Check = Callable[[], Awaitable[bool | None]]


class OpsServer:
    """Serves /healthz from named checks and /metrics from a Metrics registry."""

    def __init__(self, metrics: Metrics, checks: Mapping[str, Check], *, port: int, host: str = "127.0.0.1",
                 sessions_active: Callable[[], Awaitable[int]] | None = None) -> None:
        self.metrics, self.checks = metrics, dict(checks)
        self.host, self.port = host, port
        self.sessions_active = sessions_active
        self.draining = False
        self._runner: web.AppRunner | None = None

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.render_metrics)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.application(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # an ephemeral port (tests): report the one the system chose
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        log.info("ops server on http://%s:%d (/healthz, /metrics)", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _check(self, check: Check) -> str:
        try:
            ok = await asyncio.wait_for(check(), CHECK_SECONDS)
        except TimeoutError:
            return "timeout"
        except Exception as exc:  # the reason, not the message: a driver's message may carry a host or a user
            return f"error: {type(exc).__name__}"
        return "ok" if ok is None or ok else "down"

    async def healthz(self, request: web.Request) -> web.Response:
        names = list(self.checks)
        results = await asyncio.gather(*(self._check(self.checks[n]) for n in names))
        checks = dict(zip(names, results, strict=True))
        healthy = all(r == "ok" for r in results) and not self.draining
        status = "ok" if healthy else ("draining" if self.draining else "unhealthy")
        return web.json_response({"status": status, "checks": checks}, status=200 if healthy else 503)

    async def render_metrics(self, request: web.Request) -> web.Response:
        if self.sessions_active is not None:
            try:
                self.metrics.sessions_active.set(await asyncio.wait_for(self.sessions_active(), CHECK_SECONDS))
            except Exception as exc:  # the database is down: the other metrics still matter most now
                log.warning("could not count active sessions for /metrics: %r", exc)
        body, content_type = self.metrics.render(request.headers.get("Accept"))
        return web.Response(body=body, headers={"Content-Type": content_type})
