"""A push run in a process of its own, for the kill -9 test: the first pushes are delivered, every later
one hangs in a slow stand-in send, so the run stops with pushes claimed and in flight, until it is killed.

    python -m tests.adapters.push_worker DATABASE_URL BANK_DIR NOW_ISO DELIVERED

Prints "sent CHANNEL" for each delivered push and "held CHANNEL" for each push stuck in flight.
"""

from __future__ import annotations

import asyncio
import random
import sys
from datetime import datetime
from pathlib import Path

from adapters.sql.database import Database
from adapters.sql.plan_store import SqlPlanStore
from adapters.sql.store import SqlStore
from core.exam.bank import load_bank
from core.exam.exams import Exams
from core.plan.service import PlanService
from core.quiz.service import QuizService


async def main(url: str, bank_dir: str, now: datetime, delivered: int) -> None:
    database = Database(url)
    quiz = QuizService(Exams.of(load_bank(Path(bank_dir))), SqlStore(database), clock=lambda: now, rng=random.Random(1))
    planner = PlanService(quiz, SqlPlanStore(database), clock=lambda: now)
    done = 0

    async def send(target, reply) -> bool:
        nonlocal done
        if done < delivered:
            done += 1
            print(f"sent {target.channel}", flush=True)
            return True
        print(f"held {target.channel}", flush=True)
        await asyncio.Event().wait()  # a send slower than the life of this process
        return True

    await planner.run_pushes(send)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3]), int(sys.argv[4])))
