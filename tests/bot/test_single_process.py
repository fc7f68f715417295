"""One bot process per SQLite file, with real processes: a second one is refused with a clear message, and
two started at once on a fresh file never race the migrations (one runs, the other is refused)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.bot.test_console import ROOT, bot_env, run_bot

REFUSED = "Refusing to start: another MLA Coach process is using"
PATIENCE = 120  # seconds: a safety net against a hung process, never the thing a pass depends on


def _start(folder: Path) -> subprocess.Popen:
    """The console bot, its stdin kept open (so it keeps running, and holding the file, until /quit)."""
    return subprocess.Popen([sys.executable, "-m", "bot"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=bot_env(folder))


def _answers_help(proc: subprocess.Popen) -> None:
    """Wait until the bot answers /help: it has migrated and is serving."""
    proc.stdin.write("/help\n")
    proc.stdin.flush()
    while "Commands:" not in (line := proc.stdout.readline()):
        assert line, f"the bot ended: {proc.stderr.read()}"


def _quit(proc: subprocess.Popen) -> tuple[str, str]:
    out, err = proc.communicate("/quit\n", timeout=PATIENCE)
    assert proc.returncode == 0 and "Traceback" not in err, err
    return out, err


def test_a_second_process_on_the_same_file_is_refused_until_the_first_ends(tmp_path):
    first = _start(tmp_path)
    try:
        _answers_help(first)
        second = run_bot(tmp_path, "/help\n/quit\n")
        assert second.returncode == 1 and "Commands:" not in second.stdout
        assert REFUSED in second.stderr and f"{tmp_path}/mla.db" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        _quit(first)
    third = run_bot(tmp_path, "/help\n/quit\n")  # the lock went with the first process
    assert third.returncode == 0 and "Commands:" in third.stdout


def test_two_processes_starting_at_once_on_a_fresh_file_never_race_the_migrations(tmp_path):
    both = [_start(tmp_path), _start(tmp_path)]
    try:
        deadline = time.monotonic() + PATIENCE
        while all(p.poll() is None for p in both):  # the refused one exits; the other waits for input
            assert time.monotonic() < deadline, "neither process was refused"
            time.sleep(0.05)
        refused = next(p for p in both if p.poll() is not None)
        running = next(p for p in both if p is not refused)
        err = refused.stderr.read()
        assert refused.returncode == 1 and REFUSED in err and "Traceback" not in err, err
        _answers_help(running)  # migrated, and serving
    finally:
        for proc in both:
            if proc.poll() is None:
                _quit(proc)
