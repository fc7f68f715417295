"""The clock of a timed session across the bot's downtime, and its one 10-minute warning, on SQLite and
PostgreSQL, with the injected clock: a "restart" is a new service and runtime on the same database.

The rule (core/quiz/timekeeper.py, README): wall-clock time, as in the real exam; the first reply about the
session after an outage says how long the clock ran while the bot was offline.
"""

from __future__ import annotations

import random

from adapters.sql.database import Database
from adapters.sql.store import SqlStore
from bot.runtime import Runtime
from core.quiz.service import QuizService
from core.reply import Reply
from tests.answers import any_valid

CHANNEL = "console:timed"


class Inbox:
    """A chat adapter that keeps what the runtime pushes."""

    prefix = "console:"
    exit_code = 0

    def __init__(self) -> None:
        self.got: list[tuple[str, Reply]] = []

    async def deliver(self, channel: str, reply: Reply) -> bool:
        self.got.append((channel, reply))
        return True


def _up(bank, database_url, clock) -> tuple[Database, QuizService, Runtime, Inbox]:
    """A bot process on the database: its service and its runtime (5-second ticks, as by default)."""
    database = Database(database_url)
    service = QuizService(bank, SqlStore(database), clock=clock, rng=random.Random(8))
    inbox = Inbox()
    return database, service, Runtime(service, [inbox]), inbox


async def test_the_first_reply_after_downtime_says_how_long_the_clock_ran(bank, database_url, clock):
    database, service, runtime, _ = _up(bank, database_url, clock)
    await runtime.beat()
    lid = await service.learner("console", "timed")
    card = (await service.mock(lid, channel=CHANNEL)).card
    for _ in range(6):  # the bot is up: a tick every 5 s, and no note
        clock.advance(seconds=5)
        await runtime.tick()
    reply = await service.answer_text(lid, any_valid(card))
    assert not any("offline" in p for p in reply.paragraphs)
    await database.dispose()  # kill -9: the last beat was at 0:30

    clock.advance(seconds=33)
    database, service, runtime, _ = _up(bank, database_url, clock)
    await runtime.beat()  # the runtime beats before it serves anyone
    shown = await service.current(lid)
    assert shown.paragraphs == ["The clock ran while we were offline: 33 s."]
    assert shown.card.progress == "Q 2/20 · 0:38:57 left"  # 40:00 - 30 s up - 33 s down: the deadline held
    clock.advance(seconds=5)
    await runtime.tick()
    assert (await service.current(lid)).paragraphs == []  # told once
    await database.dispose()

    clock.advance(minutes=2)  # down again, from the last beat: told again, of that outage only
    database, service, runtime, _ = _up(bank, database_url, clock)
    await runtime.beat()
    answered = await service.answer_text(lid, any_valid(shown.card))
    assert answered.paragraphs[0] == "The clock ran while we were offline: 2 min."
    assert (await service.start(lid)).paragraphs[-1] == "Your MLA-C01 mock is where you left it:"
    later = await service.mock(await service.learner("console", "later"), channel="console:later")
    assert later.card.progress.endswith("0:40:00 left")  # a session begun after an outage owes no note
    await database.dispose()


async def test_a_session_that_timed_out_while_the_bot_was_down_says_so_in_its_report(bank, database_url, clock):
    database, service, runtime, _ = _up(bank, database_url, clock)
    await runtime.beat()
    lid = await service.learner("console", "late")
    await service.mock(lid, 5, channel=CHANNEL)  # 10 minutes
    for _ in range(24):  # two minutes up
        clock.advance(seconds=5)
        await runtime.tick()
    await database.dispose()
    clock.advance(minutes=30)
    database, service, runtime, inbox = _up(bank, database_url, clock)
    await runtime.tick()
    (channel, report), = inbox.got
    assert channel == CHANNEL
    assert report.paragraphs[:2] == ["The clock ran while we were offline: 8 min.",
                                     "⏰ Time is up for your MLA-C01 mock."]
    await database.dispose()


async def test_a_timed_session_is_warned_once_at_ten_minutes_left_even_across_restarts(bank, database_url, clock):
    database, service, runtime, inbox = _up(bank, database_url, clock)
    lid = await service.learner("console", "warned")
    card = (await service.mock(lid, channel=CHANNEL)).card  # 40 minutes
    await service.mock(await service.learner("console", "short"), 5, channel="console:short")  # 10 minutes
    await service.answer_text(lid, any_valid(card))
    clock.advance(minutes=29, seconds=55)
    await runtime.tick()
    assert [c for c, _ in inbox.got] == ["console:short"]  # its report; a 10-minute mock is never warned
    clock.advance(seconds=5)
    await runtime.tick()
    assert [(c, r.paragraphs) for c, r in inbox.got[1:]] == [(CHANNEL, [
        "⏳ 0:10:00 left in your mock: 1 of 20 answered. Send /question to see the open question."])]
    clock.advance(seconds=5)
    await runtime.tick()
    assert len(inbox.got) == 2
    await database.dispose()

    clock.advance(seconds=5)  # a restart, and a second process: neither warns again
    processes = [_up(bank, database_url, clock) for _ in range(2)]
    for _, _, other, _ in processes:
        await other.tick()
    assert all(got.got == [] for _, _, _, got in processes)
    for other_database, *_ in processes:
        await other_database.dispose()


async def test_a_restarted_bot_warns_a_session_that_passed_ten_minutes_left_while_it_was_down(
        bank, database_url, clock):
    database, service, runtime, _ = _up(bank, database_url, clock)
    lid = await service.learner("console", "missed")
    await service.mock(lid, channel=CHANNEL)
    await runtime.tick()
    await database.dispose()
    clock.advance(minutes=33)
    database, service, runtime, inbox = _up(bank, database_url, clock)
    await runtime.tick()
    assert [r.paragraphs[0] for _, r in inbox.got] == [
        "⏳ 0:07:00 left in your mock: 0 of 20 answered. Send /question to see the open question."]
    await database.dispose()
