"""Per-learner and per-chat locks: still one request at a time per key, and freed once the key is idle."""

from __future__ import annotations

import asyncio
import random

from core.exam.exams import Exams
from core.lockmap import LocalTurns, LockMap
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


async def test_local_turns_run_one_block_per_key_at_a_time_and_always_lead():
    """The in-process Turns (SQLite: one process per file): a second holder of a key waits for the first."""
    turns = LocalTurns()
    first_in, release = asyncio.Event(), asyncio.Event()
    order: list[str] = []

    async def hold(name: str, key: str, wait: asyncio.Event | None = None) -> None:
        async with turns.turn(key):
            order.append(f"{name} in")
            first_in.set()
            if wait is not None:
                await wait.wait()
            order.append(f"{name} out")

    first = asyncio.create_task(hold("first", "telegram:1", release))
    await first_in.wait()
    second = asyncio.create_task(hold("second", "telegram:1"))
    other = asyncio.create_task(hold("other", "telegram:2"))
    await other
    assert "second in" not in order  # another chat went ahead, this chat's second update waits
    release.set()
    await asyncio.gather(first, second)
    assert order.index("first out") < order.index("second in")
    assert await turns.lead("telegram-registration") and await turns.lead("telegram-registration")
    await turns.dispose()
