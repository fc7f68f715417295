"""Telegram load benchmark: N learners doing quiz-and-answer against the real PTB Application, which polls the
Bot API stand-in of the tests over HTTP on 127.0.0.1.
Run: .venv/bin/python bench/telegram_load.py [--learners 50] [--rounds 10] [--rate 20] [--repeat 3]
     [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test]

Each learner sends /quiz, then taps the first option button of the card it gets, R rounds. The stand-in and
the learners run in a process of their own, so the bot's process CPU time (time.process_time, all threads)
is the bot's alone. The same load runs against our bot (on a fresh SQLite database, as `python -m bot` runs
it by default) and against a bare PTB echo bot (one MessageHandler, one CallbackQueryHandler, fixed replies).
Prints CPU milliseconds per update, p50/p99 latency (update pushed to the stand-in -> the bot's reply
received by it) and our/bare ratios. Goal: at most 1.5x the bare bot's CPU per update.

Two loads. Paced (the goal's measure): the learners offer `--rate` updates per second together, the same
arrivals for both bots; the default 20/s stays under the 30 messages/s Telegram allows a bot, so neither
bot's replies queue. Both bots run at once, each in a process of its own with its own stand-in, so that
whatever the machine does meanwhile touches both alike (run one after the other, the same bot's CPU per
update varied by a third from run to run here); the paced comparison is repeated and judged on the median.
Flat out (for context): each learner sends its next update as soon as the reply arrives. There our bot,
which keeps Telegram's limit through PTB's AIORateLimiter, is held to about 30 replies/s while the bare
bot, which has no limiter, answers as fast as its CPU allows; its getUpdates calls then return several
updates each, so its polling costs less per update, and the ratio compares different arrival rates rather
than the same load. The bare bot with the same limiter is measured too, to show that."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.sql.database import Database  # noqa: E402
from adapters.sql.plan_store import SqlPlanStore  # noqa: E402
from adapters.sql.round_store import SqlRoundStore  # noqa: E402
from adapters.sql.store import SqlStore  # noqa: E402
from adapters.telegram.app import TelegramAdapter, build_application  # noqa: E402
from bench import _standin  # noqa: E402
from bench._databases import fresh_database  # noqa: E402
from core.dispatch import Dispatcher  # noqa: E402
from core.exam.bank import load_bank  # noqa: E402
from core.plan.service import PlanService  # noqa: E402
from core.quiz.service import QuizService  # noqa: E402
from core.rounds.service import RoundService  # noqa: E402

GOAL = 1.5
ECHO_TEXT = "Noted."
STEP_TIMEOUT = 60.0  # seconds for the stand-in process to start, or to stop
IDLE_SECONDS = 1.0  # the bot polling an empty queue, measured before the load (for context)


@dataclass(frozen=True)
class Result:
    name: str
    updates: int
    cpu: float  # seconds of this process over the load
    system: float  # of which in the kernel (sockets, the database file)
    idle_cpu_per_s: float
    wall: float
    latencies: list[float]
    calls: dict[str, int]
    errors: list[str]

    @property
    def cpu_ms(self) -> float:
        return self.cpu * 1000 / max(len(self.latencies), 1)

    def quantile(self, q: int) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


def build_echo(token: str, base_url: str, limited: bool = False) -> Application:
    """A bare PTB bot: one MessageHandler and one CallbackQueryHandler answering with a fixed text. The message
    reply carries one fixed button, so the learners' script is the same; concurrent like ours, and no rate
    limiter unless `limited` (then PTB's AIORateLimiter, as ours has)."""
    builder = (Application.builder().token(token).base_url(base_url)
               .base_file_url(base_url.replace("/bot", "/file/bot")).concurrent_updates(64))
    app = (builder.rate_limiter(AIORateLimiter(max_retries=5)) if limited else builder).build()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a:0:0:0")]])

    async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.send_message(update.effective_chat.id, ECHO_TEXT, reply_markup=keyboard)

    async def on_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, ECHO_TEXT)

    app.add_handler(MessageHandler(filters.ALL, on_message))
    app.add_handler(CallbackQueryHandler(on_tap))
    return app


async def recv(conn, process, timeout: float):
    """The next message from a process of this benchmark; fails fast if that process has died."""
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(conn.poll, 1.0):
        if not process.is_alive():
            raise RuntimeError(f"{process.name} exited (code {process.exitcode})")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{process.name} did not answer")
    try:
        return conn.recv()
    except EOFError:
        raise RuntimeError(f"{process.name} exited") from None


