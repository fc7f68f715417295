"""`python -m bot` as a learner runs it: piped stdin on a fresh database, and a kill -9 mid-diagnostic.

The learner flows run on the small generated bank (tests/conftest.py), not the real one: the quiz picks
questions at random, and an assertion on what a question says (its docs link, its hint) must hold for every
question that can come up. Every generated question cites REF and has a one-letter or hinted answer.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REF

ROOT = Path(__file__).resolve().parents[2]


def bot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_BOT_TOKEN")}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/mla.db", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def run_bot(tmp_path: Path, stdin: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot"], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=bot_env(tmp_path, **extra), timeout=120)


def test_start_quiz_answer_explain_stats_on_a_fresh_database(tmp_path, bank_dir):
    proc = subprocess.Popen([sys.executable, "-m", "bot"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd=ROOT, env=bot_env(tmp_path, QUESTIONS_DIR=str(bank_dir.parent)))
    proc.stdin.write("/start\n/quiz\n")
    proc.stdin.flush()
    shown = _read_hint(proc)  # the quick question's card ends with its answer hint
    example = HINT.findall(shown)[-1]  # a well-formed answer for its type
    out, _ = proc.communicate(f"{example}\n/explain\n/stats\n/quit\n", timeout=60)
    assert proc.returncode == 0
    assert "MLA Coach: practice for the AWS Certified Machine Learning Engineer" in shown
    assert "── Quick question ──" in shown
    assert "✅ Correct." in out or "❌ Not quite. The correct answer:" in out
    assert "Quick question done" not in out  # one question: its verdict says it all
    assert "Takeaway:" in out and f"Docs: {REF[0]}" in out  # every generated question cites REF
    assert "Answered 1 · accuracy" in out and "Readiness: not yet" in out
    assert out.rstrip().endswith("Bye. Your progress is saved.")


def test_bad_input_gets_a_hint_and_end_of_input_exits_zero(tmp_path, bank_dir):
    # On the generated bank no stem says "for example", so each hint counted is a refused answer's.
    done = run_bot(tmp_path, "/frobnicate\nB\n/drill 1.1\nZ\nA A\n", QUESTIONS_DIR=str(bank_dir.parent))
    assert done.returncode == 0, done.stderr
    assert "Unknown command /frobnicate. Send /help for the list." in done.stdout
    assert "No question is waiting for an answer." in done.stdout
    assert done.stdout.count("for example") >= 2
    assert done.stdout.count("── Q 1/") == 1 and "── Q 2/" not in done.stdout  # hints did not move it on


def test_the_console_imports_no_chat_library(tmp_path, bank_dir):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "bot"], input="/quit\n", capture_output=True,
                          text=True, cwd=ROOT, env=bot_env(tmp_path, QUESTIONS_DIR=str(bank_dir.parent)), timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "adapters.console.chat" in imported
    assert not {m for m in imported if m.split(".")[0] in ("telegram", "discord")}


def test_broken_bank_refuses_to_start(tmp_path):
    exam = tmp_path / "exam"
    exam.mkdir()
    (exam / "exam.yaml").write_text((ROOT / "questions/mla-c01/exam.yaml").read_text())
    (exam / "1.1.yaml").write_text("- id: d1-1.1-001\n  task: '1.1'\n")
    done = run_bot(tmp_path, "/quit\n", QUESTIONS_DIR=str(exam.parent))
    assert done.returncode == 1
    assert "1.1.yaml: question d1-1.1-001: field stage: Field required" in done.stderr


def test_malformed_setting_is_a_clear_error_without_echoing_it(tmp_path):
    done = run_bot(tmp_path, "", DATABASE_URL="mysql://root:hunter2@db/x")
    assert done.returncode == 2
    assert "Invalid setting DATABASE_URL" in done.stderr and "hunter2" not in done.stderr


def test_forget_asks_first_then_erases_and_starts_afresh(tmp_path, bank_dir):
    done = run_bot(tmp_path, "/quiz\nA\n/forget\n/stats\n/forget yes\n/stats\n/quiz\n/quit\n",
                   QUESTIONS_DIR=str(bank_dir.parent))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Send /forget yes to confirm." in out
    after = out.split("your answers, sessions and settings are erased")[1]
    assert "No MLA-C01 answers yet." in after and "── Quick question ──" in after


# A card ends with its answer hint on a line of its own, e.g. "(Answer with one letter, A to D, for example: B)",
# and a refused answer repeats that hint. Stems may say "for example" too, so match the hint's own form.
CARD_END = re.compile(r"^\(.*for example: ([^)\n]+)\)$", re.MULTILINE)
HINT = re.compile(r"for example: ([^)\n]+)\)?$", re.MULTILINE)


def _read_hint(proc: subprocess.Popen) -> str:
    """Output up to and including the next answer hint: a card's last line, or a refused answer."""
    seen = ""
    while not HINT.search(seen):
        line = proc.stdout.readline()
        assert line, f"bot ended before an answer hint: {seen[-500:]}"
        seen += line
    return seen


