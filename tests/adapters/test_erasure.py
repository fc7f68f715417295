"""/forget on SQLite and PostgreSQL, checked by reading every table of the schema: no row names the erased
learner (their id, their chat address, their name) and their id is never handed to anyone else.

The test walks SQLModel.metadata, so a table added later is covered without editing it: a new table must
either hold a row about the erased learner in the scenario below (and lose it on /forget) or be listed in
NEUTRAL as a table that can never name a learner.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import SQLModel

from adapters.sql.database import Database
from adapters.sql.plan_store import SqlPlanStore
from adapters.sql.review_store import SqlReviewStore
from adapters.sql.round_store import SqlRoundStore
from adapters.sql.store import SqlStore
from bot.bootstrap import bootstrap
from bot.config import Settings
from core.exam.exams import Exams
from core.quiz.binding import Sent
from core.rounds.service import RoundService
from tests.answers import any_valid, right_response
from tests.core.test_plan import Outbox

GONE, KEPT, STRANGER = "990001", "990002", "990003"
GONE_NAME = "Gone Learner"
GROUP = "telegram:-100777"
# a group's settings, a round's questions, when the bot was up or down, the web view's link key: nobody's data
NEUTRAL = {"group_settings", "round_question", "heartbeat", "outage", "app_secret"}
LEARNER_COLUMNS = {"learner_id", "member_id", "starter_id"}  # columns that hold a learner id by name


def _learner_columns(table: sa.Table) -> set[str]:
    """Columns that hold a learner id: by foreign key to learner.id, by name, or the learner's own id."""
    named = {c.name for c in table.columns if c.name in LEARNER_COLUMNS}
    keyed = {c.name for c in table.columns if any(fk.column.table.name == "learner" for fk in c.foreign_keys)}
    return named | keyed | ({"id"} if table.name == "learner" else set())


def _names(table: sa.Table, row, learner_id: int, marks: tuple[str, ...]) -> bool:
    """Whether a row names the learner: their id in a learner column, or a mark in any value's text."""
    values = row._mapping
    if any(values[c] == learner_id for c in _learner_columns(table)):
        return True
    return any(mark in str(value) for value in values.values() if value is not None for mark in marks)


async def _tables_naming(database: Database, learner_id: int, marks: tuple[str, ...]) -> dict[str, int]:
    """table name -> how many of its rows name the learner, over every table in the schema."""
    def read(conn) -> dict[str, int]:
        out = {}
        for table in SQLModel.metadata.sorted_tables:
            rows = [r for r in conn.execute(table.select()) if _names(table, r, learner_id, marks)]
            if rows:
                out[table.name] = len(rows)
        return out
    return await database.run(read)


async def _use_everything(services, rounds: RoundService, plan_store: SqlPlanStore, external: str,
                          name: str, clock) -> int:
    """A learner who did a bit of everything: quiz (a mock's answer, once the mock ended, is also a review card
    and its log), plan, push, Day-2 label, a round and a partial pick."""
    quiz, planner = services.quiz, services.planner
    lid = await quiz.learner("telegram", external)
    chat = f"telegram:{external}"
    await planner.target(chat, lid)
    await planner.set_exam_date(lid, "2026-12-20")
    card = (await quiz.mock(lid, 5, channel=chat)).card
    await quiz.answer_text(lid, any_valid(card), Sent(update=("telegram:999000", str(lid * 7))))
    await plan_store.add_label(lid, card.session_id, 0, "data")
    await quiz.stop(lid)  # ended, so the push's read makes its answer a review card (a running form's is not)
    live = await rounds.store.live_round(GROUP)
    if live is None:
        await rounds.start(GROUP, lid, name, ["3"])
        live = await rounds.store.live_round(GROUP)
    at = live.position
    await rounds.store.save_selection(live.id, at, lid, [0])
    answered = await rounds.answer(GROUP, live.id, at, lid, name, right_response(
        rounds.exams.newest[live.question_ids[at]], live.orders[at]))
    assert not answered.refused
    return lid


async def test_forget_leaves_no_row_naming_the_learner_and_never_reuses_their_id(bank, database_url, clock):
    database = Database(database_url)
    plan_store, round_store = SqlPlanStore(database), SqlRoundStore(database)
    services = bootstrap(Settings(database_url=database_url), exams=Exams.of(bank), store=SqlStore(database),
                         plan_store=plan_store, round_store=round_store, review_store=SqlReviewStore(database),
                         clock=clock, rng=random.Random(5))
    rounds = services.rounds
    clock.now = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    kept = await _use_everything(services, rounds, plan_store, KEPT, "Kept Learner", clock)
    gone = await _use_everything(services, rounds, plan_store, GONE, GONE_NAME, clock)  # the newest id
    await rounds.stop(GROUP, kept, is_admin=True)
    await rounds.start(GROUP, gone, GONE_NAME, ["3"])  # a live round the erased learner started
    clock.now = datetime(2026, 11, 28, 9, 1, tzinfo=UTC)
    assert await services.planner.run_pushes(Outbox()) == 2  # push claims for both chats
    marks = (GONE, GONE_NAME)

    before = await _tables_naming(database, gone, marks)
    unexercised = {t.name for t in SQLModel.metadata.sorted_tables} - set(before) - NEUTRAL
    assert not unexercised, f"tables the scenario never fills for the learner (add them, or to NEUTRAL): " \
                            f"{unexercised}"

    await services.quiz.forget(gone)
    assert await _tables_naming(database, gone, marks) == {}
    assert {"identity", "answer", "push_claim", "round_answer", "processed_update", "review_card", "review_log"} <= set(
        await _tables_naming(database, kept, (KEPT, "Kept Learner")))  # the other learner keeps everything

    stranger = await services.quiz.learner("telegram", STRANGER)
    assert stranger > gone  # never the erased learner's id (SQLite AUTOINCREMENT; a PostgreSQL sequence)
    refused = await rounds.stop(GROUP, stranger, is_admin=False)
    assert refused.refused and "a former member" in refused.text
    await database.dispose()