async def run_load(name: str, make_app, learners: int, rounds: int, rate: float, when_ready=None) -> Result:
    """Start the stand-in process, start the bot polling it, measure this process over the load, stop both.
    `when_ready` (a coroutine function), if given, is awaited before the load starts."""
    mp = multiprocessing.get_context("spawn")
    conn, child_conn = mp.Pipe()
    process = mp.Process(target=_standin.serve, args=(child_conn, learners, rounds, rate), daemon=True)
    process.start()
    child_conn.close()
    budget = STEP_TIMEOUT + rounds * 2 * (_standin.REPLY_TIMEOUT + (learners / rate if rate else 0))
    adapter = None
    try:
        kind, base_url, token = await recv(conn, process, STEP_TIMEOUT)
        assert kind == "ready", kind
        adapter = TelegramAdapter(make_app(token, base_url))
        await adapter.start()
        cpu0 = time.process_time()
        await asyncio.sleep(IDLE_SECONDS)
        idle = (time.process_time() - cpu0) / IDLE_SECONDS
        if when_ready is not None:
            await when_ready()
        cpu0, times0 = time.process_time(), os.times()
        conn.send("go")
        kind, report = await recv(conn, process, budget)
        cpu, times1 = time.process_time() - cpu0, os.times()
        assert kind == "done", kind
    finally:
        if adapter is not None:
            await adapter.stop()
        with contextlib.suppress(OSError):  # the stand-in process may be gone already
            conn.send("stop")
        await asyncio.to_thread(process.join, STEP_TIMEOUT)
        if process.is_alive():
            process.terminate()
            process.join()
        conn.close()
    return Result(name, learners * rounds * 2, cpu, times1.system - times0.system, idle, report["wall"],
                  report["latencies"], report["calls"], report["errors"])


def show(r: Result) -> None:
    calls = sum(r.calls.values())
    detail = ", ".join(f"{m} {n}" for m, n in sorted(r.calls.items()))
    print(f"{r.name:14s} CPU {r.cpu_ms:6.2f} ms/update ({r.cpu:6.2f} s for {len(r.latencies)} updates, "
          f"{r.system / r.cpu:.0%} in the kernel); "
          f"latency p50 {r.quantile(50):7.1f} ms, p99 {r.quantile(99):7.1f} ms; "
          f"wall {r.wall:5.1f} s ({len(r.latencies) / r.wall:5.1f} updates/s)")
    print(f"{'':14s} {calls / max(len(r.latencies), 1):.2f} Bot API calls/update ({detail}); "
          f"idle polling {r.idle_cpu_per_s * 1000:.1f} ms CPU/s")
    if r.errors or len(r.latencies) != r.updates:
        print(f"{'':14s} INCOMPLETE: {len(r.latencies)} of {r.updates} replies; {r.errors[:3]}")


async def run_ours(learners: int, rounds: int, rate: float, when_ready=None, postgres: str | None = None) -> Result:
    """Our bot, wired as `python -m bot` wires it, on a fresh database: SQLite (the default), or a new
    database on the PostgreSQL server `postgres`."""
    async with fresh_database(postgres) as url:
        database = Database(url)
        bank = load_bank()
        quiz = QuizService(bank, SqlStore(database), rng=random.Random(7))
        planner = PlanService(quiz, SqlPlanStore(database))
        rounds_service = RoundService(bank, SqlRoundStore(database), rng=random.Random(7))

        def make_ours(token: str, base_url: str) -> Application:
            return build_application(token, Dispatcher(quiz, planner, rounds_service), base_url=base_url)

        try:
            name = "MLA Coach" if postgres is None else "MLA Coach (PG)"
            return await run_load(name, make_ours, learners, rounds, rate, when_ready)
        finally:
            await database.dispose()


async def _measure(which: str, conn, learners: int, rounds: int, rate: float, postgres: str | None) -> None:
    async def when_ready() -> None:  # both bots start their load together
        conn.send("ready")
        assert await asyncio.to_thread(conn.recv) == "go"

    if which == "ours":
        result = await run_ours(learners, rounds, rate, when_ready, postgres)
    else:
        result = await run_load("bare PTB echo", build_echo, learners, rounds, rate, when_ready)
    conn.send(result)


