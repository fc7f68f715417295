"""Slash commands: each one defers, identifies the learner, calls the core and sends its Reply.

run() is the one place that maps a command to a service call, with its rights checks: slash commands and
the buttons the core offers (Reply.buttons, e.g. "/time 07:00", clicked by anyone who sees them) both go
through it. In a direct message the push settings are the learner's own ("discord:<dm channel id>"); in a
server channel they are the channel's question of the day, changed only with Manage Server permission.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands

from adapters.discord import render, views
from core.exam.model import Exam
from core.quiz.service import MOCK_SIZE, QUIZ_COMMANDS, STALE
from core.reply import Reply

if TYPE_CHECKING:
    from adapters.discord.views import Interaction

CHOICE_NAME_LIMIT = 100
AUTOCOMPLETE_LIMIT = 25
FORGET_PROMPT = ("This erases your answers, sessions and settings for good, and it cannot be undone. "
                 "Erase everything?")
HOW_TO_ANSWER = ("Answer with the buttons and menus under each question. In a server your questions and "
                 "feedback are shown to you only; rounds, the leaderboard and the question of the day are for the "
                 "whole channel. Send me a direct message for your own daily push (/settings there).")
NOT_A_MANAGER = ("Only members with the Manage Server permission can change this channel's question of the day. "
                 "For your own daily push, send me /settings in a direct message.")
DAILY_IN_PRIVATE = ("/daily switches a server channel's question of the day. Your own daily push here: "
                    "/pause and /resume.")
SETTINGS = {"settings", "time", "timezone", "pause", "resume", "daily"}
QUIZ = {"start", "help", "quiz", "drill", "diagnostic", "mock", "review", "explain", "stats", "stop"}
PLAN = {"plan", "examdate", "classify"}
BY_BUTTON = QUIZ | PLAN | SETTINGS  # never /forget (it asks first) nor a round command
ZONES = sorted(zoneinfo.available_timezones())


def scope_choices(exam: Exam) -> list[app_commands.Choice[str]]:
    """Every domain, each followed by its task statements, as /drill suggestions."""
    choices = []
    for domain in exam.domains:
        choices.append(app_commands.Choice(name=render.clip(f"Domain {domain.number}: {domain.name}",
                                                            CHOICE_NAME_LIMIT), value=str(domain.number)))
        choices += [app_commands.Choice(name=render.clip(f"{t.id} {t.title}", CHOICE_NAME_LIMIT), value=t.id)
                    for t in domain.tasks]
    return choices


def suggest(choices: list[app_commands.Choice[str]]) -> Callable[..., Awaitable[list[app_commands.Choice[str]]]]:
    """An autocomplete callback: the choices whose name contains what was typed, at most 25."""
    async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        return [c for c in choices if typed in c.name.lower()][:AUTOCOMPLETE_LIMIT]
    return complete


async def zone_suggestions(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    typed = current.strip().lower().replace(" ", "_")
    return [app_commands.Choice(name=z, value=z) for z in ZONES if typed in z.lower()][:AUTOCOMPLETE_LIMIT]


def help_reply(tree: app_commands.CommandTree) -> Reply:
    """The core's help tells learners to type letters; on Discord every answer is a button or a menu."""
    lines = [f"/{c.name}: {c.description}" for c in tree.get_commands()]
    return Reply(["Commands:\n" + "\n".join(lines), HOW_TO_ANSWER])


async def run(interaction: Interaction, name: str, arg: str | None = None) -> Reply:
    """The service call behind a command, for whoever caused the interaction."""
    bot = interaction.client
    service, planner = bot.service, bot.planner
    learner = await views.learner_of(interaction)
    channel = views.channel_of(interaction)
    own = views.personal_channel(interaction)  # where a silent learner's timed report goes
    private = interaction.guild_id is None
    if name in SETTINGS:
        if name == "daily" and private:
            return Reply([DAILY_IN_PRIVATE], refused=True)
        if not private and not views.manages(interaction):
            return Reply([NOT_A_MANAGER], refused=True)
        return await planner.channel_setting(name, arg, channel, learner if private else None)
    if name == "plan":
        return await planner.plan(learner)
    if name == "examdate":
        return await planner.set_exam_date(learner, arg or "")
    if name == "classify":
        return await planner.classify(learner, arg)
    if name == "start":
        welcome = await planner.welcome(learner, channel if private else None)
        core_help, ours = service.help().text, help_reply(bot.tree).text
        return replace(welcome, paragraphs=[ours if p == core_help else p for p in welcome.paragraphs])
    if name == "help":
        return help_reply(bot.tree)
    if name in QUIZ_COMMANDS:
        return await service.command(learner, name, arg, own)
    raise ValueError(f"unknown command {name!r}")


async def respond(interaction: Interaction, name: str, arg: str | None = None, *, public: bool = False) -> None:
    """Defer first (the database may take longer than Discord's 3 seconds), run, send the Reply.

    Personal output is ephemeral in a server; `public` shows the result to the channel (its /daily)."""
    hidden = views.private(interaction) and not public
    await interaction.response.defer(ephemeral=hidden, thinking=True)
    await views.reply_to(interaction, await run(interaction, name, arg), ephemeral=hidden)


