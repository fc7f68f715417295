"""`python -m bot` at a real terminal (a pty): the launch a learner sees, and a resume after kill -9.

The flows run on the generated bank (QUESTIONS_DIR), so nothing depends on which question comes up: every answer
typed is the example of the card's own hint, which is well formed for its type.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.bot.test_console import HINT, ROOT, bot_env

BANNER = ("MLA Coach · AWS Certified Machine Learning Engineer - Associate (MLA-C01) · type /start to begin, "
          "/help for the commands, /quit to leave.")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ |alembic|apscheduler", re.MULTILINE)
HINT_END = re.compile(r"for example: [^)\n]+\)")  # the end of a card's answer hint, as read_until waits for it


class Terminal:
    """`python -m bot` with a pty as its stdin, stdout and stderr: everything it shows, as a learner sees it."""

    def __init__(self, tmp_path: Path, bank_dir: Path) -> None:
        master, slave = os.openpty()
        self.master = master
        self.proc = subprocess.Popen([sys.executable, "-m", "bot"], stdin=slave, stdout=slave, stderr=slave,
                                     cwd=ROOT, env=bot_env(tmp_path, QUESTIONS_DIR=str(bank_dir.parent)),
                                     start_new_session=True)
        os.close(slave)
        self.shown = ""

    def read_until(self, pattern: str, timeout: float = 60) -> str:
        """Everything shown up to a match of `pattern` (carriage returns dropped), from where the last read
        ended."""
        start = len(self.shown)
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.shown[start:]):
            assert time.monotonic() < deadline, f"not shown within {timeout} s: {pattern!r}\n{self.shown[-800:]}"
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the process ended and the pty closed
                    chunk = b""
                assert chunk or self.proc.poll() is None, f"bot ended: {self.shown[-800:]}"
                self.shown += chunk.decode(errors="replace").replace("\r", "")
        return self.shown[start:]

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\n")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        os.close(self.master)


def _answer(term: Terminal, shown: str) -> str:
    """Answer the card just shown with its hint's example; what follows, up to the next card's hint."""
    term.type(HINT.findall(shown)[-1])
    return term.read_until(r"── Q \d+/20 [^\n]*──(.|\n)*for example: [^)\n]+\)")


def _through_hint(card: str) -> str:
    """A card's text up to the end of its answer hint."""
    return card[:HINT_END.search(card).end()]


def test_launch_shows_a_banner_no_logs_and_after_kill_minus_nine_the_interrupted_question(tmp_path, bank_dir):
    term = Terminal(tmp_path, bank_dir)
    first = term.read_until("type /start")
    term.type("/mock")
    shown = term.read_until(r"for example: [^)\n]+\)")
    for _ in range(3):
        shown = _answer(term, shown)
    card = shown[shown.rindex("── Q "):]
    assert card.startswith("── Q 4/20 ")
    launch = term.shown
    term.kill()

    again = Terminal(tmp_path, bank_dir)
    resumed = again.read_until(r"for example: [^)\n]+\)")
    again.type("/quit")
    again.read_until("Bye. Your progress is saved.")
    again.proc.wait(timeout=30)
    assert again.proc.returncode == 0
    os.close(again.master)

    assert first.lstrip().startswith(BANNER)
    assert resumed.lstrip().startswith(BANNER + "\n\nYou were on question 4 of 20 of your mock:\n\n── Q 4/20 ")
    after = resumed[resumed.index("── Q 4/20 "):]
    # the same question, options in the same order (up to its hint: the line of moves after it may not have
    # been read yet when read_until stopped)
    assert _through_hint(after).split("\n", 1)[1] == _through_hint(card).split("\n", 1)[1]
    assert not LOG_LINE.search(launch + again.shown), "a log line reached the chat terminal"
    log = (tmp_path / "console.log").read_text()
    assert "alembic.runtime.migration" in log  # the logs went to the file instead
