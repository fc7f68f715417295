"""ConsoleChat: one learner at a terminal, as a chat adapter that Runtime runs like Telegram and Discord.

Lines are read on a daemon thread, so Ctrl-C, Ctrl-D or /quit end the process at once (a thread blocked
in readline() would otherwise hold the interpreter until Enter). Commands go to the core's dispatcher;
timed reports and the daily push arrive through deliver() while the chat is open. When the output goes
away (`./scripts/bot | head -1`, a reader that died) the chat ends as if the learner had left: every line
it ran is in the database already, and nobody is left to read a reply.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from pathlib import Path
from typing import TextIO

from adapters.console.render import render
from core.commands import Chat, Surface, console_banner
from core.dispatch import Caller, Dispatcher
from core.quiz.binding import Sent
from core.quiz.service import QuizService
from core.reply import FAILED, Reply
from core.rounds.view import RoundReply, RoundUpdate

log = logging.getLogger(__name__)
PLATFORM = "console"
BYE = "Bye. Your progress is saved."


class OutputClosed(Exception):
    """A message for this terminal could not be shown: its output is gone."""


class ConsoleChat:
    """The terminal chat; `ended` is set when the learner leaves (/quit, end of input)."""

    prefix = f"{PLATFORM}:"
    exit_code = 0  # leaving the console is the normal way to end the process

    def __init__(self, dispatcher: Dispatcher, stdin: TextIO, stdout: TextIO, user: str = "local",
                 charts: Path | None = None) -> None:
        self.dispatcher = dispatcher
        self.quiz: QuizService = dispatcher.quiz
        self.stdin = stdin
        self.stdout = stdout
        self.user = user
        self.channel = f"{self.prefix}{user}"
        self.learner_id: int | None = None
        self.ended = asyncio.Event()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._said_bye = False
        self.output_closed = False  # set when stdout can no longer be written: the chat then ends
        # The card on screen, (session id, position): a typed answer is for that question. None until this
        # process shows one, so after a restart a typed answer is not guessed onto the pending question.
        self.shown: tuple[int, int] | None = None
        self.charts = charts  # the folder a reply's chart is saved in (data/charts/ by default); None: not saved

    def say(self, reply: Reply | RoundReply) -> None:
        text = render(reply, self._save_chart(reply)) if isinstance(reply, Reply) else reply.text
        if not text or self.output_closed:
            return
        try:
            self.stdout.write(text + "\n\n")
            self.stdout.flush()
        except (OSError, ValueError):  # a closed pipe (BrokenPipeError), or stdout closed under us
            self._output_gone()

    def _save_chart(self, reply: Reply) -> str | None:
        """Save the reply's chart as a PNG file (a terminal shows no pictures); its absolute path, or None
        when there is none or it could not be written (logged: the text says everything the chart shows)."""
        if reply.image is None or self.charts is None:
            return None
        path = self.charts.resolve() / reply.image.name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_name(path.name + ".part")  # renamed once whole: a viewer never opens half a file
            part.write_bytes(reply.image.data)
            part.replace(path)
        except OSError as exc:
            log.warning("could not save the chart %s: %s", path, exc)
            return None
        return str(path)

    def _output_gone(self) -> None:
        """End the chat: with nobody reading, a further line would run unseen. What remains buffered goes
        to /dev/null, so the interpreter's last flush of stdout neither fails nor turns the exit status
        into 120."""
        log.info("the console's output was closed; leaving, progress saved")
        self.output_closed = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):  # not a file descriptor (a test's StringIO): nothing to flush at exit
            pass
        self._lines.put_nowait(None)  # wakes _serve if it waits for a line

    async def start(self) -> None:
        """The banner, then the question a restart interrupted (or the report of a timed session whose
        time ran out meanwhile), then the learner's lines."""
        self.learner_id = await self.quiz.learner(PLATFORM, self.user)
        try:
            exam = (await self.quiz.exam_of(self.learner_id)).exam  # the learner's own: /exam switches it
        except Exception as exc:  # the database down at launch: the banner names the newest exam; the look-up
            log.warning("could not look up the learner's exam: %r", exc)  # below logs the outage once
            exam = self.quiz.exams.newest.exam
        self.say(Reply([console_banner(exam.title, exam.code)]))
        try:
            resumed = await self.quiz.resumed(self.learner_id)
        except Exception:  # the database down at launch: say so, as for any line, and open the chat anyway
            log.exception("could not look up the interrupted session")
            resumed = Reply([FAILED])
        if resumed is not None:
            self.say(resumed)
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read, args=(loop,), name="console-stdin", daemon=True).start()
        self._task = asyncio.create_task(self._serve(), name="console-chat")

    def _read(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the daemon thread: hand each line to the loop; None marks the end of input."""
        try:
            for line in iter(self.stdin.readline, ""):
                loop.call_soon_threadsafe(self._lines.put_nowait, line)
        except (OSError, ValueError):  # stdin closed under us
            pass
        finally:
            try:
                loop.call_soon_threadsafe(self._lines.put_nowait, None)
            except RuntimeError:  # the loop is already closed: the process is ending anyway
                pass

    async def _serve(self) -> None:
        try:
            while not self.output_closed and (line := await self._lines.get()) is not None:
                line = line.strip()
                if not line:
                    continue
                if line.split()[0].lower() in ("/quit", "/exit"):
                    break
                self.say(await self.answer(line))
        finally:
            self._bye()
            self.ended.set()

    def _bye(self) -> None:
        if not self._said_bye:
            self._said_bye = True
            self.say(Reply([BYE]))

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self._bye()

    async def deliver(self, channel: str, reply: Reply) -> bool:
        """A timed session's report or a push for this terminal; False for any other console user."""
        if channel != self.channel:
            return False
        self._seen(reply)
        self.say(reply)
        if self.output_closed:  # not shown: a push is given back and shown at the next launch
            raise OutputClosed(channel)
        return True

    async def deliver_round(self, update: RoundUpdate) -> None:
        """Rounds are for group chats; the console never has one."""

    def caller(self) -> Caller:
        assert self.learner_id is not None, "start() first"
        return Caller(self.learner_id, Surface.CONSOLE, self.channel, Chat.PRIVATE, personal=self.channel,
                      manager=True)

    async def answer(self, line: str) -> Reply | RoundReply:
        """handle(), but a failure (a bug, the database down) is logged once and answered, and the chat goes
        on: the learner's next line may well work."""
        try:
            return await self.handle(line)
        except Exception:
            log.exception("a console command failed")  # not the line itself: it is the learner's text
            return Reply([FAILED])

    async def handle(self, line: str) -> Reply | RoundReply:
        """One line: a /command for the dispatcher, or else an answer to the question on screen."""
        if not line.startswith("/"):
            sent = Sent(shown=self.shown, blind=self.shown is None)
            return self._seen(await self.quiz.answer_text(self.caller().learner_id, line, sent))
        name, _, arg = line[1:].partition(" ")
        reply = await self.dispatcher.run(self.caller(), name, arg)
        if name.lower() == "forget" and arg.strip().lower() == "yes":
            self.learner_id = await self.quiz.learner(PLATFORM, self.user)  # start afresh as a new learner
        return self._seen(reply)

    def _seen(self, reply: Reply | RoundReply) -> Reply | RoundReply:
        """Remember the question card a reply puts on screen, the one the next typed answer is for."""
        if isinstance(reply, Reply) and reply.card is not None:
            self.shown = (reply.card.session_id, reply.card.position)
        return reply
