"""The composition root: the only place that knows both the core and the adapters."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import make_url

from adapters.charts.renderer import MatplotlibCharts
from adapters.console.chat import ConsoleChat
from adapters.ops.metrics import Metrics, count_discord_429s
from adapters.sql.database import Database
from adapters.sql.plan_store import SqlPlanStore
from adapters.sql.review_store import SqlReviewStore
from adapters.sql.round_store import SqlRoundStore
from adapters.sql.secret_store import SqlSecretStore
from adapters.sql.store import SqlStore
from adapters.sql.turns import PgTurns
from bot.config import Settings
from bot.logs import console_log_file
from bot.runtime import ChatAdapter
from core.dispatch import Dispatcher
from core.exam.bank import Bank
from core.exam.exams import Exams, load_exams
from core.lockmap import LocalTurns
from core.plan.service import PlanService
from core.ports import (
    ChartRenderer,
    Clock,
    Eraser,
    PlanStore,
    ReviewStore,
    RoundStore,
    SecretStore,
    Store,
    Turns,
    utcnow,
)
from core.quiz.service import QuizService
from core.review.service import ReviewService
from core.rounds.service import RoundService
from core.webview.links import LinkKey, WebLinks
from core.webview.service import WebView


@dataclass(frozen=True)
class Services:
    """Everything an adapter may call, built once and shared by every adapter in the process."""

    quiz: QuizService
    planner: PlanService
    rounds: RoundService
    dispatcher: Dispatcher
    database: Database | None = None  # the SQL database the stores share, when bootstrap built it (for /healthz)
    store: Store | None = None
    webview: WebView | None = None  # the web view's service, when WEBAPP_BASE_URL is set
    # Each chat's turn and the one replica that registers the webhook: across processes on PostgreSQL.
    turns: Turns = field(default_factory=LocalTurns)


def eraser(*stores: Store | PlanStore | RoundStore | ReviewStore) -> Eraser:
    """/forget: erase the learner from every store that keeps something about them, one after the other."""
    async def erase(learner_id: int) -> None:
        for store in stores:
            await store.forget(learner_id)
    return erase


def bootstrap(
    settings: Settings,
    *,
    exams: Exams | Bank | None = None,  # one bank alone: that exam only (tests)
    store: Store | None = None,
    plan_store: PlanStore | None = None,
    round_store: RoundStore | None = None,
    review_store: ReviewStore | None = None,
    secret_store: SecretStore | None = None,
    charts: ChartRenderer | None = None,
    clock: Clock = utcnow,
    rng: random.Random | None = None,
    on_database_error: Callable[[], None] | None = None,
    turns: Turns | None = None,
) -> Services:
    """Wire the services on one database; tests pass fakes or a test database the same way.
    `on_database_error` is told about every error the database driver raises (the metrics count them)."""
    exams = Exams.of(exams) if isinstance(exams, Bank) else (exams or load_exams(settings.questions_dir))
    shared: list[Database] = []

    def database() -> Database:  # one, made only if a store is not given
        if not shared:
            shared.append(Database(settings.database_url, on_error=on_database_error))
        return shared[0]

    store = store or SqlStore(database())
    plan_store = plan_store or SqlPlanStore(database())
    round_store = round_store or SqlRoundStore(database())
    review_store = review_store or SqlReviewStore(database())
    reviews = ReviewService(exams, review_store, plan_store, store, clock=clock)
    key, links = None, None
    if settings.webapp_base_url is not None:
        configured = settings.webapp_secret.get_secret_value() if settings.webapp_secret else None
        key = LinkKey(secret_store or SqlSecretStore(database()), configured)
        links = WebLinks(str(settings.webapp_base_url), key, clock)
    quiz = QuizService(exams, store, clock=clock, rng=rng, erase=eraser(round_store, plan_store, review_store, store),
                       reviews=reviews, web=links, charts=charts or MatplotlibCharts())
    rounds = RoundService(exams, round_store, clock=clock, rng=rng)
    if turns is None:  # replicas share PostgreSQL; SQLite has one process per file (adapters/sql/file_lock.py)
        postgres = make_url(settings.database_url).get_backend_name() == "postgresql"
        turns = PgTurns(settings.database_url) if postgres else LocalTurns()
    planner = PlanService(quiz, plan_store, clock=clock, chat_exam=rounds.exam_of, turns=turns)
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else None
    return Services(quiz=quiz, planner=planner, rounds=rounds, dispatcher=Dispatcher(quiz, planner, rounds),
                    database=shared[0] if shared else None, store=store,
                    webview=WebView(quiz, key, token) if key is not None else None, turns=turns)


def _observed(metrics: Metrics | None, platform: str) -> dict:
    """The metric callables an adapter is built with (none without metrics)."""
    if metrics is None:
        return {}
    metrics.platform(platform)
    return {"handled": metrics.handled(platform), "busy": metrics.started(platform)}


def chat_adapters(settings: Settings, services: Services, metrics: Metrics | None = None) -> list[ChatAdapter]:
    """The chat adapters whose tokens are set, each built on the same services; the console when none is.
    With `metrics`, each adapter counts the updates it handles, their latency and the 429s it meets.

    A chat library is imported only when its adapter runs: the console starts without loading either."""
    adapters: list[ChatAdapter] = []
    if settings.telegram_bot_token:
        from adapters.telegram.app import TelegramAdapter, build_application

        observed = _observed(metrics, "telegram")
        if metrics is not None:
            observed["on_429"] = metrics.too_many_requests("telegram")
        app = build_application(settings.telegram_bot_token.get_secret_value(), services.dispatcher,
                                base_url=str(settings.telegram_api_base_url or "") or None, turns=services.turns,
                                **observed)
        webhook = str(settings.telegram_webhook_url) if settings.telegram_webhook_url else None
        adapters.append(TelegramAdapter(app, webhook_url=webhook, webhook_port=settings.telegram_webhook_port,
                                        webhook_listen=settings.telegram_webhook_listen, turns=services.turns))
    if settings.discord_bot_token:
        from adapters.discord import DiscordAdapter, DiscordBot, ShardedDiscordBot

        observed = _observed(metrics, "discord")
        if settings.discord_shard_count is None:
            bot = DiscordBot(services.dispatcher, guild_id=settings.discord_guild_id, **observed)
        else:
            count = None if settings.discord_shard_count == "auto" else settings.discord_shard_count
            bot = ShardedDiscordBot(services.dispatcher, guild_id=settings.discord_guild_id, shard_count=count,
                                    shard_ids=settings.discord_shard_ids, **observed)
        if metrics is not None:
            count_discord_429s(metrics.too_many_requests("discord"))
        adapters.append(DiscordAdapter(bot, settings.discord_bot_token.get_secret_value()))
    if settings.console:
        charts = console_log_file(settings.database_url).parent / "charts"  # beside console.log: data/charts/
        adapters.append(ConsoleChat(services.dispatcher, sys.stdin, sys.stdout, charts=charts))
    return adapters
