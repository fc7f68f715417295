"""Exams in the database (migration 0008): who studied before MLA-C02 stays on MLA-C01, newcomers start on
MLA-C02, and each session and round keeps the exam it was drawn from, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from adapters.sql.database import ROOT, Database, migrate
from adapters.sql.round_store import SqlRoundStore
from adapters.sql.store import SqlStore
from core.quiz.service import QuizService
from core.rounds.service import RoundService

WHEN = datetime(2026, 11, 1, 9, 0, tzinfo=UTC).replace(tzinfo=None)


def _alembic(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    return config


def _before_mla_c02(conn: sa.Connection) -> tuple[int, int]:
    """What a database held before migration 0008: a learner with a session, a group with a round, a group
    with a question of the day, a group with round settings. Returns (learner id, session id)."""
    run = conn.execute
    lid = run(sa.text("INSERT INTO learner (created_at) VALUES (:t) RETURNING id"), {"t": WHEN}).scalar_one()
    sid = run(sa.text("INSERT INTO quiz_session (learner_id, mode, question_ids, orders, position, started_at, "
                      "unseen) VALUES (:l, 'drill', '[\"d1-1.1-001\"]', '[[0, 1, 2, 3]]', 0, :t, false) "
                      "RETURNING id"), {"l": lid, "t": WHEN}).scalar_one()
    run(sa.text("INSERT INTO round (chat, starter_id, starter_name, question_ids, orders, seconds, position, "
                "started_at, finished_at, stopped) VALUES ('telegram:-5', :l, 'Ann', '[\"d1-1.1-001\"]', "
                "'[[0, 1, 2, 3]]', 45, 0, :t, :t, false)"), {"l": lid, "t": WHEN})
    run(sa.text("INSERT INTO push_target (channel, learner_id, push_time, timezone, paused, unreachable) "
                "VALUES ('telegram:-6', NULL, '09:00', 'UTC', false, false)"))
    run(sa.text("INSERT INTO group_settings (chat, seconds, length) VALUES ('telegram:-7', 30, 8)"))
    return lid, sid


async def test_who_studied_before_stays_on_mla_c01_and_newcomers_start_on_mla_c02(database_url, exams):
    # Alembic's env.py runs its own event loop: a thread of its own, as the bot runs it before its loop.
    await asyncio.to_thread(command.downgrade, _alembic(database_url), "0009")  # the schema just before the exam choice
    database = Database(database_url)
    lid, sid = await database.run(_before_mla_c02)
    await database.dispose()
    await asyncio.to_thread(migrate, database_url)

    database = Database(database_url)
    store, round_store = SqlStore(database), SqlRoundStore(database)
    assert await store.exam(lid) == "mla-c01"
    assert (await store.session(sid)).exam == "mla-c01"
    newcomer = await store.learner("telegram", "new")
    assert await store.exam(newcomer) == "mla-c02" == exams.newest.code
    rounds = RoundService(exams, round_store)
    for group in ("telegram:-5", "telegram:-6", "telegram:-7"):
        assert (await rounds.exam_of(group)).code == "mla-c01"
    assert (await round_store.settings("telegram:-7")).length == 8  # its own settings kept
    assert (await rounds.exam_of("telegram:-8")).code == "mla-c02"  # a group new to the bot
    await database.dispose()


async def test_choices_and_drawn_exams_survive_a_restart(database_url, exams, clock):
    database = Database(database_url)
    quiz = QuizService(exams, SqlStore(database), clock=clock, rng=random.Random(1))
    rounds = RoundService(exams, SqlRoundStore(database), clock=clock, rng=random.Random(1))
    lid = await quiz.learner("discord", "5")
    drill = await quiz.drill(lid, "2")
    await quiz.choose_exam(lid, "mla-c01")
    await rounds.start("discord:9", lid, "Ann", [])
    await rounds.choose_exam("discord:9", "mla-c01")
    await database.dispose()

    database = Database(database_url)
    store, round_store = SqlStore(database), SqlRoundStore(database)
    assert await store.exam(lid) == "mla-c01"
    assert (await store.session(drill.card.session_id)).exam == "mla-c02"
    assert (await round_store.live_round("discord:9")).exam == "mla-c02"
    assert (await round_store.settings("discord:9")).exam == "mla-c01"
    await store.forget(lid)
    assert await store.exam(lid) == ""  # no learner left to have an exam
    await database.dispose()
