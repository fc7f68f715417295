"""A DiscordBot over in-memory stores and the generated fixture bank; nothing here touches the network."""

from __future__ import annotations

import random

import pytest

from adapters.discord import DiscordBot
from core.dispatch import Dispatcher
from core.exam.exams import Exams
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.review.service import ReviewService
from core.rounds.service import RoundService
from tests.fakes import InMemoryPlanStore, InMemoryReviewStore, InMemoryRoundStore


@pytest.fixture
def service(bank, memory_store, plan_store, clock, rng) -> QuizService:
    reviews = ReviewService(Exams.of(bank), InMemoryReviewStore(), plan_store, memory_store, clock=clock)
    return QuizService(Exams.of(bank), memory_store, clock=clock, rng=rng, reviews=reviews)


@pytest.fixture
def plan_store() -> InMemoryPlanStore:
    return InMemoryPlanStore()


@pytest.fixture
def round_store() -> InMemoryRoundStore:
    return InMemoryRoundStore()


@pytest.fixture
def planner(service, plan_store, clock) -> PlanService:
    return PlanService(service, plan_store, clock=clock)


@pytest.fixture
def round_service(bank, round_store, clock) -> RoundService:
    return RoundService(Exams.of(bank), round_store, clock=clock, rng=random.Random(5))


@pytest.fixture
def bot(service, planner, round_service) -> DiscordBot:
    return DiscordBot(Dispatcher(service, planner, round_service))