async def run_button(interaction: Interaction, text: str) -> None:
    """A Reply.buttons click: the command runs for the clicker; a refusal is a private notice."""
    name, _, arg = text.removeprefix("/").partition(" ")
    if name not in BY_BUTTON:
        await views.refuse(interaction, STALE)
        return
    await interaction.response.defer()
    reply = await run(interaction, name, arg or None)
    if reply.refused:
        await views.refuse(interaction, reply.text)
        return
    await views.reply_to(interaction, reply)


def register(tree: app_commands.CommandTree, exam: Exam) -> None:
    """Add the commands to the tree; the client syncs them in setup_hook."""
    scopes = suggest(scope_choices(exam))

    @tree.command()
    async def start(interaction: discord.Interaction) -> None:
        """Welcome, today's plan step, and the question you were on if a session is running."""
        await respond(interaction, "start")

    @tree.command(name="help")
    async def help_(interaction: discord.Interaction) -> None:
        """List the commands."""
        await views.reply_to(interaction, help_reply(tree))

    @tree.command()
    async def quiz(interaction: discord.Interaction) -> None:
        """One quick question from your weakest area."""
        await respond(interaction, "quiz")

    @tree.command()
    @app_commands.describe(scope="A domain (2) or task statement (2.1); leave empty to see the list")
    @app_commands.autocomplete(scope=scopes)
    async def drill(interaction: discord.Interaction, scope: str | None = None) -> None:
        """A drill on one domain or task statement, with feedback after every answer."""
        await respond(interaction, "drill", scope)

    @tree.command()
    async def diagnostic(interaction: discord.Interaction) -> None:
        """Full-length timed diagnostic; a report by domain and lifecycle stage at the end."""
        await respond(interaction, "diagnostic")

    @tree.command()
    @app_commands.describe(size=f"How many questions (default {MOCK_SIZE}; the time scales with the size)")
    async def mock(interaction: discord.Interaction, size: int | None = None) -> None:
        """A timed mixed set, no feedback until the end."""
        await respond(interaction, "mock", None if size is None else str(size))

    @tree.command()
    async def review(interaction: discord.Interaction) -> None:
        """Retry the questions you missed, oldest first."""
        await respond(interaction, "review")

    @tree.command()
    @app_commands.describe(number="Question N of your latest session; leave empty for your last answer")
    async def explain(interaction: discord.Interaction, number: int | None = None) -> None:
        """Why the right options are right and each distractor is wrong, with AWS doc links."""
        await respond(interaction, "explain", None if number is None else str(number))

    @tree.command()
    async def stats(interaction: discord.Interaction) -> None:
        """Accuracy by domain and task statement, recent scores, readiness."""
        await respond(interaction, "stats")

    @tree.command()
    async def stop(interaction: discord.Interaction) -> None:
        """End the current session; a timed one gets its report."""
        await respond(interaction, "stop")

    @tree.command()
    async def plan(interaction: discord.Interaction) -> None:
        """Your seven-day study plan, counted down to your exam date."""
        await respond(interaction, "plan")

    @tree.command()
    @app_commands.describe(date="Your exam date as YYYY-MM-DD, for example 2026-12-15")
    async def examdate(interaction: discord.Interaction, date: str) -> None:
        """Set your exam date; the seven-day plan counts down to it."""
        await respond(interaction, "examdate", date)

    @tree.command()
    async def settings(interaction: discord.Interaction) -> None:
        """Daily push time, time zone, pause (in a server channel: its question of the day)."""
        await respond(interaction, "settings")

    @tree.command(name="time")
    @app_commands.describe(at="The daily push time, HH:MM in 24-hour form, for example 07:30")
    async def time_(interaction: discord.Interaction, at: str) -> None:
        """When the daily push arrives (local time)."""
        await respond(interaction, "time", at)

    @tree.command(name="timezone")
    @app_commands.describe(zone="An IANA time zone such as Europe/Berlin or America/New_York")
    @app_commands.autocomplete(zone=zone_suggestions)
    async def timezone_(interaction: discord.Interaction, zone: str) -> None:
        """Your time zone, for the daily push and the plan's days."""
        await respond(interaction, "timezone", zone)

    @tree.command()
    async def pause(interaction: discord.Interaction) -> None:
        """Pause the daily push (in a server channel: its question of the day)."""
        await respond(interaction, "pause")

    @tree.command()
    async def resume(interaction: discord.Interaction) -> None:
        """Resume the daily push (in a server channel: its question of the day)."""
        await respond(interaction, "resume")

    @tree.command()
    async def classify(interaction: discord.Interaction) -> None:
        """After a mock: sort each miss into a data, model, deployment or monitoring issue."""
        await respond(interaction, "classify")

    @tree.command()
    @app_commands.describe(state="on: a question for everyone here every day; off: stop it")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def daily(interaction: discord.Interaction, state: Literal["on", "off"]) -> None:
        """Question of the day in this channel, on or off (Manage Server permission)."""
        await respond(interaction, "daily", state, public=views.manages(interaction))

    @tree.command()
    async def forget(interaction: discord.Interaction) -> None:
        """Erase everything MLA Coach keeps about you (asks first)."""
        confirm = views.build(render.forget_rows(interaction.user.id))
        await interaction.response.send_message(FORGET_PROMPT, view=confirm, ephemeral=views.private(interaction))
