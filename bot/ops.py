"""Wiring of the bot's HTTP servers: the ops server (OPS_PORT) with its health checks and the probe behind
mla_sessions_active, and the web view (WEBAPP_BASE_URL, on WEBAPP_PORT)."""

from __future__ import annotations

from adapters.ops.metrics import Metrics
from adapters.ops.server import Check, OpsServer
from bot.bootstrap import Services
from bot.config import Settings
from bot.runtime import ChatAdapter, WebServer


def health_checks(services: Services, adapters: list[ChatAdapter]) -> dict[str, Check]:
    """The database (one SELECT 1) and each chat adapter that can tell whether it is connected."""
    checks: dict[str, Check] = {}
    if services.database is not None:
        checks["database"] = services.database.ping
    for adapter in adapters:
        connected = getattr(adapter, "connected", None)
        if connected is not None:
            checks[adapter.prefix.rstrip(":")] = connected
    return checks


def ops_server(settings: Settings, services: Services, adapters: list[ChatAdapter], metrics: Metrics) -> OpsServer:
    """The server for OPS_PORT on OPS_HOST."""
    count = getattr(services.store, "count_active", None)
    return OpsServer(metrics, health_checks(services, adapters), port=settings.ops_port or 0,
                     host=settings.ops_host, sessions_active=count)


def web_server(settings: Settings, services: Services) -> WebServer | None:
    """The web view's server when WEBAPP_BASE_URL is set; aiohttp's server code is imported only then."""
    if services.webview is None:
        return None
    from adapters.web.server import WebServer as AiohttpWebServer

    return AiohttpWebServer(services.webview, port=settings.webapp_port, host=settings.webapp_host)
