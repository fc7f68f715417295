"""The SQL store on SQLite and PostgreSQL: nothing lost across a restart, one answer per question."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from datetime import timedelta

from adapters.sql.database import Database, migrate
from adapters.sql.store import SqlStore
from core.exam.exams import Exams
from core.quiz import engine
from core.quiz.binding import Sent
from core.quiz.engine import Mode
from core.quiz.service import STALE, QuizService
from tests.answers import any_valid, right_response


async def test_resume_mid_diagnostic_after_the_service_is_rebuilt(bank, database_url, clock):
    engine = Database(database_url)
    service = QuizService(Exams.of(bank), SqlStore(engine), clock=clock, rng=random.Random(1))
    lid = await service.learner("telegram", "42")
    card = (await service.diagnostic(lid)).card
    for _ in range(11):
        card = (await service.answer_text(lid, any_valid(card))).card
    clock.advance(minutes=23, seconds=57)
    before = (await service.current(lid)).card
    await engine.dispose()  # the process goes away; only the database remains

    engine = Database(database_url)
    rebuilt = QuizService(Exams.of(bank), SqlStore(engine), clock=clock, rng=random.Random(99))
    assert await rebuilt.learner("telegram", "42") == lid
    after = (await rebuilt.current(lid)).card
    assert after.progress == before.progress == "Q 12/65 · 1:46:03 left"
    assert (after.session_id, after.position, after.stem, after.choices) == \
        (before.session_id, before.position, before.stem, before.choices)
    await engine.dispose()


async def test_duplicate_delivery_records_one_answer(bank, sql_store, clock):
    service = QuizService(Exams.of(bank), sql_store, clock=clock, rng=random.Random(3))
    twin = QuizService(Exams.of(bank), sql_store, clock=clock, rng=random.Random(3))  # another instance, no shared lock
    lid = await service.learner("discord", "7")
    card = (await service.drill(lid, "4.1")).card
    session = await sql_store.session(card.session_id)
    response = right_response(bank[session.question_ids[0]], session.orders[0])
    first = await service.answer(lid, card.session_id, 0, response)
    second = await twin.answer(lid, card.session_id, 0, response)
    assert first.text != STALE and second.text == STALE
    assert len(await sql_store.history(lid)) == 1


async def test_store_round_trips_sessions_and_history(bank, sql_store, clock):
    service = QuizService(Exams.of(bank), sql_store, clock=clock, rng=random.Random(5))
    lid = await service.learner("console", "x")
    card = (await service.mock(lid)).card
    session = await sql_store.session(card.session_id)
    assert session.mode is Mode.MOCK and session.unseen and session.deadline.tzinfo is not None
    assert session.deadline - session.started_at == timedelta(minutes=40)
    await service.answer_text(lid, any_valid(card))
    clock.advance(minutes=41)
    expired = await sql_store.expired_sessions(clock())
    assert [s.id for s in expired] == [card.session_id] and len(expired[0].answers) == 1
    assert [s.id for s in await sql_store.forms(lid)] == [card.session_id]
    assert await sql_store.learner("console", "x") == lid != await sql_store.learner("console", "y")


async def test_forget_erases_everything_about_the_learner(bank, sql_store, clock):
    service = QuizService(Exams.of(bank), sql_store, clock=clock, rng=random.Random(8))
    gone = await service.learner("telegram", "99")
    kept = await service.learner("telegram", "100")
    for lid in (gone, kept):
        card = (await service.quick(lid, channel="telegram:5")).card
        await service.answer_text(lid, any_valid(card))
    await service.forget(gone)
    assert await sql_store.history(gone) == [] and await sql_store.latest_session(gone) is None
    assert len(await sql_store.history(kept)) == 1
    assert (await sql_store.latest_session(kept)).channel == "telegram:5"
    assert await sql_store.learner("telegram", "99") not in (gone, kept)


async def test_a_second_answer_for_the_same_position_stores_nothing(bank, sql_store, clock):
    """The unique (session, position) key: the store refuses it and rolls back the step saved with it."""
    service = QuizService(Exams.of(bank), sql_store, clock=clock, rng=random.Random(4))
    lid = await service.learner("telegram", "9")
    card = (await service.drill(lid, "2.1")).card
    session = await sql_store.session(card.session_id)
    answer = engine.submit(session, bank, 0, right_response(bank[session.question_ids[0]], session.orders[0]), clock())
    assert await sql_store.save(session, answer) is True
    stale = await sql_store.session(card.session_id)
    stale.position = 5  # a step that must not be stored along with a refused answer
    assert await sql_store.save(stale, answer) is False
    stored = await sql_store.session(card.session_id)
    assert stored.position == 1 and [a.position for a in stored.answers] == [0]
    assert len(await sql_store.history(lid)) == 1


async def test_sqlite_holds_no_lock_between_store_calls(bank, tmp_path, clock):
    """Each call is a whole transaction: between calls another process can write at once (no busy wait)."""
    url = f"sqlite+aiosqlite:///{tmp_path}/locks.db"
    await asyncio.to_thread(migrate, url)  # Alembic runs its own event loop
    database = Database(url)
    service = QuizService(Exams.of(bank), SqlStore(database), clock=clock, rng=random.Random(6))
    lid = await service.learner("telegram", "11")
    await service.quick(lid)  # reads (history, the running session) and writes (the new session)
    await service.stats(lid)  # reads only
    other = sqlite3.connect(tmp_path / "locks.db", timeout=0)  # fails at once if a lock were held
    try:
        other.execute("INSERT INTO learner (created_at) VALUES ('2026-11-28 10:00:00')")
        other.commit()
    finally:
        other.close()
    assert await service.learner("telegram", "12") != lid  # and this process writes after it
    await database.dispose()


async def test_a_forged_session_id_past_the_integer_range_explains_nothing(bank, sql_store, clock):
    """A button's id is checked against the store's range first: PostgreSQL raises on a 12-digit integer."""
    service = QuizService(Exams.of(bank), sql_store, clock=clock, rng=random.Random(2))
    lid = await service.learner("telegram", "forger")
    for forged in (10**12, 2**31, -1, 0):
        reply = await service.explain(lid, 1, session_id=forged)
        assert reply.text == "There is no question 1 in your latest session."


async def test_an_update_is_applied_once_across_processes_and_forgotten_after_a_day(bank, database_url, clock):
    """Two processes on one database (two engines, no shared lock) racing on one re-sent typed answer record
    it once; the unique key on (platform, update id) decides, with the answer, in one transaction."""
    engines = [Database(database_url), Database(database_url)]
    services = [QuizService(bank, SqlStore(e), clock=clock, rng=random.Random(6)) for e in engines]
    lid = await services[0].learner("telegram", "61")
    card = (await services[0].drill(lid, "2.1")).card
    clock.advance(seconds=9)
    sent = Sent(update=("telegram:999000", "7001"), at=clock().replace(microsecond=0))
    replies = await asyncio.gather(*(s.answer_text(lid, any_valid(card), sent) for s in services))
    assert sorted(bool(r.paragraphs) for r in replies) in ([False, True], [True, True])  # one reply, or a STALE
    store = services[0].store
    assert len(await store.history(lid)) == 1 and await store.seen_update(sent.update)
    assert not await store.record_update(sent.update, lid, clock())  # a second record is refused
    assert await store.record_update(("telegram:999000", "7002"), None, clock() + timedelta(hours=2))
    assert await store.prune_updates(clock() + timedelta(hours=1)) == 1  # the older one only
    assert not await store.seen_update(sent.update) and await store.seen_update(("telegram:999000", "7002"))
    for e in engines:
        await e.dispose()


async def test_a_step_of_a_session_finished_elsewhere_stores_nothing(bank, sql_store, clock):
    """Another process (a replica's scheduler) finished the session: this one's copy cannot step it on."""
    service = QuizService(Exams.of(bank), sql_store, clock=clock, rng=random.Random(4))
    lid = await service.learner("telegram", "9")
    card = (await service.drill(lid, "2.1")).card
    mine, theirs = await sql_store.session(card.session_id), await sql_store.session(card.session_id)
    engine.finish(theirs, clock())
    assert await sql_store.save(theirs) is True
    answer = engine.submit(mine, bank, 0, right_response(bank[mine.question_ids[0]], mine.orders[0]), clock())
    assert await sql_store.save(mine, answer) is False
    engine.finish(mine, clock())
    assert await sql_store.save(mine) is False
    stored = await sql_store.session(card.session_id)
    assert stored.position == 0 and stored.answers == [] and stored.finished_at is not None
