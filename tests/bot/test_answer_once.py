"""A typed answer is recorded once, for the question it answered, across a kill -9 of a real bot process.

Telegram re-sends every update whose offset the bot had not confirmed when it died. Killed right after it
replied to a typed answer, the bot used to get that answer again at its restart and record it for the next
question. The stand-in here keeps that update queued, as Telegram does when the confirmation never came.
The console re-sends nothing, but after a restart it cannot tell which question the learner was looking at.
Last, the clock of a timed session across a kill -9 (issue 19 item 6): it ran, and the learner is told.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from tests.adapters.telegram.standin import BotApiStandIn
from tests.bot.test_console import ROOT, bot_env, run_bot

CHAT = 77


def _message(message_id: int, text: str) -> dict:
    raw = {"message_id": message_id, "date": int(time.time()), "text": text,
           "chat": {"id": CHAT, "type": "private"}, "from": {"id": CHAT, "is_bot": False, "first_name": "A"}}
    if text.startswith("/"):
        raw["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": raw}


def typed_answer(card: str) -> str:
    """A well-formed typed answer for a Telegram question card's text (the card has no typing hint)."""
    letters = re.findall(r"^([A-Z])\) ", card, re.MULTILINE)
    select = re.search(r"Select (\d+), then Submit", card)
    if select:
        return " ".join(letters[: int(select.group(1))])
    if "Tap the steps in order" in card:
        return " ".join(letters)
    if "Pick the match for" in card:
        prompts = re.findall(r"^(\d+)\. ", card, re.MULTILINE)
        return " ".join(f"{p}{letters[i]}" for i, p in enumerate(prompts))
    return letters[0]


async def _start_bot(tmp_path, bank_dir, standin: BotApiStandIn) -> asyncio.subprocess.Process:
    env = bot_env(tmp_path, TELEGRAM_BOT_TOKEN=standin.token, TELEGRAM_API_BASE_URL=standin.base_url,
                  QUESTIONS_DIR=str(bank_dir.parent))
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=ROOT, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


def _texts(standin: BotApiStandIn) -> list[str]:
    return standin.sent_texts(CHAT)


async def test_a_typed_answer_resent_after_a_kill_9_is_not_recorded_for_the_next_question(tmp_path, bank_dir):
    standin = BotApiStandIn()
    await standin.start()
    try:
        bot = await _start_bot(tmp_path, bank_dir, standin)
        try:
            standin.push(_message(1, "/drill 1.1"))
            await standin.wait_for(lambda: any("Q 1/" in t for t in _texts(standin)), timeout=60)
            card = next(t for t in _texts(standin) if "Q 1/" in t)
            await asyncio.sleep(1.05 - time.time() % 1)  # the learner reads: their answer is dated a second later
            answer = standin.push(_message(2, typed_answer(card)))
            await standin.wait_for(lambda: any("Q 2/" in t for t in _texts(standin)), timeout=30)
        finally:
            bot.send_signal(signal.SIGKILL)  # right after the reply, before the offset is confirmed
            await bot.wait()
        answered = len(_texts(standin))
        standin.updates = [answer]  # Telegram never heard the confirmation: it sends the answer again

        bot = await _start_bot(tmp_path, bank_dir, standin)
        try:
            standin.push(_message(3, "/stats"))
            await standin.wait_for(lambda: any(" · Answered " in t for t in _texts(standin)), timeout=60)
        finally:
            bot.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(bot.communicate(), 30)
    finally:
        await standin.stop()
    after = _texts(standin)[answered:]
    assert bot.returncode == 0, err.decode()[-2000:]
    # Nothing at all for the re-sent answer (neither a verdict for question 2 nor a hint that its letters do
    # not fit question 2), and one answer recorded: the /stats reply is the only message.
    assert len(after) == 1 and " · Answered 1 ·" in after[0], after


def test_the_console_does_not_guess_which_question_a_typed_answer_was_for_after_a_kill_9(tmp_path, bank_dir):
    proc = subprocess.Popen([sys.executable, "-m", "bot"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd=ROOT, env=bot_env(tmp_path, QUESTIONS_DIR=str(bank_dir.parent)))
    proc.stdin.write("/mock 5\n")
    proc.stdin.flush()
    seen = ""
    while "── Q 2/5" not in seen:  # answer question 1, with its hint's example if "A" does not fit
        line = proc.stdout.readline()
        assert line, seen[-500:]
        seen += line
        if line.startswith("(") and "for example: " in line:
            proc.stdin.write(line.rsplit("for example: ", 1)[1].rstrip(")\n") + "\n")
            proc.stdin.flush()
    proc.send_signal(signal.SIGKILL)  # had the learner not seen question 2, they would type question 1's answer
    proc.wait(timeout=10)

    done = run_bot(tmp_path, "A\n/stop\n/quit\n", QUESTIONS_DIR=str(bank_dir.parent))
    assert done.returncode == 0, done.stderr
    assert "Not recorded: I restarted since I showed you a question" in done.stdout
    assert "── Q 2/5" in done.stdout  # the open question, shown so the next answer is for it
    assert "4 unanswered (counted wrong)" in done.stdout  # /stop: only question 1 was answered


def _shift_back(db: Path, seconds: int) -> None:
    """Move every stored time of the session and the heartbeat back: the minute the bot was down, without
    waiting a minute (the times are stored as SQLAlchemy writes them: naive UTC, with microseconds)."""
    def back(value: str) -> str:
        return (datetime.fromisoformat(value) - timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S.%f")

    with sqlite3.connect(db) as conn:
        for table, column in (("heartbeat", "beat_at"), ("quiz_session", "started_at"), ("quiz_session", "deadline"),
                              ("answer", "answered_at")):
            for rowid, value in conn.execute(f"SELECT rowid, {column} FROM {table}").fetchall():
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (back(value), rowid))


def test_after_a_kill_9_the_first_reply_says_how_long_the_clock_of_a_mock_ran_offline(tmp_path, bank_dir):
    proc = subprocess.Popen([sys.executable, "-m", "bot"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd=ROOT, env=bot_env(tmp_path, QUESTIONS_DIR=str(bank_dir.parent)))
    proc.stdin.write("/mock 5\n")
    proc.stdin.flush()
    seen = ""
    while "for example: " not in seen:
        line = proc.stdout.readline()
        assert line, seen[-500:]
        seen += line
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    _shift_back(tmp_path / "mla.db", 60)  # the bot died a minute ago, a moment after the mock began

    done = run_bot(tmp_path, "/question\n/quit\n", QUESTIONS_DIR=str(bank_dir.parent))
    assert done.returncode == 0, done.stderr
    offline = re.search(r"The clock ran while we were offline: 1 min(?: (\d+) s)?\.", done.stdout)
    assert offline, done.stdout[:500]
    left = re.search(r"── Q 1/5 · 0:(\d\d):(\d\d) left", done.stdout)
    assert left and int(left.group(1)) * 60 + int(left.group(2)) <= 9 * 60  # the deadline did not move
