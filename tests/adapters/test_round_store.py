"""SqlRoundStore on SQLite and PostgreSQL: rounds, answers, picks and settings survive a rebuilt service."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from adapters.sql.database import Database
from adapters.sql.round_store import SqlRoundStore
from core.exam.exams import Exams
from core.rounds import engine as rounds
from core.rounds.engine import ALREADY, RoundSettings
from core.rounds.service import RoundService
from core.rounds.view import Reason
from tests.answers import right_response

CHAT, OTHER = "telegram:-100900", "telegram:-100901"


@pytest.fixture
async def round_store(database_url):
    engine = Database(database_url)
    yield SqlRoundStore(engine)
    await engine.dispose()


async def test_a_round_resumes_after_a_restart_and_a_passed_deadline_is_revealed(bank, database_url, clock):
    engine = Database(database_url)
    service = RoundService(Exams.of(bank), SqlRoundStore(engine), clock=clock, rng=random.Random(2))
    card = (await service.start(CHAT, 1, "Ann", ["3"])).card
    await service.set_message(card.round_id, 0, "4711")
    rnd = await service.store.live_round(CHAT)
    clock.advance(seconds=4)
    await service.answer(CHAT, card.round_id, 0, 2, "Bo", right_response(bank[rnd.question_ids[0]], rnd.orders[0]))
    await engine.dispose()

    clock.advance(minutes=10)  # the bot was down past the deadline
    engine = Database(database_url)
    try:
        service = RoundService(Exams.of(bank), SqlRoundStore(engine), clock=clock, rng=random.Random(9))
        resumed = await service.store.live_round(CHAT)
        assert (resumed.id, resumed.orders, resumed.question_ids) == (rnd.id, rnd.orders, rnd.question_ids)
        assert resumed.questions[0].deadline == card.closes_at
        assert [(a.name, a.elapsed_ms) for a in resumed.answers] == [("Bo", 4000)]
        [update] = await service.due()
        assert update.message_ref == "4711" and update.reveal.answered == 1
        assert update.next.number == 2 and update.next.closes_at == clock.now + timedelta(seconds=45)
        assert await service.due() == []
        after = await service.store.live_round(CHAT)
        assert after.position == 1 and after.questions[0].closed_at == card.closes_at
        assert after.questions[1].message_ref is None
    finally:
        await engine.dispose()


async def test_one_live_round_per_chat_is_enforced_by_the_database(bank, round_store, clock):
    def fresh(chat: str) -> rounds.Round:
        return rounds.start(bank, chat, 1, "Ann", ["d1-1.1-001", "d1-1.1-002"], clock.now, random.Random(1))

    first = await round_store.create_round(fresh(CHAT))
    assert first.id is not None and first.questions[0].id is not None
    assert await round_store.create_round(fresh(CHAT)) is None
    assert await round_store.create_round(fresh(OTHER)) is not None
    rounds.finish(first, clock.now, stopped=True)
    await round_store.save(first)
    assert await round_store.live_round(CHAT) is None
    assert await round_store.create_round(fresh(CHAT)) is not None


async def test_answers_are_unique_per_member_and_question(bank, round_store, clock):
    service = RoundService(Exams.of(bank), round_store, clock=clock, rng=random.Random(4))
    card = (await service.start(CHAT, 1, "Ann", [])).card
    picks = list(range(card.select))
    first = await service.answer(CHAT, card.round_id, 0, 2, "Bo", picks)
    assert not first.refused and first.live.answered == 1
    rnd = await round_store.live_round(CHAT)
    duplicate = rnd.answers[0]
    assert await round_store.record_answer(duplicate) is False  # a duplicated update, straight to the store
    assert (await service.answer(CHAT, card.round_id, 0, 2, "Bo", picks)).ack == ALREADY
    assert len((await round_store.live_round(CHAT)).answers) == 1


async def test_partial_picks_settings_and_the_weeks_answers_are_kept(bank, round_store, clock):
    service = RoundService(Exams.of(bank), round_store, clock=clock, rng=random.Random(4))
    await round_store.save_settings(CHAT, RoundSettings(seconds=30, length=2))
    await round_store.save_settings(CHAT, RoundSettings(seconds=20, length=3))
    assert await round_store.settings(CHAT) == RoundSettings(seconds=20, length=3)
    assert await round_store.settings(OTHER) is None
    card = (await service.start(CHAT, 1, "Ann", [])).card
    assert (card.total, card.seconds) == (3, 20)
    await round_store.save_selection(card.round_id, 0, 2, [3, 1])
    await round_store.save_selection(card.round_id, 0, 2, [1])
    assert await round_store.selection(card.round_id, 0, 2) == [1]
    assert await round_store.selection(card.round_id, 0, 3) == []
    clock.advance(seconds=2)
    await service.answer(CHAT, card.round_id, 0, 1, "Ann", list(range(card.select)))
    other = (await service.start(OTHER, 5, "Eve", [])).card
    await service.answer(OTHER, other.round_id, 0, 5, "Eve", list(range(other.select)))
    week = await round_store.answers_since(CHAT, clock.now - timedelta(days=7))
    assert [(a.name, a.position, a.elapsed_ms) for a in week] == [("Ann", 0, 2000)]
    assert week[0].question_id == (await round_store.live_round(CHAT)).question_ids[0]
    assert await round_store.answers_since(CHAT, clock.now + timedelta(seconds=1)) == []


async def test_a_round_step_another_process_took_first_stores_nothing(bank, round_store, clock):
    """Two schedulers found the same deadline due: the second one's copy of the round cannot close it again."""
    service = RoundService(Exams.of(bank), round_store, clock=clock, rng=random.Random(5))
    await service.start(CHAT, 1, "Ann", ["3"])
    mine, theirs = await round_store.live_round(CHAT), await round_store.live_round(CHAT)
    clock.advance(hours=1)
    for rnd in (theirs, mine):
        rounds.close(rnd, bank, clock(), Reason.TIME)
    assert await round_store.save(theirs, 0) is True
    assert await round_store.save(mine, 0) is False
    stored = await round_store.live_round(CHAT)
    assert stored.position == 1 and len(stored.questions) == 2  # the next question opened once
