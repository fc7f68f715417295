"""The composition root: the only place that knows both the core and the adapters."""

from __future__ import annotations

import random
from dataclasses import dataclass

from adapters.discord import DiscordAdapter, DiscordBot
from adapters.sql.database import Database
from adapters.sql.plan_store import SqlPlanStore
from adapters.sql.round_store import SqlRoundStore
from adapters.sql.store import SqlStore
from adapters.telegram.app import TelegramAdapter, build_application
from bot.config import Settings
from core.exam.bank import Bank, load_bank
from core.plan.service import PlanService
from core.ports import Clock, PlanStore, RoundStore, Store, utcnow
from core.quiz.service import QuizService
from core.rounds.service import RoundService


@dataclass(frozen=True)
class Services:
    """Everything an adapter may call, built once and shared by every adapter in the process."""

    quiz: QuizService
    planner: PlanService
    rounds: RoundService | None = None  # group rounds (Telegram groups)


def bootstrap(
    settings: Settings,
    *,
    bank: Bank | None = None,
    store: Store | None = None,
    plan_store: PlanStore | None = None,
    round_store: RoundStore | None = None,
    clock: Clock = utcnow,
    rng: random.Random | None = None,
) -> Services:
    """Wire the services on one database; tests pass fakes or a test database the same way."""
    bank = bank or load_bank(settings.exam_dir)
    database = Database(settings.database_url) if any(s is None for s in (store, plan_store, round_store)) else None
    quiz = QuizService(bank, store or SqlStore(database), clock=clock, rng=rng)
    planner = PlanService(quiz, plan_store or SqlPlanStore(database), clock=clock)
    round_store = round_store or SqlRoundStore(database)
    rounds = RoundService(bank, round_store, clock=clock, rng=rng)
    quiz.erasers.append(round_store.forget)  # /forget erases round answers too
    return Services(quiz=quiz, planner=planner, rounds=rounds)


def chat_adapters(settings: Settings, services: Services) -> list:
    """The chat adapters whose tokens are set, each built on the same services."""
    adapters = []
    if settings.telegram_bot_token:
        app = build_application(settings.telegram_bot_token.get_secret_value(), services.quiz, services.planner,
                                base_url=str(settings.telegram_api_base_url or "") or None)
        app.bot_data["rounds"] = services.rounds
        webhook = str(settings.telegram_webhook_url) if settings.telegram_webhook_url else None
        adapters.append(TelegramAdapter(app, webhook_url=webhook, webhook_port=settings.telegram_webhook_port))
    if settings.discord_bot_token:
        bot = DiscordBot(services.quiz, services.planner, services.rounds, guild_id=settings.discord_guild_id)
        adapters.append(DiscordAdapter(bot, settings.discord_bot_token.get_secret_value()))
    return adapters
