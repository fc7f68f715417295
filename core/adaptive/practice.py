"""What the quiz service asks of the adaptive rule: the next practice questions and the pass estimate, with
item difficulties read from every learner's answers and cached for a while (why: core/adaptive/__init__.py)."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, timedelta

from core.adaptive import ability, estimate, select
from core.exam.bank import Bank
from core.ports import Clock, Store
from core.quiz.engine import Answer
from core.review.service import ReviewService

REFRESH = timedelta(minutes=10)  # how stale the item difficulties may be
DUE_LOOK = 100  # due cards looked at: the most overdue may have been answered too recently to come back
TREND_DAYS = 30  # the chart's pass-estimate trend: the last 30 days studied (each day is one ability fit)


class Practice:
    """Adaptive picks and the pass estimate for one process; the answers in the Store are their only input."""

    def __init__(self, store: Store, reviews: ReviewService | None, clock: Clock) -> None:
        self.store = store
        self.reviews = reviews
        self.clock = clock
        self._tallies: ability.Tallies = {}
        self._read_at: datetime | None = None
        self._difficulty: dict[str, dict[str, float]] = {}  # exam code -> question id -> difficulty

    async def difficulty(self, bank: Bank) -> dict[str, float]:
        """Every question's difficulty in the exam, from the tallies read at most REFRESH ago."""
        now = self.clock()
        if self._read_at is None or not self._read_at <= now < self._read_at + REFRESH:
            self._tallies, self._read_at, self._difficulty = await self.store.tallies(), now, {}
        if bank.code not in self._difficulty:
            self._difficulty[bank.code] = ability.difficulties(bank, self._tallies)
        return self._difficulty[bank.code]

    async def pick(self, bank: Bank, learner_id: int, history: list[Answer], count: int,
                   rng: random.Random) -> list[str]:
        """`count` practice questions for the learner (core/adaptive/select.py), due reviews mixed in."""
        difficulty = await self.difficulty(bank)
        learner = ability.estimate(bank, history, difficulty)
        due = ((await self.reviews.due(learner_id, history, DUE_LOOK, explain=False)).ids
               if self.reviews is not None else [])
        return select.pick(bank, history, learner, difficulty, due, count, self.clock(), rng)

    async def trend(self, bank: Bank, history: list[Answer]) -> list[tuple[datetime, float]]:
        """The expected scaled score at the end of each of the last TREND_DAYS days (UTC) the learner answered
        a question of the exam, from the day they had answered MIN_ANSWERED different ones: the chart's line.
        Each point fits the ability to the answers up to that day, with today's item difficulties; the fits
        (about 100 ms for a month of a heavy learner, bench/charts.py) run in a worker thread, off the loop."""
        difficulty = await self.difficulty(bank)
        return await asyncio.to_thread(_trend, bank, history, difficulty)

    async def estimate_line(self, bank: Bank, history: list[Answer]) -> str:
        """The pass estimate's words for /stats and a diagnostic's or mock's report."""
        difficulty = await self.difficulty(bank)
        return estimate.estimate_line(bank, ability.estimate(bank, history, difficulty), difficulty)


def _trend(bank: Bank, history: list[Answer], difficulty: dict[str, float]) -> list[tuple[datetime, float]]:
    mine = [a for a in history if a.question_id in bank.questions]
    ends = [i for i, a in enumerate(mine)  # each day's last answer
            if i + 1 == len(mine) or mine[i + 1].answered_at.date() != a.answered_at.date()]
    points = []
    for i in ends[-TREND_DAYS:]:
        learner = ability.estimate(bank, mine[:i + 1], difficulty)
        if learner.answered >= estimate.MIN_ANSWERED:
            points.append((mine[i].answered_at, float(estimate.pass_estimate(bank, learner, difficulty).expected)))
    return points
