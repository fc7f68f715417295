"""The composition root: the only place that knows both the core and the adapters."""

from __future__ import annotations

import random

from adapters.sql.engine import make_engine
from adapters.sql.store import SqlStore
from adapters.telegram.app import TelegramAdapter, build_application
from bot.config import Settings
from core.bank import Bank, load_bank
from core.ports import Clock, Store, utcnow
from core.service import QuizService


def bootstrap(
    settings: Settings,
    *,
    bank: Bank | None = None,
    store: Store | None = None,
    clock: Clock = utcnow,
    rng: random.Random | None = None,
) -> QuizService:
    """Wire the service; tests pass fakes or a test database through the same function."""
    bank = bank or load_bank()
    store = store or SqlStore(make_engine(settings.database_url))
    return QuizService(bank, store, clock=clock, rng=rng)


def chat_adapters(settings: Settings, service: QuizService) -> list:
    """The chat adapters whose tokens are set, each built on the same service."""
    adapters = []
    if settings.telegram_bot_token:
        app = build_application(settings.telegram_bot_token.get_secret_value(), service,
                                base_url=str(settings.telegram_api_base_url or "") or None)
        webhook = str(settings.telegram_webhook_url) if settings.telegram_webhook_url else None
        adapters.append(TelegramAdapter(app, webhook_url=webhook, webhook_port=settings.telegram_webhook_port))
    return adapters
