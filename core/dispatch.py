"""One dispatcher for every chat surface: a caller and a command in, the core's answer out.

Adapters translate an update into a `Caller` (who, where, whether they manage that chat) and a command
name with its argument text; this module checks, once, that the command exists on that surface, works in
that kind of chat and may be run by that caller, then calls the service that owns it. Group rounds answer
with a RoundReply (cards and reveals the adapter draws); everything else with a Reply.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.args import parse_number
from core.commands import COMMANDS, Chat, Right, Surface, help_text
from core.exam.bank import Bank
from core.plan.service import PlanService
from core.quiz.engine import Mode
from core.quiz.exam_service import EXAM_COMMANDS, ExamService
from core.quiz.service import QuizService
from core.reply import Reply
from core.rounds.service import NOT_IN_PRIVATE, RoundService
from core.rounds.view import RoundReply

NOT_A_MANAGER = "Only a chat admin can change this chat's settings. For your own, send me the command privately."
GROUP_ONLY = {"daily": "/daily switches a group's question of the day. Your own daily push: /pause and /resume."}
FORGET_PROMPT = "This erases your answers, sessions, plan and settings for good. It cannot be undone. Erase everything?"
FORGET_KEPT = "Kept: nothing was erased."
# "/explain diag 14": question 14 of the latest finished diagnostic, reachable after later sessions
EXPLAIN_FORMS = {"diag": Mode.DIAGNOSTIC, "diagnostic": Mode.DIAGNOSTIC, "mock": Mode.MOCK}
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Caller:
    """Who sent a command, and from where.

    `channel` is the chat it came from; `personal` the learner's own chat with the bot, where a timed
    session's report and the daily push go when they were not asked for (None when the surface cannot tell);
    `manager` whether the sender may change this chat's settings (always true in a private chat).
    """

    learner_id: int
    surface: Surface
    channel: str
    chat: Chat = Chat.PRIVATE
    personal: str | None = None
    manager: bool = False
    name: str = ""  # display name, for round standings

    @property
    def private(self) -> bool:
        return self.chat is Chat.PRIVATE

    @property
    def manages(self) -> bool:
        return self.private or self.manager


class Dispatcher:
    """Runs catalogue commands for a caller; the one place where rights are checked."""

    def __init__(self, quiz: QuizService, planner: PlanService, rounds: RoundService | None = None) -> None:
        self.quiz = quiz
        self.planner = planner
        self.rounds = rounds

    @staticmethod
    def manager_matters(chat: Chat, name: str, arg: str | None) -> bool:
        """Whether running `name` here depends on the sender managing the chat, so an adapter asks its
        platform (a Bot API call) only then: settings in a group, stopping someone else's round, changing
        a group's round settings."""
        if chat is Chat.PRIVATE or name not in COMMANDS:
            return False
        changes = bool(arg and arg.strip())
        return (COMMANDS[name].right is Right.MANAGER or name == "stopround"
                or (COMMANDS[name].right is Right.MANAGER_TO_CHANGE and changes)
                or (name == "roundsettings" and changes))

    def refusal(self, caller: Caller, name: str, arg: str | None = None) -> Reply | None:
        """Why `caller` may not run `name` (with `arg`) here, or None when they may."""
        command = COMMANDS.get(name)
        if command is None or caller.surface not in command.surfaces:
            return Reply([f"Unknown command /{name[:32]}. Send /help for the list."], refused=True)
        if caller.chat not in command.chats:
            return Reply([GROUP_ONLY.get(name, NOT_IN_PRIVATE)], refused=True)
        if command.right is Right.MANAGER and not caller.manages:
            return Reply([NOT_A_MANAGER], refused=True)
        if command.right is Right.MANAGER_TO_CHANGE and arg and not caller.manages:
            return Reply([NOT_A_MANAGER], refused=True)
        return None

    async def run(self, caller: Caller, name: str, arg: str | None = None) -> Reply | RoundReply:
        """The command's answer; a refusal changes nothing."""
        name = name.lower()
        arg = arg.strip() if arg and arg.strip() else None
        refused = self.refusal(caller, name, arg)
        if refused is not None:
            return refused
        command = COMMANDS[name]
        if command.arg_required and arg is None:
            return Reply([f"Usage: {command.usage}"], refused=True)
        if name in ("round", "stopround", "roundsettings", "leaderboard"):
            return await self._round(caller, name, arg)
        return await self._personal(caller, name, arg)

    async def _personal(self, caller: Caller, name: str, arg: str | None) -> Reply:
        quiz, planner, lid = self.quiz, self.planner, caller.learner_id
        if name == "help":
            line = f"You study {(await quiz.exam_of(lid)).exam.code}"
            if not caller.private:
                line += f"; this chat's rounds: {(await self._chat_exam(caller.channel)).exam.code}"
            return Reply([line + " (/exam to see both exams)."] + help_text(caller.surface, caller.chat))
        if name == "start":
            welcome = await planner.welcome(lid, caller.channel if caller.private else None)
            return Reply(welcome.paragraphs + help_text(caller.surface, caller.chat), card=welcome.card,
                         actions=welcome.actions, buttons=welcome.buttons)
        if name == "quiz":
            return await quiz.quick(lid, caller.personal)
        if name == "drill":
            return await quiz.drill(lid, arg, caller.personal)
        if name == "diagnostic":
            return await quiz.diagnostic(lid, caller.personal, arg)
        if name == "exam":
            if caller.private:
                return await quiz.choose_exam(lid, arg)
            if self.rounds is None:
                return Reply(["A group's exam is set where rounds run."], refused=True)
            return await self.rounds.choose_exam(caller.channel, arg)
        if name == "mock":
            size = parse_number(arg, 0, 10**6) if arg else None
            if arg and size is None:
                return Reply([f"Usage: {COMMANDS['mock'].usage}."], refused=True)
            return await quiz.mock(lid, size, caller.personal)
        if name == "review":
            return await quiz.review(lid, caller.personal)
        if name == "explain":
            words = arg.split() if arg else []
            form = EXPLAIN_FORMS.get(words[0].lower()) if len(words) == 2 else None
            number = parse_number(words[-1], 1, 10**6) if words else None
            if words and (number is None or (len(words) == 2 and form is None) or len(words) > 2):
                return Reply([f"Usage: {COMMANDS['explain'].usage}."], refused=True)
            return await quiz.explain(lid, number, form=form)
        if name == "question":
            return await quiz.current(lid)
        if name in EXAM_COMMANDS:
            return await ExamService(quiz).command(lid, name, arg)
        if name == "stats":
            return await quiz.stats(lid)
        if name == "stop":
            return await quiz.stop(lid)
        if name == "plan":
            return await planner.plan(lid, caller.surface)
        if name == "examdate":
            return await planner.set_exam_date(lid, arg or "", caller.surface)
        if name == "classify":
            return await planner.classify(lid, arg)
        if name in ("settings", "time", "timezone", "pause", "resume", "daily"):
            return await planner.channel_setting(name, arg, caller.channel, lid if caller.private else None,
                                                 caller.surface)
        if name == "forget":
            return await self._forget(caller, arg)
        if name == "quit":
            return Reply(["Bye. Your progress is saved."])
        raise AssertionError(f"catalogue command without a branch: {name}")

    async def _chat_exam(self, chat: str) -> Bank:
        return await self.rounds.exam_of(chat) if self.rounds is not None else self.quiz.exams.newest

    async def _forget(self, caller: Caller, arg: str | None) -> Reply:
        """Asks first: only `/forget yes` (any case) erases."""
        answer = (arg or "").lower()
        if answer == YES:
            return await self.quiz.forget(caller.learner_id)
        if answer == NO:
            return Reply([FORGET_KEPT])
        return Reply([FORGET_PROMPT + " Send /forget yes to confirm."],
                     buttons=[("Yes, erase my data", "/forget yes"), ("Cancel", "/forget no")])

    async def _round(self, caller: Caller, name: str, arg: str | None) -> RoundReply:
        rounds = self.rounds
        if rounds is None:
            return RoundReply(["Rounds are not available here."], refused=True)
        words = arg.split() if arg else []
        if name == "round":
            return await rounds.start(caller.channel, caller.learner_id, caller.name, words)
        if name == "stopround":
            return await rounds.stop(caller.channel, caller.learner_id, caller.manager)
        if name == "roundsettings":
            return await rounds.configure(caller.channel, caller.manager, words)
        return await rounds.leaderboard(caller.channel)
