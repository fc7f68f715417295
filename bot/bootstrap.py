"""The composition root: the only place that knows both the core and the adapters."""

from __future__ import annotations

import random

from adapters.sql.engine import make_engine
from adapters.sql.store import SqlStore
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
