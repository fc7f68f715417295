"""Autocomplete choices for slash-command parameters: domains and task statements, exams, time zones."""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from adapters.discord import render, views
from core.exam.bank import Bank
from core.exam.exams import Exams
from core.exam.model import Exam
from core.quiz.menu import MIX

log = logging.getLogger(__name__)

CHOICE_NAME_LIMIT = 100
AUTOCOMPLETE_LIMIT = 25
ZONES = sorted(zoneinfo.available_timezones())


def scope_choices(exam: Exam) -> list[app_commands.Choice[str]]:
    """The mix, then every domain, each followed by its task statements, as /drill suggestions."""
    choices = [app_commands.Choice(name="Mix: 10 across the exam, chosen for your level", value=MIX)]
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
ExamOf = Callable[[discord.Interaction[Any]], Awaitable[Bank]]


def _matching(choices: list[app_commands.Choice[str]], current: str) -> list[app_commands.Choice[str]]:
    """The choices whose name contains what was typed, at most 25."""
    typed = current.strip().lower()
    return [c for c in choices if typed in c.name.lower()][:AUTOCOMPLETE_LIMIT]


def suggest(choices: list[app_commands.Choice[str]]) -> Suggest:
    """An autocomplete callback over fixed choices."""
    async def complete(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        return _matching(choices, current)
    return complete


def suggest_scopes(exams: Exams, exam_of: ExamOf) -> Suggest:
    """Domain and task suggestions titled as the exam `exam_of` finds for the interaction names them: every
    exam numbers its domains and tasks alike (the value typed is right either way), but each titles them
    its own way. A failed look-up (the database down) suggests the newest exam's titles rather than none."""
    by_exam = {bank.code: scope_choices(bank.exam) for bank in exams}

    async def complete(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        try:
            code = (await exam_of(interaction)).code
        except Exception:
            log.exception("could not look up the exam for scope suggestions")
            code = exams.newest.code
        return _matching(by_exam.get(code, by_exam[exams.newest.code]), current)
    return complete


async def learner_exam(interaction: discord.Interaction[Any]) -> Bank:
    """The exam of whoever is typing: their drill draws from it, in a direct message or a server."""
    return await interaction.client.service.exam_of(await views.learner_of(interaction))


async def channel_exam(interaction: discord.Interaction[Any]) -> Bank:
    """The exam of the channel: its rounds draw from it."""
    return await interaction.client.rounds.exam_of(views.channel_of(interaction))


async def zone_suggestions(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    typed = current.strip().lower().replace(" ", "_")
    return [app_commands.Choice(name=z, value=z) for z in ZONES if typed in z.lower()][:AUTOCOMPLETE_LIMIT]
