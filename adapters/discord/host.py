"""What components and commands need of the client, as a protocol at the bottom of the adapter.

Components (views.py, rounds.py) sit below the slash commands (commands.py), and the client (client.py)
on top of both; none of them imports the client, so there is no import circle. `Interaction` is typed
loosely because discord.Interaction's client parameter must be a Client subclass, not a protocol."""

from __future__ import annotations

from typing import Any, Protocol

import discord

from core.dispatch import Dispatcher
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.rounds.delivery import RoundDelivery
from core.rounds.service import RoundService

Interaction = discord.Interaction[Any]


class CoachBot(Protocol):
    """The DiscordBot as its components see it: the core's services and the round delivery."""

    dispatcher: Dispatcher
    service: QuizService
    planner: PlanService
    rounds: RoundService
    round_delivery: RoundDelivery
    dynamic_items: tuple[type[discord.ui.DynamicItem[Any]], ...]  # every component template, to draw any reply

    def get_partial_messageable(self, id: int) -> discord.PartialMessageable: ...
