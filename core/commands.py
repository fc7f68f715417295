"""The command catalogue: every command once, with what it means, where it works and who may run it.

Each chat surface derives what it shows from here (Telegram's command menu, Discord's slash commands, the
console's /help), and core/dispatch.py checks the rights here, once, for every surface. Adding a command
means one entry here and one branch in the dispatcher; no adapter re-states it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Chat(StrEnum):
    """Where a command was sent: a one-to-one chat with the bot, or a chat many people share."""

    PRIVATE = "private"
    GROUP = "group"


class Right(StrEnum):
    """Who may run a command in a group. In a private chat the learner manages their own chat."""

    ANYONE = "anyone"
    MANAGER = "manager"  # a Telegram group admin (anonymous ones too), Discord's Manage Server
    MANAGER_TO_CHANGE = "manager_to_change"  # anyone sees the setting; with an argument (a change), managers


class Arg(StrEnum):
    """The kind of argument a command takes, so each surface can offer the right input for it."""

    NONE = "none"
    TEXT = "text"  # free text, e.g. a date, a time, a zone
    NUMBER = "number"  # a whole number, e.g. /mock 30
    SCOPE = "scope"  # a domain or task statement, e.g. /drill 2.1
    ON_OFF = "on_off"  # /daily on, /daily off


class Surface(StrEnum):
    CONSOLE = "console"
    TELEGRAM = "telegram"
    DISCORD = "discord"


# What the daily message is called, (one, many): Telegram and Discord push it to the learner wherever they
# are; the console can only show it while it is open (or at its next launch that day), so it is a reminder.
DAILY = {Surface.CONSOLE: ("reminder", "reminders"), Surface.TELEGRAM: ("push", "pushes"),
         Surface.DISCORD: ("push", "pushes")}
CHAT_DAILY = "daily push"  # the catalogue's own wording, a chat's


BOTH = frozenset({Chat.PRIVATE, Chat.GROUP})
GROUPS = frozenset({Chat.GROUP})
CHATS = frozenset({Surface.TELEGRAM, Surface.DISCORD})
EVERYWHERE = frozenset(Surface)


@dataclass(frozen=True)
class Command:
    """One command: `summary` for menus and /help, `usage` for a malformed call, `arg` for its input."""

    name: str
    summary: str
    usage: str = ""
    arg: Arg = Arg.NONE
    arg_required: bool = False
    arg_about: str = ""  # what the argument is, for Discord's parameter description
    chats: frozenset[Chat] = BOTH
    right: Right = Right.ANYONE
    surfaces: frozenset[Surface] = EVERYWHERE
    button: str = ""  # its label when a reply suggests it as a next step (Reply.actions)

    def works_in(self, surface: Surface, chat: Chat) -> bool:
        return surface in self.surfaces and chat in self.chats

    def summary_on(self, surface: Surface) -> str:
        """The summary in the surface's words: the catalogue says "daily push", the console "daily reminder"."""
        return self.summary.replace(CHAT_DAILY, f"daily {DAILY[surface][0]}")


