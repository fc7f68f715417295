"""Per-learner and per-chat locks: still one request at a time per key, and freed once the key is idle."""

from __future__ import annotations

import asyncio
import random

from core.exam.exams import Exams
from core.lockmap import LockMap
from core.quiz.service import QuizService
from core.rounds.service import NO_ROUND, RoundService
from tests.fakes import InMemoryRoundStore


async def test_one_holder_per_key_and_the_entry_lives_while_anyone_waits():
    locks: LockMap[str] = LockMap()
    order: list[str] = []
    first_in, let_go = asyncio.Event(), asyncio.Event()

    async def first():
        async with locks["chat"]:
            order.append("first in")
            first_in.set()
            await let_go.wait()
            order.append("first out")

    async def second():
        await first_in.wait()
        async with locks["chat"]:
            order.append("second in")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_in.wait()
    for _ in range(3):  # let the second task reach the lock and wait on it
        await asyncio.sleep(0)
    assert len(locks) == 1  # held and awaited: one entry
    async with locks["other"]:  # another key is not held up
        assert len(locks) == 2
    let_go.set()
    await asyncio.gather(*tasks)
    assert order == ["first in", "first out", "second in"] and len(locks) == 0


async def test_a_cancelled_waiter_gives_its_entry_back():
    locks: LockMap[int] = LockMap()
    async with locks[1]:
        waiter = asyncio.create_task(locks[1].__aenter__())
        await asyncio.sleep(0)
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)
        assert len(locks) == 1  # only the holder now
    assert len(locks) == 0


async def test_one_off_learners_and_chats_leave_no_locks_behind(bank, memory_store, clock):
    quiz = QuizService(Exams.of(bank), memory_store, clock=clock, rng=random.Random(1))
    rounds = RoundService(Exams.of(bank), InMemoryRoundStore(), clock=clock, rng=random.Random(1))
    for n in range(500):
        await quiz.stats(await quiz.learner("telegram", str(n)))
        assert (await rounds.stop(f"telegram:-{n}", n, is_admin=True)).text == NO_ROUND
    assert len(quiz._locks) == 0 and len(rounds._locks) == 0