def measure(which: str, conn, learners: int, rounds: int, rate: float, postgres: str | None) -> None:
    """Process entry point: one bot (with its own stand-in process) under the load, its Result sent back."""
    try:
        asyncio.run(_measure(which, conn, learners, rounds, rate, postgres))
    finally:
        conn.close()


async def side_by_side(learners: int, rounds: int, rate: float, postgres: str | None) -> tuple[Result, Result]:
    """Both bots at once, each in a process of its own with a stand-in of its own, their loads started
    together: whatever the machine does meanwhile (other work, idle CPUs waking slowly) touches both alike."""
    mp = multiprocessing.get_context("spawn")
    pipes, processes = [], []
    for which in ("ours", "bare"):
        conn, child = mp.Pipe()
        # not a daemon: it starts a stand-in process of its own
        process = mp.Process(target=measure, args=(which, child, learners, rounds, rate, postgres))
        process.start()
        child.close()
        pipes.append(conn)
        processes.append(process)
    budget = 2 * STEP_TIMEOUT + rounds * 2 * (_standin.REPLY_TIMEOUT + learners / rate)
    try:
        for conn, process in zip(pipes, processes, strict=True):
            assert await recv(conn, process, 2 * STEP_TIMEOUT) == "ready"
        for conn in pipes:
            conn.send("go")
        ours, bare = [await recv(conn, process, budget) for conn, process in zip(pipes, processes, strict=True)]
    finally:
        for conn, process in zip(pipes, processes, strict=True):
            await asyncio.to_thread(process.join, STEP_TIMEOUT)
            if process.is_alive():
                process.terminate()
            conn.close()
    return ours, bare


def compare(ours: Result, bare: Result, label: str) -> float:
    show(ours)
    show(bare)
    ratio = ours.cpu_ms / bare.cpu_ms
    print(f"{label}: ratio MLA Coach / bare: CPU {ratio:.2f}x; "
          f"latency p50 {ours.quantile(50) / bare.quantile(50):.2f}x, p99 {ours.quantile(99) / bare.quantile(99):.2f}x")
    return ratio


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--rate", type=float, default=20.0, help="updates per second offered to each bot")
    parser.add_argument("--repeat", type=int, default=3, help="paced runs; the goal is judged on their median")
    parser.add_argument("--no-flat-out", action="store_true", help="skip the flat-out load (context only)")
    parser.add_argument("--postgres", metavar="URL", help="run our bot on PostgreSQL: a server URL such as "
                        "postgresql+asyncpg://postgres@127.0.0.1:5432/test (a fresh database is made beside it)")
    args = parser.parse_args()
    if args.learners < 1 or args.rounds < 1 or args.rate <= 0 or args.repeat < 1:
        parser.error("--learners, --rounds and --repeat must be at least 1, --rate above 0")
    print(f"{args.learners} learners x {args.rounds} rounds of /quiz + tap the first option = "
          f"{args.learners * args.rounds * 2} updates per bot; stand-ins and learners in processes of their own")

    ratios = []
    for n in range(args.repeat):
        print(f"\npaced, run {n + 1} of {args.repeat}: {args.rate:g} updates/s offered to each bot, both at once")
        pair = await side_by_side(args.learners, args.rounds, args.rate, args.postgres)
        ratios.append(compare(*pair, f"paced run {n + 1}"))
    median = statistics.median(ratios)
    verdict = "met" if median <= GOAL else "NOT met"
    print(f"\npaced: CPU ratio MLA Coach / bare, median of {args.repeat}: {median:.2f}x "
          f"(runs: {', '.join(f'{r:.2f}x' for r in ratios)}); goal <= {GOAL}x: {verdict}")
    if not args.no_flat_out:
        print("\nflat out (context, not the goal): each learner's next update as soon as its reply arrives; "
              "one bot after the other")
        flat = await run_ours(args.learners, args.rounds, 0, postgres=args.postgres)
        compare(flat, await run_load("bare PTB echo", build_echo, args.learners, args.rounds, 0), "flat out")
        print("note: flat out, our bot keeps Telegram's 30 messages/s through AIORateLimiter and the bare bot has "
              "no limiter, so the bare bot runs faster and its polls carry several updates each; the same bare "
              "bot with the same limiter, for comparison:")
        limited = await run_load("bare + limiter", partial(build_echo, limited=True), args.learners, args.rounds, 0)
        show(limited)
        print(f"flat out: ratio MLA Coach / bare with the limiter: CPU {flat.cpu_ms / limited.cpu_ms:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
