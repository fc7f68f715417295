"""The ops server over real HTTP: /healthz is 200 only when the database answers and every adapter is
connected (503 with the failing check named otherwise, and while draining); /metrics is Prometheus text."""

from __future__ import annotations

import json
import socket

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from adapters.ops.metrics import Metrics
from adapters.ops.server import OpsServer
from adapters.sql.database import Database
from adapters.sql.store import SqlStore


def closed_port() -> int:
    """A port on loopback nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def get(server: OpsServer, path: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{server.port}{path}") as response:
        return response.status, response.headers["Content-Type"], await response.text()


def sample(body: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    raise AssertionError(f"no sample {name} {labels}")


class Adapter:
    """A chat adapter's connected() as the ops server sees it."""

    def __init__(self, up: bool) -> None:
        self.up = up

    async def connected(self) -> bool:
        return self.up


@pytest.fixture
async def serve():
    servers: list[OpsServer] = []

    async def start(checks, **kwargs) -> OpsServer:
        server = OpsServer(Metrics(), checks, port=0, **kwargs)
        await server.start()
        servers.append(server)
        return server
    yield start
    for server in servers:
        await server.stop()


async def test_healthz_is_200_when_the_database_answers_and_the_adapter_is_connected(serve, database_url):
    db = Database(database_url)
    try:
        server = await serve({"database": db.ping, "telegram": Adapter(True).connected})
        status, kind, body = await get(server, "/healthz")
    finally:
        await db.dispose()
    assert status == 200 and kind.startswith("application/json")
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "telegram": "ok"}}


async def test_healthz_is_503_naming_the_database_when_it_is_down(serve):
    metrics = Metrics()
    db = Database(f"postgresql+asyncpg://mla:secret-pw@127.0.0.1:{closed_port()}/mla",
                  on_error=metrics.database_error)
    try:
        server = await serve({"database": db.ping, "telegram": Adapter(True).connected})
        status, _, body = await get(server, "/healthz")
    finally:
        await db.dispose()
    answer = json.loads(body)
    assert status == 503 and answer["status"] == "unhealthy"
    assert answer["checks"]["database"].startswith("error: ") and answer["checks"]["telegram"] == "ok"
    assert "secret-pw" not in body and "127.0.0.1" not in body  # the reason's class only, never the URL


async def test_healthz_is_503_when_an_adapter_is_disconnected_or_the_process_drains(serve):
    adapter = Adapter(False)
    server = await serve({"discord": adapter.connected})
    status, _, body = await get(server, "/healthz")
    assert status == 503 and '"discord": "down"' in body
    adapter.up = True
    assert (await get(server, "/healthz"))[0] == 200
    server.draining = True
    status, _, body = await get(server, "/healthz")
    assert status == 503 and '"status": "draining"' in body


async def test_metrics_are_prometheus_text_with_sessions_read_at_each_scrape(serve, database_url):
    db = Database(database_url)
    try:
        server = await serve({}, sessions_active=SqlStore(db).count_active)
        server.metrics.pushed(True)
        server.metrics.pushed(False)
        server.metrics.pushed(False)
        status, kind, body = await get(server, "/metrics")
    finally:
        await db.dispose()
    assert status == 200 and kind.startswith("text/plain; version=")
    assert sample(body, "mla_sessions_active") == 0
    assert sample(body, "mla_pushes_total", outcome="sent") == 1
    assert sample(body, "mla_pushes_total", outcome="failed") == 2
    assert sample(body, "mla_database_errors_total") == 0


async def test_database_errors_are_counted_by_the_driver_listener(tmp_path):
    metrics = Metrics()
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/e.db", on_error=metrics.database_error)
    try:
        with pytest.raises(Exception, match="no such table"):
            await db.run(lambda conn: conn.execute(text("SELECT * FROM nowhere")))
        await db.ping()
    finally:
        await db.dispose()
    assert sample(metrics.render()[0].decode(), "mla_database_errors_total") == 1
