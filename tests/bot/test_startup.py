"""`python -m bot` in bad environments: one line naming the setting and what to do, a non-zero exit, no
traceback and never a token; a temporary outage is retried first (fast here: STARTUP_RETRY_SECONDS)."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.startup import retry, retry_async
from tests.adapters.telegram.standin import BotApiStandIn
from tests.bot.test_console import ROOT, bot_env

FAST = {"STARTUP_ATTEMPTS": "2", "STARTUP_RETRY_SECONDS": "0.01"}


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        return True
    except OSError:
        return False


def start(tmp_path: Path, *argv: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *(argv or ("-m", "bot"))], input="", capture_output=True, text=True,
                          cwd=ROOT, env=bot_env(tmp_path, **{**FAST, **env}), timeout=120)


def refused(done: subprocess.CompletedProcess, *parts: str) -> str:
    """The one "Refusing to start" line, checked for the parts it must name."""
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("Refusing to start:")]
    assert len(lines) == 1, done.stderr[-2000:]
    for part in parts:
        assert part in lines[0], lines[0]
    return lines[0]


def test_postgres_unreachable_is_retried_then_one_line(tmp_path):
    port = closed_port()
    done = start(tmp_path, DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{port}/test")
    refused(done, f"cannot reach PostgreSQL at 127.0.0.1:{port} after 2 attempts", "DATABASE_URL")
    assert "attempt 1 of 2" in done.stderr  # the retry was logged


def test_unknown_database_host(tmp_path):
    done = start(tmp_path, DATABASE_URL="postgresql+asyncpg://postgres@no-such-host.invalid/test")
    refused(done, "the database host 'no-such-host.invalid' is unknown", "DATABASE_URL")


@pytest.mark.skipif(not postgres_answers(), reason="no PostgreSQL at 127.0.0.1:5432")
def test_missing_postgres_database(tmp_path):
    done = start(tmp_path, DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/no_such_db_here")
    refused(done, "'no_such_db_here' does not exist", "createdb no_such_db_here", "DATABASE_URL")


def test_bad_sqlite_path(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = start(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{blocker}/mla.db")
    refused(done, f"cannot use the SQLite database {blocker}/mla.db", "DATABASE_URL")


def test_a_locked_sqlite_file_is_named(tmp_path):
    path = tmp_path / "held.db"
    holder = sqlite3.connect(path)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the write lock for the whole start
    try:
        done = start(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{path}", STARTUP_ATTEMPTS="1")
    finally:
        holder.close()
    refused(done, f"the SQLite database {path} is locked by another program", "DATABASE_URL")


def test_non_numeric_port_names_the_setting_without_echoing_it(tmp_path):
    done = start(tmp_path, DATABASE_URL="postgresql+asyncpg://postgres:hunter2@127.0.0.1:abc/test")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Invalid setting DATABASE_URL" in done.stderr and "the port is a number" in done.stderr
    assert "hunter2" not in done.stderr


def test_a_question_file_that_is_not_utf8_is_named(tmp_path, bank_dir):
    exam = tmp_path / "exam"
    exam.mkdir()
    for f in bank_dir.iterdir():
        (exam / f.name).write_bytes(f.read_bytes())
    (exam / "2.1.yaml").write_bytes((bank_dir / "2.1.yaml").read_bytes() + "é".encode("latin-1"))
    done = start(tmp_path, QUESTIONS_DIR=str(exam.parent))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert f"the question bank in {exam} (QUESTIONS_DIR) is broken" in done.stderr
    assert "2.1.yaml: question -: field -: not UTF-8 text" in done.stderr


def test_telegram_unreachable_is_retried_then_one_line(tmp_path):
    token = "4242:SECRET-unreachable"
    done = start(tmp_path, TELEGRAM_BOT_TOKEN=token,
                 TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot")
    refused(done, "cannot reach the Telegram Bot API", "after 2 attempts", "TELEGRAM_API_BASE_URL")
    assert "SECRET-unreachable" not in done.stdout + done.stderr


async def test_a_rejected_telegram_token_is_named_never_printed(tmp_path):
    standin = BotApiStandIn(token="1:the-right-one")  # answers any other token with 401 Unauthorized
    await standin.start()
    try:
        env = bot_env(tmp_path, **FAST, TELEGRAM_BOT_TOKEN="777:TOPSECRET-rejected",
                      TELEGRAM_API_BASE_URL=standin.base_url, LOG_LEVEL="DEBUG")
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=ROOT, env=env,
                                                    stdin=asyncio.subprocess.DEVNULL,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        await standin.stop()
    done = subprocess.CompletedProcess([], proc.returncode, out.decode(), err.decode())
    refused(done, "TELEGRAM_BOT_TOKEN was rejected by Telegram: check it with @BotFather")
    assert "TOPSECRET" not in done.stdout + done.stderr
    assert "attempt 1 of" not in done.stderr  # a rejected token is not an outage: no retry


DISCORD_REJECTS = """
import runpy, sys, discord
async def login(self, token):
    raise discord.LoginFailure(f"Improper token has been passed: {token}")  # the worst case: it names the token
discord.Client.login = login
sys.argv = ["bot"]
runpy.run_module("bot", run_name="__main__")
"""


def test_a_rejected_discord_token_is_named_never_printed(tmp_path):
    done = start(tmp_path, "-c", DISCORD_REJECTS, DISCORD_BOT_TOKEN="MTIz.TOPSECRET.discord", LOG_LEVEL="DEBUG")
    refused(done, "DISCORD_BOT_TOKEN was rejected by Discord")
    assert "TOPSECRET" not in done.stdout + done.stderr


def test_retry_waits_longer_each_time_and_gives_up_after_the_attempts():
    calls, waits = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionRefusedError(111, "Connection refused")
        return "up"

    assert retry(flaky, 5, 0.5, "test", sleep=waits.append) == "up" and waits == [0.5, 1.0]
    calls.clear()
    with pytest.raises(ConnectionRefusedError):
        retry(flaky, 2, 0.5, "test", sleep=waits.append)
    assert len(calls) == 2


async def test_retry_async_does_not_retry_a_permanent_failure():
    calls, waits = [], []

    async def wrong():
        calls.append(1)
        raise ValueError("not an outage")

    async def sleep(seconds):
        waits.append(seconds)

    with pytest.raises(ValueError):
        await retry_async(wrong, 5, 1.0, "test", sleep=sleep)
    assert len(calls) == 1 and waits == []
