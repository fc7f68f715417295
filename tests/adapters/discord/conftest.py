"""A DiscordBot over the in-memory store and the generated fixture bank; nothing here touches the network."""

from __future__ import annotations

import pytest

from adapters.discord import DiscordBot
from core.service import QuizService


@pytest.fixture
def service(bank, memory_store, clock, rng) -> QuizService:
    return QuizService(bank, memory_store, clock=clock, rng=rng)


@pytest.fixture
def bot(service) -> DiscordBot:
    return DiscordBot(service)
