"""Autocomplete choices for slash-command parameters: domains and task statements, time zones."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from adapters.discord import render
from core.exam.exams import Exams
from core.exam.model import Exam

CHOICE_NAME_LIMIT = 100
AUTOCOMPLETE_LIMIT = 25
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


def exam_choices(exams: Exams) -> list[app_commands.Choice[str]]:
    """Every exam with who sits it, as /exam suggestions."""
    return [app_commands.Choice(name=render.clip(f"{b.exam.code}: {b.exam.audience or b.exam.title}",
                                                 CHOICE_NAME_LIMIT), value=b.code) for b in exams]


Suggest = Callable[[discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]]


def suggest(choices: list[app_commands.Choice[str]]) -> Suggest:
    """An autocomplete callback: the choices whose name contains what was typed, at most 25."""
    async def complete(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        return [c for c in choices if typed in c.name.lower()][:AUTOCOMPLETE_LIMIT]
    return complete


async def zone_suggestions(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    typed = current.strip().lower().replace(" ", "_")
    return [app_commands.Choice(name=z, value=z) for z in ZONES if typed in z.lower()][:AUTOCOMPLETE_LIMIT]
