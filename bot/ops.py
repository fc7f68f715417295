"""Wiring of the ops HTTP server (OPS_PORT): its health checks and the probe behind mla_sessions_active."""

from __future__ import annotations

from adapters.ops.metrics import Metrics
from adapters.ops.server import Check, OpsServer
from bot.bootstrap import Services
from bot.config import Settings
from bot.runtime import ChatAdapter


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
