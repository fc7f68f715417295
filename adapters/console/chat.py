"""ConsoleChat: reads commands and answers from a text stream, writes replies; no terminal needed."""

from __future__ import annotations

import asyncio
from typing import TextIO

from adapters.console.render import render
from core.plan.service import PlanService
from core.quiz.service import QUIZ_COMMANDS, QuizService
from core.reply import Reply

PLATFORM = "console"
TICK_SECONDS = 5.0


class ConsoleChat:
    """One learner at a terminal; `/quit` or end of input ends the chat with exit status 0."""

    def __init__(self, service: QuizService, stdin: TextIO, stdout: TextIO, user: str = "local",
                 planner: PlanService | None = None) -> None:
        self.service = service
        self.planner = planner
        self.stdin = stdin
        self.stdout = stdout
        self.user = user
        self.learner_id: int | None = None

    def say(self, reply: Reply) -> None:
        text = render(reply)
        if text:
            self.stdout.write(text + "\n\n")
            self.stdout.flush()

    async def run(self) -> int:
        self.learner_id = await self.service.learner(PLATFORM, self.user)
        ticker = asyncio.create_task(self._tick())
        loop = asyncio.get_running_loop()
        try:
            while True:
                line = await loop.run_in_executor(None, self.stdin.readline)
                if not line:
                    return 0
                line = line.strip()
                if not line:
                    continue
                if line.split()[0].lower() in ("/quit", "/exit"):
                    self.say(Reply(["Bye. Your progress is saved."]))
                    return 0
                self.say(await self.handle(line))
        finally:
            ticker.cancel()

    async def _tick(self) -> None:
        """End timed sessions at their deadline even while the learner is silent."""
        while True:
            await asyncio.sleep(TICK_SECONDS)
            for session, reply in await self.service.expire_due():
                if session.learner_id == self.learner_id:
                    self.say(reply)

    async def handle(self, line: str) -> Reply:
        """Route one line: a /command, or else an answer to the pending question."""
        service, lid = self.service, self.learner_id
        if not line.startswith("/"):
            return await service.answer_text(lid, line)
        command, _, arg = line[1:].partition(" ")
        command, arg = command.lower(), arg.strip()
        if command == "start":
            return await self.planner.welcome(lid, None) if self.planner else await service.start(lid)
        if command in ("plan", "examdate", "classify") and self.planner:
            if command == "plan":
                return await self.planner.plan(lid)
            if command == "examdate":
                return await self.planner.set_exam_date(lid, arg)
            return await self.planner.classify(lid, arg or None)
        if command == "forget":
            if arg != "yes":
                return Reply(["This erases all your answers, sessions and plan. Send /forget yes to confirm."])
            reply = await service.forget(lid)
            self.learner_id = await service.learner(PLATFORM, self.user)  # start afresh as a new learner
            return reply
        if command in ("round", "stopround", "roundsettings", "leaderboard"):
            return Reply(["Quiz rounds run in Telegram groups and Discord channels, for everyone there."])
        if command in ("settings", "time", "timezone", "pause", "resume", "daily"):
            return Reply(["Daily pushes arrive in Telegram or Discord; in the console, /plan shows your day."])
        if command in QUIZ_COMMANDS:
            return await service.command(lid, command, arg or None)
        if command in ("question", "current"):
            return await service.current(lid)
        return Reply([f"Unknown command /{command}. Send /help for the list."])
