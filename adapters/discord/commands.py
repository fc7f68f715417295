"""Slash commands: each one defers, identifies the learner, calls the QuizService and sends its Reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord
from discord import app_commands

from adapters.discord import render, views
from core.model import Exam
from core.reply import Reply
from core.service import MOCK_SIZE, QuizService

CHOICE_NAME_LIMIT = 100
AUTOCOMPLETE_LIMIT = 25
FORGET_PROMPT = ("This erases your answers, sessions and settings for good, and it cannot be undone. "
                 "Erase everything?")


def scope_choices(exam: Exam) -> list[app_commands.Choice[str]]:
    """Every domain, each followed by its task statements, as /drill suggestions."""
    choices = []
    for domain in exam.domains:
        choices.append(app_commands.Choice(name=render.clip(f"Domain {domain.number}: {domain.name}",
                                                            CHOICE_NAME_LIMIT), value=str(domain.number)))
        choices += [app_commands.Choice(name=render.clip(f"{t.id} {t.title}", CHOICE_NAME_LIMIT), value=t.id)
                    for t in domain.tasks]
    return choices


def register(tree: app_commands.CommandTree, service: QuizService) -> None:
    """Add the commands to the tree; the client syncs them in setup_hook."""
    suggestions = scope_choices(service.bank.exam)

    async def respond(interaction: discord.Interaction, call: Callable[[int], Awaitable[Reply]]) -> None:
        # Defer first: the database may take longer than the 3 seconds Discord gives for a first response.
        await interaction.response.defer(ephemeral=views.private(interaction), thinking=True)
        await views.reply_to(interaction, await call(await views.learner_of(interaction)))

    @tree.command()
    async def start(interaction: discord.Interaction) -> None:
        """Welcome, and the question you were on if a session is running."""
        await respond(interaction, service.start)

    @tree.command(name="help")
    async def help_(interaction: discord.Interaction) -> None:
        """List the commands."""
        await views.reply_to(interaction, service.help())

    @tree.command()
    async def quiz(interaction: discord.Interaction) -> None:
        """One quick question from your weakest area."""
        await respond(interaction, lambda learner: service.quick(learner, channel=views.channel_of(interaction)))

    @tree.command()
    @app_commands.describe(scope="A domain (2) or task statement (2.1); leave empty to see the list")
    async def drill(interaction: discord.Interaction, scope: str | None = None) -> None:
        """A drill on one domain or task statement, with feedback after every answer."""
        await respond(interaction, lambda learner: service.drill(learner, scope, channel=views.channel_of(interaction)))

    @drill.autocomplete("scope")
    async def drill_scope(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        return [c for c in suggestions if typed in c.name.lower()][:AUTOCOMPLETE_LIMIT]

    @tree.command()
    async def diagnostic(interaction: discord.Interaction) -> None:
        """Full-length timed diagnostic; a report by domain and lifecycle stage at the end."""
        await respond(interaction, lambda learner: service.diagnostic(learner, channel=views.channel_of(interaction)))

    @tree.command()
    @app_commands.describe(size=f"How many questions (default {MOCK_SIZE}; the time scales with the size)")
    async def mock(interaction: discord.Interaction, size: int | None = None) -> None:
        """A timed mixed set, no feedback until the end."""
        await respond(interaction, lambda learner: service.mock(learner, size, channel=views.channel_of(interaction)))

    @tree.command()
    async def review(interaction: discord.Interaction) -> None:
        """Retry the questions you missed, oldest first."""
        await respond(interaction, lambda learner: service.review(learner, channel=views.channel_of(interaction)))

    @tree.command()
    @app_commands.describe(number="Question N of your latest session; leave empty for your last answer")
    async def explain(interaction: discord.Interaction, number: int | None = None) -> None:
        """Why the right options are right and each distractor is wrong, with AWS doc links."""
        await respond(interaction, lambda learner: service.explain(learner, number))

    @tree.command()
    async def stats(interaction: discord.Interaction) -> None:
        """Accuracy by domain and task statement, recent scores, readiness."""
        await respond(interaction, service.stats)

    @tree.command()
    async def stop(interaction: discord.Interaction) -> None:
        """End the current session; a timed one gets its report."""
        await respond(interaction, service.stop)

    @tree.command()
    async def forget(interaction: discord.Interaction) -> None:
        """Erase everything MLA Coach keeps about you (asks first)."""
        confirm = views.build(render.forget_rows(interaction.user.id))
        await interaction.response.send_message(FORGET_PROMPT, view=confirm, ephemeral=views.private(interaction))
