"""Slash commands, derived from the core's catalogue: each defers, asks the core's dispatcher, sends its Reply.

Every catalogue command that Discord offers is registered here from its catalogue entry (name, summary,
argument kind); the round commands keep their own typed parameters in rounds.py. Rights are checked by the
dispatcher; in a direct message the push settings are the learner's own, in a server channel its question
of the day, changed only with Manage Server permission.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import discord
from discord import app_commands

from adapters.discord import choices, render, views
from adapters.discord.host import Interaction
from core.commands import Arg, Chat, Command, Right, Surface, offered
from core.dispatch import FORGET_PROMPT
from core.exam.exams import Exams
from core.reply import Reply

ROUND_COMMANDS = {"round", "stopround", "roundsettings", "leaderboard"}  # typed parameters: rounds.py


async def run(interaction: Interaction, name: str, arg: str | None = None) -> Reply:
    """The core's answer to a command, for whoever caused the interaction."""
    reply = await interaction.client.dispatcher.run(await views.caller_of(interaction), name, arg)
    return reply if isinstance(reply, Reply) else Reply(reply.paragraphs, refused=reply.refused)


async def respond(interaction: Interaction, name: str, arg: str | None = None, *, public: bool = False) -> None:
    """Defer first (the database may take longer than Discord's 3 seconds), run, send the Reply.

    Personal output is ephemeral in a server; `public` shows the result to the channel (its /daily)."""
    hidden = views.private(interaction) and not public
    await interaction.response.defer(ephemeral=hidden, thinking=True)
    await views.reply_to(interaction, await run(interaction, name, arg), ephemeral=hidden)


async def forget(interaction: Interaction) -> None:
    """/forget asks first, with buttons only the asker can use."""
    confirm = views.build(render.forget_rows(interaction.user.id))
    await interaction.response.send_message(FORGET_PROMPT, view=confirm, ephemeral=views.private(interaction))


def _callback(command: Command) -> Callable[..., Awaitable[None]]:
    """A slash-command callback whose one parameter (if any) has the catalogue's argument kind, under the
    name Discord shows (discord.py reads the parameters from the callback's signature)."""
    name = command.name

    async def callback(interaction: discord.Interaction, **given: object) -> None:
        value = next((v for v in given.values() if v is not None), None)
        if name == "forget":
            await forget(interaction)
        else:
            await respond(interaction, name, None if value is None else str(value),
                          public=name in ("daily", "exam") and views.manages(interaction))

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [inspect.Parameter("interaction", kind, annotation=discord.Interaction)]
    if command.arg is not Arg.NONE and name not in ("forget", "help"):
        annotation: object = {Arg.NUMBER: int, Arg.ON_OFF: Literal["on", "off"]}.get(command.arg, str)
        default = inspect.Parameter.empty if command.arg_required else None
        if default is None:
            annotation = annotation | None  # type: ignore[operator]
        parameters.append(inspect.Parameter(_parameter(command), kind, annotation=annotation, default=default))
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return callback


def register(tree: app_commands.CommandTree, exams: Exams) -> None:
    """Add every catalogue command Discord offers (but the round ones) to the tree; setup_hook syncs them.

    Scope suggestions carry the titles of the exam the learner studies."""
    scopes = choices.suggest_scopes(exams, choices.learner_exam)
    exam_codes = choices.suggest(choices.exam_choices(exams))
    for command in offered(Surface.DISCORD):
        if command.name in ROUND_COMMANDS:
            continue
        callback = _callback(command)
        if command.arg is not Arg.NONE and command.name not in ("forget", "help"):
            parameter = _parameter(command)
            about = command.arg_about or command.usage or command.summary
            callback = app_commands.describe(**{parameter: about})(callback)
            if command.arg is Arg.SCOPE:
                callback = app_commands.autocomplete(**{parameter: scopes})(callback)
            if command.name == "timezone":
                callback = app_commands.autocomplete(**{parameter: choices.zone_suggestions})(callback)
            if command.name == "exam":
                callback = app_commands.autocomplete(**{parameter: exam_codes})(callback)
        # The callback's signature is made at run time from the catalogue, so no static type can state it.
        slash: app_commands.Command[Any, ..., None] = app_commands.Command(
            name=command.name, description=command.summary[:100], callback=callback)  # type: ignore[arg-type]
        if command.chats == frozenset({Chat.GROUP}):
            slash.guild_only = True
            if command.right is Right.MANAGER:
                slash.default_permissions = discord.Permissions(manage_guild=True)
        tree.add_command(slash)


def _parameter(command: Command) -> str:
    """The parameter's name as Discord shows it."""
    return {"drill": "scope", "mock": "size", "explain": "number", "examdate": "date", "time": "at",
            "timezone": "zone", "daily": "state", "classify": "miss", "exam": "exam",
            "diagnostic": "form", "flag": "number", "skip": "number", "back": "number", "goto": "number",
            "submit": "confirm", "recap": "attempt"}.get(command.name, "value")