CATALOGUE: tuple[Command, ...] = (
    Command("start", "What this bot does, and where you are"),
    Command("quiz", "One quick question from your weakest area", button="Quick question"),
    Command("drill", "10 questions from a domain or task statement", "/drill 2 or /drill 2.1", Arg.SCOPE,
            arg_about="A domain (2) or task statement (2.1); leave empty to see the list", button="Drill"),
    Command("diagnostic", "Full-length diagnostic weighted by domain, report at the end",
            "/diagnostic, or /diagnostic beta for MLA-C02's 85-question beta length", Arg.TEXT,
            arg_about="A longer form of your exam: beta (MLA-C02, 85 questions); leave empty for the standard one",
            button="Diagnostic"),
    Command("mock", "Timed mixed set: 20 questions in 40 minutes", "/mock or /mock 30 (the number of questions)",
            Arg.NUMBER, arg_about="How many questions (default 20; the time scales with the size)", button="Mock exam"),
    Command("review", "Retry the questions you missed", button="Review misses"),
    Command("explain", "Why the right answer is right and each distractor wrong",
            "/explain, /explain 12 (question 12 of your latest session) or /explain diag 12 (of your latest "
            "diagnostic; mock for your latest mock)", Arg.TEXT,
            arg_about="12 for question 12 of your latest session, diag 12 or mock 12; empty: your last answer",
            button="Explain"),
    Command("question", "Show the question you are on again"),
    # A running diagnostic or mock moves like the exam (core/quiz/exam_service.py). A button sends the
    # question number it was drawn for, so a stale tap is refused.
    Command("flag", "Flag a diagnostic or mock question to come back to (again: unflag)", "/flag or /flag 12",
            Arg.NUMBER, arg_about="The question number; empty: the one you are on"),
    Command("skip", "Move on without answering (diagnostic or mock)", "/skip", Arg.NUMBER,
            arg_about="Leave empty (buttons send the question they were for)"),
    Command("back", "Go back to the previous question (diagnostic or mock)", "/back", Arg.NUMBER,
            arg_about="Leave empty (buttons send the question they were for)"),
    Command("goto", "Open question N of your diagnostic or mock", "/goto 12", Arg.NUMBER, True,
            "The question number"),
    Command("overview", "The review screen: answered, unanswered and flagged questions", "/overview"),
    Command("submit", "Submit your diagnostic or mock (asks first)", "/submit, then /submit yes", Arg.TEXT,
            arg_about="yes to confirm; empty: see what is unanswered first"),
    Command("recap", "Walk through a finished diagnostic or mock: your pick, the answer, why, your time",
            "/recap (your attempts), /recap 2 (attempt 2) or /recap 2 14 (its question 14)", Arg.TEXT,
            arg_about="An attempt number, and a question number; empty: the list", button="Walk through it"),
    Command("stats", "Accuracy by domain and task statement, scores, readiness", button="Stats"),
    Command("stop", "End the current session (timed ones get their report)"),
    Command("exam", "Which exam you study (a group: its rounds), MLA-C02 or MLA-C01",
            "/exam, or /exam mla-c02 or /exam mla-c01 to switch", Arg.TEXT,
            arg_about="mla-c02 (English) or mla-c01 (Japanese, Korean, Simplified Chinese); empty to see both",
            right=Right.MANAGER_TO_CHANGE),
    Command("plan", "Your seven-day study plan"),
    Command("examdate", "Set your exam date for the plan", "/examdate YYYY-MM-DD", Arg.TEXT, True,
            "Your exam date as YYYY-MM-DD"),
    Command("classify", "After a mock: sort each miss by lifecycle stage", "/classify or /classify 3 data",
            Arg.TEXT, arg_about="The question number and a stage, e.g. 3 data"),
    Command("settings", "Time, time zone and pause of the daily push", right=Right.MANAGER),
    Command("time", "When the daily push arrives", "/time 07:30 (24-hour, your local time)", Arg.TEXT, True,
            "The daily push time, HH:MM in 24-hour form", right=Right.MANAGER),
    Command("timezone", "Your time zone, for the plan's days and the daily push", "/timezone Europe/Berlin", Arg.TEXT,
            True, "An IANA time zone such as Europe/Berlin", right=Right.MANAGER),
    Command("pause", "Pause the daily push", right=Right.MANAGER),
    Command("resume", "Resume the daily push", right=Right.MANAGER),
    Command("daily", "Question of the day for everyone here, on or off", "/daily on or /daily off", Arg.ON_OFF,
            True, "on or off", chats=GROUPS, right=Right.MANAGER, surfaces=CHATS),
    Command("round", "A quiz round for everyone here", "/round [questions] [domain or task], e.g. /round 8 2",
            Arg.TEXT, arg_about="How many questions and a domain or task, e.g. 8 2", chats=GROUPS, surfaces=CHATS),
    Command("stopround", "Stop the round (its starter or a chat admin)", chats=GROUPS, surfaces=CHATS),
    Command("roundsettings", "Round time and length (chat admins change them)",
            "/roundsettings time 45 or /roundsettings length 8", Arg.TEXT,
            arg_about="time SECONDS or length QUESTIONS", chats=GROUPS, surfaces=CHATS),
    Command("leaderboard", "This week's round leaderboard", chats=GROUPS, surfaces=CHATS),
    Command("forget", "Erase all your data (asks first)"),
    Command("help", "The commands"),
    Command("quit", "Leave the chat; your progress is saved", surfaces=frozenset({Surface.CONSOLE})),
)
COMMANDS: dict[str, Command] = {c.name: c for c in CATALOGUE}

HOW_TO_ANSWER = {
    Surface.CONSOLE: "Answer with letters: B · A C for multi · C A B D for ordering · 1B 2A 3C for matching.",
    Surface.TELEGRAM: "Answer with the buttons under each question, or type the letters: B · A C · C A B D · "
                      "1B 2A 3C.",
    Surface.DISCORD: "Answer with the buttons and menus under each question. In a server your questions and "
                     "feedback are shown to you only; rounds, the leaderboard and the question of the day are for "
                     "the whole channel. Send me a direct message for your own daily push (/settings there).",
}

# The button under a diagnostic or mock question that opens the web view (core/webview): a Mini App in a
# Telegram private chat, a link on Discord, a printed link in the console.
WEB_VIEW_BUTTON = "Open the exam view"


def console_banner(title: str, code: str) -> str:
    """The console's first line, so a learner at a fresh terminal knows what runs and what to type."""
    return f"MLA Coach · {title} ({code}) · type /start to begin, /help for the commands, /quit to leave."


def visible(surface: Surface, chat: Chat) -> list[Command]:
    """The commands that work on this surface in this kind of chat, in catalogue order."""
    return [c for c in CATALOGUE if c.works_in(surface, chat)]


def offered(surface: Surface) -> list[Command]:
    """Every command a surface registers (its menu or slash commands), in any kind of chat."""
    return [c for c in CATALOGUE if surface in c.surfaces]


def action_label(name: str) -> str | None:
    """The button label of a next step a reply suggests (Reply.actions), None if it offers no button."""
    command = next((c for c in CATALOGUE if c.name == name), None)
    return command.button if command is not None and command.button else None


def by_button(name: str) -> bool:
    """Whether a button the core offered (Reply.buttons, "/time 07:00") may run this command for whoever
    taps it: never /forget (it asks first, in the asker's own words) nor a round command (a group's)."""
    return name in COMMANDS and name not in ("forget", "quit", "round", "stopround", "roundsettings", "leaderboard")


def help_text(surface: Surface, chat: Chat) -> list[str]:
    """/help as paragraphs: the commands that work here, then how to answer on this surface."""
    lines = [f"/{c.name}: {c.summary_on(surface)}" for c in visible(surface, chat)]
    return ["Commands:\n" + "\n".join(lines), HOW_TO_ANSWER[surface]]
