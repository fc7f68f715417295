"""Soak: two replicas of the bot (real `python -m bot` processes in webhook mode) on one PostgreSQL, behind a
round-robin proxy, under learners, a group round and pushes, while one replica is killed and PostgreSQL
restarts; then checks that nothing was lost or applied twice.
Run: .venv/bin/python bench/soak.py [--learners 300] [--soak-seconds 240] [--scaling-seconds 45]
     [--system-cluster --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test]

Everything is on 127.0.0.1: the Bot API stand-in of the tests (it receives every send of both replicas), the
proxy (aiohttp, round robin, skipping a replica that refuses connections), and a PostgreSQL cluster made for
the run (bench/_pgcluster.py; the machine's shared one serves other test runs and is left alone unless
--system-cluster), with a fresh database created for the run and dropped after.

1. Every learner sends /start. 2. Scaling: the same paced load (each learner pauses --think seconds on
average, then sends its next update once the previous one is answered) for --scaling-seconds through one
replica, then through both; prints updates per second and p50/p99 latency for each and the ratios.
3. Soak, both replicas, --soak-seconds:
learners do quick quizzes and drills, a group plays rounds whose questions close on their deadline, every
learner's daily push falls due at a fifth of the run; at 45% one replica is killed with SIGKILL and
restarted, at 70% PostgreSQL restarts (fast shutdown: every connection is cut). 4. Checks against the
database and the stand-in's record: every answer the bot confirmed is stored once and every stored one was
tapped; every session has exactly one answer per position it moved past and each learner at most one
running session; every card shown belongs to a stored session; every push went out exactly once; each
round question's card was posted once. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
import asyncpg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.telegram.app import webhook_secret  # noqa: E402
from bench._databases import fresh_database  # noqa: E402
from bench._pgcluster import Cluster, private_cluster, system_cluster  # noqa: E402
from bench._soak_load import GROUP, Group, Learner, Proxy, Record, SoakStandIn  # noqa: E402

PUSH_MARK = "Good day!"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Replica:
    """One `python -m bot` process in webhook mode; its log goes to a file in the run's folder."""

    def __init__(self, n: int, url: str, standin: SoakStandIn, proxy_port: int, folder: Path) -> None:
        self.n, self.port, self.ops = n, _free_port(), _free_port()
        self.log = folder / f"replica{n}.log"
        self.env = {**os.environ, "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": standin.token,
                    "TELEGRAM_API_BASE_URL": standin.base_url,
                    "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{proxy_port}/telegram",
                    "TELEGRAM_WEBHOOK_PORT": str(self.port), "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                    "OPS_PORT": str(self.ops), "LOG_LEVEL": "WARNING", "STARTUP_ATTEMPTS": "20",
                    "SHUTDOWN_SECONDS": "10"}
        for name in ("DISCORD_BOT_TOKEN", "WEBAPP_BASE_URL"):
            self.env.pop(name, None)
        self.process: subprocess.Popen | None = None

    async def start(self) -> None:
        with open(self.log, "a") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)
        async with aiohttp.ClientSession() as http:
            for _ in range(600):  # until /healthz answers 200 (60 s at most)
                assert self.process.poll() is None, f"replica {self.n} exited: see {self.log}"
                try:
                    async with http.get(f"http://127.0.0.1:{self.ops}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"replica {self.n} did not become healthy: see {self.log}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


def figures(record: Record, since: float, until: float) -> tuple[int, float, float, float]:
    """(exchanges, per second, p50 ms, p99 ms) of the exchanges sent within [since, until)."""
    spans = sorted(lat for sent, lat in record.latencies if since <= sent < until)
    if len(spans) < 2:
        return len(spans), 0.0, 0.0, 0.0
    cuts = statistics.quantiles(spans, n=100)
    return len(spans), len(spans) / (until - since), cuts[49] * 1000, cuts[98] * 1000


async def phase(learners: list[Learner], seconds: float, extra=()) -> tuple[float, float]:
    began = time.perf_counter()
    await asyncio.gather(*(learner.run(began + seconds) for learner in learners), *extra)
    return began, began + seconds


async def chaos(seconds: float, replicas: list[Replica], cluster: Cluster, notes: list[str]) -> None:
    """Kill one replica at 45% of the soak and restart it; restart PostgreSQL at 70%."""
    began = time.perf_counter()
    await asyncio.sleep(0.45 * seconds)
    replicas[1].kill()
    notes.append(f"replica 1 killed (SIGKILL) at {time.perf_counter() - began:.0f} s")
    await asyncio.sleep(3)
    await replicas[1].start()
    notes.append(f"replica 1 restarted and healthy at {time.perf_counter() - began:.0f} s")
    await asyncio.sleep(max(0.0, began + 0.7 * seconds - time.perf_counter()))
    why = await asyncio.to_thread(cluster.restart)
    notes.append(f"PostgreSQL restarted at {time.perf_counter() - began:.0f} s" if why is None
                 else f"PostgreSQL NOT restarted: {why}")


async def pushes_due(url: str, at_seconds: float) -> int:
    """Make every learner's push due `at_seconds` from now (today, UTC); how many targets."""
    conn = await _connect(url)
    try:
        done = await conn.execute("UPDATE push_target SET timezone = 'UTC', paused = false, unreachable = false, "
                                  "last_pushed = NULL, next_push_at = now() + make_interval(secs => $1) "
                                  "WHERE learner_id IS NOT NULL", at_seconds)
        return int(done.split()[-1])
    finally:
        await conn.close()


async def pushes_confirmed(url: str, targets: int, patience: float = 200.0) -> None:
    """Wait until every due push is confirmed sent, or `patience` seconds: a push claimed by the killed
    replica is sent by another once its lease (2 minutes) has run out."""
    conn = await _connect(url)
    try:
        deadline = time.perf_counter() + patience
        while time.perf_counter() < deadline and await conn.fetchval(
                "SELECT count(*) FROM push_claim WHERE sent_at IS NOT NULL") < targets:
            await asyncio.sleep(1)
    finally:
        await conn.close()


async def _connect(url: str) -> asyncpg.Connection:
    parsed = make_url(url)
    return await asyncpg.connect(user=parsed.username, password=parsed.password, host=parsed.host,
                                 port=parsed.port, database=parsed.database)


async def check(url: str, record: Record, standin: SoakStandIn, targets: int) -> tuple[list[str], str]:
    """Every failed check, as a line (empty when everything holds), and what was checked."""
    conn = await _connect(url)
    try:
        failures = []
        doubles = await conn.fetchval("SELECT count(*) FROM (SELECT 1 FROM answer GROUP BY session_id, position "
                                      "HAVING count(*) > 1) d")
        stored = {(r["session_id"], r["position"]) for r in await conn.fetch("SELECT session_id, position FROM answer")}
        if doubles:
            failures.append(f"{doubles} answers stored twice")
        if record.recorded - stored:
            failures.append(f"{len(record.recorded - stored)} confirmed answers missing from the database")
        if stored - record.tapped:
            failures.append(f"{len(stored - record.tapped)} stored answers that nobody tapped")
        sessions = {r["id"]: r for r in await conn.fetch(
            "SELECT s.id, s.position, json_array_length(s.question_ids::json) AS size, "
            "coalesce(array_agg(a.position ORDER BY a.position) FILTER (WHERE a.id IS NOT NULL), '{}') AS answered "
            "FROM quiz_session s LEFT JOIN answer a ON a.session_id = s.id GROUP BY s.id")}
        skewed = [i for i, r in sessions.items() if list(r["answered"]) != list(range(r["position"]))]
        if skewed:
            failures.append(f"{len(skewed)} sessions whose position is not their answers (double-advanced)")
        lost = {s for s, p in record.cards if s not in sessions or p >= sessions[s]["size"]}
        if lost:
            failures.append(f"{len(lost)} sessions shown to a learner but not stored (lost)")
        running = await conn.fetchval("SELECT count(*) FROM (SELECT 1 FROM quiz_session WHERE finished_at IS NULL "
                                      "GROUP BY learner_id HAVING count(*) > 1) r")
        if running:
            failures.append(f"{running} learners with more than one running session")
        pushes = Counter(int(p["chat_id"]) for p in standin.delivered if str(p.get("text", "")).startswith(PUSH_MARK))
        confirmed = await conn.fetchval("SELECT count(*) FROM push_claim WHERE sent_at IS NOT NULL")
        if len(pushes) != targets or any(n != 1 for n in pushes.values()) or confirmed != targets:
            twice = sum(1 for n in pushes.values() if n > 1)
            failures.append(f"pushes: {targets} due, {len(pushes)} chats got one, {twice} got more than one, "
                            f"{confirmed} confirmed")
        posts: Counter[tuple[str, ...]] = Counter()
        for params in standin.delivered:  # each round card: its (round, position), once per message
            if int(params["chat_id"]) == GROUP:
                posts.update({tuple(b.split(":")[1:3]) for b in buttons_of(params) if b.startswith(("r:", "g:"))})
        if any(n != 1 for n in posts.values()):
            failures.append(f"round questions posted more than once: {[k for k, n in posts.items() if n != 1]}")
        finished = await conn.fetchval("SELECT count(*) FROM round WHERE finished_at IS NOT NULL")
        answers = await conn.fetchval("SELECT count(*) FROM round_answer")
        facts = (f"{len(stored)} answers stored, {len(sessions)} sessions, {sum(pushes.values())} pushes sent, "
                 f"{len(posts)} round questions posted in {finished} finished rounds, {answers} round answers")
        return failures, facts
    finally:
        await conn.close()


def buttons_of(params: dict) -> list[str]:
    return [b.get("callback_data") or "" for row in (params.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row]


async def soak(args: argparse.Namespace, cluster: Cluster) -> int:
    record, notes, rng = Record(), [], random.Random(18)
    async with fresh_database(cluster.url) as url:
        standin, proxy = SoakStandIn(), Proxy()
        await standin.start()
        await proxy.start()
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook_secret(standin.token)}
        http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        update_ids = iter(range(1, 10**9))

        async def post(update: dict) -> None:
            try:
                async with http.post(f"http://127.0.0.1:{proxy.port}/telegram", headers=headers,
                                     json={"update_id": next(update_ids), **update}) as response:
                    await response.read()
            except aiohttp.ClientError:
                pass  # the proxy found no replica: the learner's wait times out and it starts afresh

        folder = Path(tempfile.mkdtemp(prefix="mla-soak-"))
        replicas = [Replica(n, url, standin, proxy.port, folder) for n in (0, 1)]
        try:
            await asyncio.gather(*(r.start() for r in replicas))
            proxy.upstreams = [r.port for r in replicas]
            learners = [Learner(standin, post, 1000 + n, random.Random(rng.random()), record, args.think)
                        for n in range(args.learners)]
            await asyncio.gather(*(learner.start(args.learners / 20) for learner in learners))
            registered = standin.calls_by_method["setWebhook"]
            proxy.upstreams = [replicas[0].port]
            one = figures(record, *await phase(learners, args.scaling_seconds))
            proxy.upstreams = [r.port for r in replicas]
            two = figures(record, *await phase(learners, args.scaling_seconds))
            targets = await pushes_due(url, 0.2 * args.soak_seconds)
            group = Group(standin, post, learners[0], learners[1:1 + args.members])
            begun = time.perf_counter()
            window = await phase(learners, args.soak_seconds,
                                 (chaos(args.soak_seconds, replicas, cluster, notes),
                                  group.run(begun + args.soak_seconds)))
            await asyncio.sleep(15)  # the last round's deadline and the last ticks
            await pushes_confirmed(url, targets)
            soaked = figures(record, *window)
        finally:
            for replica in replicas:
                replica.stop()
            await http.close()
            await proxy.stop()
            await standin.stop()
        failures, facts = await check(url, record, standin, targets)
    print(f"soak: {args.learners} learners (pausing {args.think:g} s on average), 2 replicas on PostgreSQL behind "
          "a round-robin proxy, all on 127.0.0.1 "
          f"(machine: {os.cpu_count()} cores shared with other work, bot processes and load on the same cores)")
    print(f"webhook registered {registered} time(s) by 2 replicas starting together")
    for name, (n, rate, p50, p99) in (("1 replica ", one), ("2 replicas", two)):
        print(f"  {name}: {n} updates in {args.scaling_seconds:.0f} s = {rate:.1f}/s, p50 {p50:.0f} ms, "
              f"p99 {p99:.0f} ms")
    if one[1] and one[3]:
        print(f"  scaling ratio (2 replicas / 1): throughput {two[1] / one[1]:.2f}x, p99 {two[3] / one[3]:.2f}x")
    n, rate, p50, p99 = soaked
    print(f"  soak {args.soak_seconds:.0f} s: {n} updates = {rate:.1f}/s, p50 {p50:.0f} ms, p99 {p99:.0f} ms; "
          f"{record.timeouts} waits gave up (killed replica, restarted database); {group.rounds_started} /round "
          "commands (the group's 20 messages a minute pace its rounds)")
    for line in notes:
        print(f"  {line}")
    print(f"  {len(record.recorded)} answers confirmed, {len(record.cards)} cards shown, {targets} pushes due; "
          f"in the database: {facts}")
    print(f"  replica logs: {folder}")
    for line in failures:
        print(f"FAILED: {line}")
    print("checks: " + ("FAILED" if failures else "all passed (answers once, sessions whole, pushes once, "
                                                  "round questions once)"))
    return 1 if failures or any("NOT restarted" in line for line in notes) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--soak-seconds", type=float, default=240.0)
    parser.add_argument("--scaling-seconds", type=float, default=45.0)
    parser.add_argument("--members", type=int, default=8, help="group members answering rounds")
    parser.add_argument("--think", type=float, default=10.0,
                        help="mean seconds a learner pauses before each update (300 learners: about 30 updates/s)")
    parser.add_argument("--system-cluster", action="store_true",
                        help="use (and restart) the machine's cluster serving --postgres instead of a private one")
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if args.system_cluster:
        return asyncio.run(soak(args, system_cluster(args.postgres)))
    with private_cluster() as cluster:
        return asyncio.run(soak(args, cluster))


if __name__ == "__main__":
    sys.exit(main())
