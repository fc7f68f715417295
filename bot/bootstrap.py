"""The composition root: the only place that knows both the core and the adapters."""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass

from adapters.console.chat import ConsoleChat
from adapters.sql.database import Database
from adapters.sql.plan_store import SqlPlanStore
from adapters.sql.round_store import SqlRoundStore
from adapters.sql.store import SqlStore
from bot.config import Settings
from bot.runtime import ChatAdapter
from core.dispatch import Dispatcher
from core.exam.exams import Exams, load_exams
from core.plan.service import PlanService
from core.ports import Clock, Eraser, PlanStore, RoundStore, Store, utcnow
from core.quiz.service import QuizService
from core.rounds.service import RoundService


@dataclass(frozen=True)
class Services:
    """Everything an adapter may call, built once and shared by every adapter in the process."""

    quiz: QuizService
    planner: PlanService
    rounds: RoundService
    dispatcher: Dispatcher


def eraser(*stores: Store | PlanStore | RoundStore) -> Eraser:
    """/forget: erase the learner from every store that keeps something about them, one after the other."""
    async def erase(learner_id: int) -> None:
        for store in stores:
            await store.forget(learner_id)
    return erase


def bootstrap(
    settings: Settings,
    *,
    exams: Exams | None = None,
    store: Store | None = None,
    plan_store: PlanStore | None = None,
    round_store: RoundStore | None = None,
    clock: Clock = utcnow,
    rng: random.Random | None = None,
) -> Services:
    """Wire the services on one database; tests pass fakes or a test database the same way."""
    exams = exams or load_exams(settings.questions_dir)
    shared: list[Database] = []

    def database() -> Database:  # one, made only if a store is not given
        if not shared:
            shared.append(Database(settings.database_url))
        return shared[0]

    store = store or SqlStore(database())
    plan_store = plan_store or SqlPlanStore(database())
    round_store = round_store or SqlRoundStore(database())
    quiz = QuizService(exams, store, clock=clock, rng=rng, erase=eraser(round_store, plan_store, store))
    rounds = RoundService(exams, round_store, clock=clock, rng=rng)
    planner = PlanService(quiz, plan_store, clock=clock, chat_exam=rounds.exam_of)
    return Services(quiz=quiz, planner=planner, rounds=rounds, dispatcher=Dispatcher(quiz, planner, rounds))


def chat_adapters(settings: Settings, services: Services) -> list[ChatAdapter]:
    """The chat adapters whose tokens are set, each built on the same services; the console when none is.

    A chat library is imported only when its adapter runs: the console starts without loading either."""
    adapters: list[ChatAdapter] = []
    if settings.telegram_bot_token:
        from adapters.telegram.app import TelegramAdapter, build_application

        app = build_application(settings.telegram_bot_token.get_secret_value(), services.dispatcher,
                                base_url=str(settings.telegram_api_base_url or "") or None)
        webhook = str(settings.telegram_webhook_url) if settings.telegram_webhook_url else None
        adapters.append(TelegramAdapter(app, webhook_url=webhook, webhook_port=settings.telegram_webhook_port))
    if settings.discord_bot_token:
        from adapters.discord import DiscordAdapter, DiscordBot

        bot = DiscordBot(services.dispatcher, guild_id=settings.discord_guild_id)
        adapters.append(DiscordAdapter(bot, settings.discord_bot_token.get_secret_value()))
    if not adapters:
        adapters.append(ConsoleChat(services.dispatcher, sys.stdin, sys.stdout))
    return adapters