def _card(text: str) -> tuple[str, str]:
    """The last question card in the output: its progress line and its body."""
    at = text.rindex("── Q ")
    body = text[at:]
    body = body[: CARD_END.search(body).end()]  # up to the end of the card's hint line
    return re.match(r"── (Q \d+/65 · \d:\d\d:\d\d left) ──", body).group(1), body


def test_kill_minus_nine_mid_diagnostic_resumes_same_question_order_and_time(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "bot"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd=ROOT, env=bot_env(tmp_path))
    proc.stdin.write("/diagnostic\n")
    proc.stdin.flush()
    _read_hint(proc)
    for n in range(2, 5):  # answer three questions with a well-formed answer each
        out = ""
        while f"── Q {n}/65" not in out:
            proc.stdin.write("A\n")
            proc.stdin.flush()
            out += _read_hint(proc)
            if f"── Q {n}/65" not in out:  # "A" did not fit (multi, ordering or matching): use the hint
                example = HINT.findall(out)[-1]
                proc.stdin.write(example + "\n")
                proc.stdin.flush()
                out += _read_hint(proc)
    before_progress, before_body = _card(out)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    done = run_bot(tmp_path, "/start\n/quit\n")
    assert done.returncode == 0, done.stderr
    assert "Your MLA-C02 diagnostic is where you left it:" in done.stdout
    after_progress, after_body = _card(done.stdout.split("Your MLA-C02 diagnostic is where you left it:")[1])
    assert after_progress.startswith("Q 4/65") and before_progress.startswith("Q 4/65")
    assert after_body.split("\n", 1)[1] == before_body.split("\n", 1)[1]  # same stem, same option order

    def seconds(progress: str) -> int:
        h, m, s = map(int, progress.split("· ")[1].split()[0].split(":"))
        return h * 3600 + m * 60 + s

    assert 0 <= seconds(before_progress) - seconds(after_progress) <= 60  # the clock kept running, no reset


@pytest.mark.parametrize("command", ["questions check"])
def test_questions_check_validates_the_bundled_bank(command):
    done = subprocess.run([sys.executable, "-m", "bot", *command.split()], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "all valid" in done.stdout and "By domain:" in done.stdout


def test_a_reader_that_goes_away_ends_the_console_cleanly_and_keeps_its_progress(tmp_path, bank_dir):
    """`./scripts/bot | head -1`: the output pipe closes after the banner; the reply to the next line cannot
    be shown, so the console ends at once (status 0, no traceback) with what that line did saved."""
    env = bot_env(tmp_path, QUESTIONS_DIR=str(bank_dir.parent))
    proc = subprocess.Popen([sys.executable, "-m", "bot"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        assert proc.stdout.readline().startswith("MLA Coach · ")
        proc.stdout.close()  # the reader is gone, as `head -1` is after its line
        proc.stdin.write("/drill 1.1\n")
        proc.stdin.flush()
        status = proc.wait(timeout=120)  # stdin stays open: only the closed output may end it
        err = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stderr.close()
    assert status == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err, err

    again = run_bot(tmp_path, "/quit\n", QUESTIONS_DIR=str(bank_dir.parent))
    assert again.returncode == 0, again.stderr
    assert "You were on question 1 of 7 of your drill" in again.stdout
