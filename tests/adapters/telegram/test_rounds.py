"""Group rounds end to end: the real PTB Application against the stand-in Bot API, in a group chat."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

import pytest
import yaml

from adapters.sql.database import Database
from adapters.sql.round_store import SqlRoundStore
from adapters.sql.store import SqlStore
from adapters.telegram import round_render
from adapters.telegram.app import TelegramAdapter
from bot.runtime import Runtime
from core.exam.bank import load_bank
from core.exam.exams import Exams
from core.exam.model import QuestionType
from core.quiz.grading import LETTERS
from core.quiz.service import QuizService
from core.rounds.engine import ALREADY, CLOSED
from core.rounds.layout import card_layout, reveal_layout
from core.rounds.service import RoundService
from core.rounds.view import Reason, Reveal, RoundCard, Standing
from tests.adapters.telegram.conftest import Chat, World, build
from tests.adapters.telegram.standin import parse_html
from tests.answers import right_response, wrong_response
from tests.conftest import fixture_questions, write_bank
from tests.fakes import InMemoryRoundStore

GROUP = -100700


class Group(World):
    """The World plus the round service and a few group-specific reads."""

    def __init__(self, standin, app, service, rounds: RoundService) -> None:
        super().__init__(standin, app, service)
        self.rounds = rounds

    def member(self, user_id: int) -> Chat:
        return Chat(self, user_id, chat_id=GROUP)

    async def question(self):
        rnd = await self.rounds.store.live_round(f"telegram:{GROUP}")
        return self.rounds.exams.newest[rnd.question_ids[rnd.position]], rnd.orders[rnd.position], rnd

    def sent(self) -> list[dict]:
        return [p for p in self.standin.calls_to("sendMessage") if int(p["chat_id"]) == GROUP]

    def edits(self) -> list[dict]:
        return [p for p in self.standin.calls_to("editMessageText") if int(p["chat_id"]) == GROUP]

    def shown(self, message_id: int) -> str:
        return parse_html(self.standin.messages[(GROUP, message_id)]["text"])[1]

    def question_message_ids(self) -> list[int]:
        return [m["message_id"] for (chat, _), m in self.standin.messages.items()
                if chat == GROUP and "Round · question" in m["text"]]

    def toast(self) -> str | None:
        return self.standin.calls_to("answerCallbackQuery")[-1].get("text")


async def tap(group: Group, member: Chat, right: bool = True) -> None:
    """Answer the open question with the buttons, right or wrong (multi: toggles, then Submit)."""
    q, order, _ = await group.question()
    picks = right_response(q, order) if right else wrong_response(q, order)
    if q.type is QuestionType.MULTI:
        for k in picks:
            await member.press(LETTERS[k])
        await member.press("Submit")
    else:
        await member.press(LETTERS[picks[0]])


def make_group(standin, bank, quiz_store, round_store, clock) -> Group:
    service = QuizService(Exams.of(bank), quiz_store, clock=clock, rng=random.Random(11))
    rounds = RoundService(Exams.of(bank), round_store, clock=clock, rng=random.Random(5))
    app = build(standin, service, clock, rounds)
    return Group(standin, app, service, rounds)


@pytest.fixture
async def group(standin, bank, memory_store, clock):
    world = make_group(standin, bank, memory_store, InMemoryRoundStore(), clock)
    await world.app.initialize()
    yield world
    await world.app.shutdown()


async def test_three_members_one_late_a_double_tap_and_one_message_per_question(group, clock):
    ann, bo, cy, di = (group.member(u) for u in (601, 602, 603, 604))
    await ann.say("/round@mla_coach_bot 2")
    [first] = group.question_message_ids()
    assert "Round · question 1 of 2 · 45 s to answer" in group.shown(first)
    assert "👥 0 answered" in group.shown(first)
    clock.advance(seconds=3)
    await tap(group, ann)
    assert group.toast().startswith("Answer recorded: ")
    assert "👥 1 answered" in group.shown(first)
    clock.advance(seconds=3)
    await tap(group, bo, right=False)
    await tap(group, cy)
    edits = len(group.edits())
    await tap(group, bo)  # a double tap: acknowledged privately, nothing changes
    assert group.toast() == ALREADY and len(group.edits()) == edits
    assert "👥 3 answered" in group.shown(first)

    clock.advance(seconds=40)
    await di.press("A")  # past the deadline (a toggle or an answer alike)
    assert group.toast() == CLOSED
    reveal = group.shown(first)
    assert "question 1 of 2 · closed (⏰ time is up)" in reveal
    assert "Right (2 of 3): U601 3.0 s, U603 6.0 s" in reveal
    assert "U604" not in reveal and "Standings:\n🥇 U601: 1.47\n🥈 U603: 1.43\n🥉 U602: 0.00" in reveal
    assert not group.standin.messages[(GROUP, first)].get("reply_markup")  # no buttons on a closed question

    _, second = group.question_message_ids()
    assert "Round · question 2 of 2" in group.shown(second)
    for member in (ann, cy, bo):  # everyone who joined answers: no need to wait for the time limit
        await tap(group, member)
    assert "question 2 of 2 · closed (everyone answered)" in group.shown(second)
    final = group.sent()[-1]
    text = parse_html(final["text"])[1]
    assert text.startswith("🏁 MLA-C01 round over: 2 questions.") and "Final leaderboard:\n🥇 U601: " in text
    assert ("No misses" in text) or ("Practise it: /drill " in text)
    # Rate limits: one message per question (plus the final board); answers and reveals are edits.
    assert len(group.sent()) == 3
    assert len(group.edits()) == 3 + 1 + 2 + 1  # live counts and reveal of Q1, then of Q2
    assert {int(e["message_id"]) for e in group.edits()} == {first, second}


async def test_a_live_count_never_lands_on_top_of_the_reveal(group, clock):
    """The tick reveals while a last-second tap is still being acknowledged: the reveal must stay."""
    ann, bo = group.member(605), group.member(606)
    await ann.say("/round 2")
    [first] = group.question_message_ids()
    acknowledging, release = asyncio.Event(), asyncio.Event()
    acknowledge = group.standin.api_answerCallbackQuery

    async def slow_acknowledge(params):
        if (params.get("text") or "").startswith("Answer recorded"):
            acknowledging.set()
            await release.wait()
        return await acknowledge(params)

    group.standin.api_answerCallbackQuery = slow_acknowledge
    last_second = asyncio.create_task(tap(group, bo))
    await acknowledging.wait()
    clock.advance(seconds=45)
    await Runtime(group.service, [TelegramAdapter(group.app)], rounds=group.rounds).tick()
    release.set()
    await last_second
    assert "question 1 of 2 · closed (⏰ time is up)" in group.shown(first)
    assert not group.standin.messages[(GROUP, first)].get("reply_markup")


async def test_a_busy_group_gets_every_answer_acknowledged_and_only_the_newest_count_drawn(group, clock):
    """Telegram allows a group 20 messages a minute, so a count edit can wait in the rate limiter. Members
    answering meanwhile are acknowledged at once (their answer times are not held up behind the edit),
    and once the edit is through only the newest count is drawn."""
    members = [group.member(620 + n) for n in range(6)]
    await members[0].say("/round 2")
    [first] = group.question_message_ids()
    held, release = asyncio.Event(), asyncio.Event()
    edit = group.standin.api_editMessageText

    async def slow_edit(params):
        held.set()
        await release.wait()
        return await edit(params)

    group.standin.api_editMessageText = slow_edit
    group.settle_counts = False
    edits_before = len(group.standin.calls_to("editMessageText"))

    async def burst() -> None:
        for member in members:
            clock.advance(seconds=1)
            await tap(group, member)

    await asyncio.wait_for(burst(), 10)  # drawn inline, the first edit would hold up every later tap
    await held.wait()
    acks = [p.get("text") or "" for p in group.standin.calls_to("answerCallbackQuery")]
    assert sum(a.startswith("Answer recorded") for a in acks) == 6  # all six, while the first edit waits
    (_, _, rnd) = await group.question()
    assert sorted(a.elapsed_ms for a in rnd.answers) == [1000, 2000, 3000, 4000, 5000, 6000]
    release.set()
    await group.counts_drawn()
    assert len(group.standin.calls_to("editMessageText")) - edits_before == 2  # the first count, then the newest
    assert "👥 6 answered" in group.shown(first)


async def test_only_the_starter_or_an_admin_stops_a_round(group):
    ann, bo, cy = group.member(611), group.member(612), group.member(613)
    group.standin.admins.add((GROUP, 613))
    await ann.say("/round 3")
    await bo.say("/stopround")
    assert group.texts(GROUP)[-1] == "Only U611, who started this round, or an admin can stop it."
    assert await group.rounds.store.live_round(f"telegram:{GROUP}") is not None
    await bo.say("/round")
    assert "A round is already running here (question 1 of 3)" in group.texts(GROUP)[-1]
    await cy.say("/stopround")
    assert {int(p["user_id"]) for p in group.standin.calls_to("getChatMember")} == {612, 613}
    [first] = group.question_message_ids()
    assert "closed (round stopped)" in group.shown(first)
    assert group.texts(GROUP)[-1].startswith("🏁 MLA-C01 round stopped after 1 of 3 questions.")
    assert await group.rounds.store.live_round(f"telegram:{GROUP}") is None


async def test_settings_are_for_admins_and_the_leaderboard_covers_the_week(group, clock):
    ann, bo = group.member(621), group.member(622)
    group.standin.admins.add((GROUP, 621))
    await bo.say("/roundsettings time 30")
    assert group.texts(GROUP)[-1].startswith("Only an admin can change the round settings.")
    await ann.say("/roundsettings time 30")
    await ann.say("/roundsettings length 1")
    await bo.say("/roundsettings")
    assert group.texts(GROUP)[-1].startswith("Round settings: 30 s per question, 1 question per round.")
    await bo.say("/round")
    assert "question 1 of 1 · 30 s to answer" in group.texts(GROUP)[-1]
    clock.advance(seconds=6)
    await tap(group, bo)
    await tap(group, ann, right=False)
    clock.advance(seconds=30)
    await Runtime(group.service, [TelegramAdapter(group.app)], rounds=group.rounds).tick()
    await ann.say("/leaderboard")
    assert group.texts(GROUP)[-1] == "🏆 Leaderboard, last 7 days (1 round)\n\n🥇 U622: 1.40 (1 right, 6.0 s)\n" \
                                     "🥈 U621: 0.00 (0 right, 6.0 s)"
    clock.advance(days=8)
    await ann.say("/leaderboard")
    assert group.texts(GROUP)[-1].startswith("No round answers here in the last 7 days.")
    await Chat(group, 621).say("/round")  # a private chat
    assert group.texts(621)[-1] == "Rounds are for group chats: add me to a group and send /round there."


async def test_equal_points_are_ranked_by_total_answer_time(group, clock):
    ann, bo = group.member(631), group.member(632)
    await ann.say("/round 2")
    await tap(group, ann)
    await tap(group, bo)
    clock.advance(seconds=45)
    await Runtime(group.service, [TelegramAdapter(group.app)], rounds=group.rounds).tick()
    clock.advance(seconds=5)
    await tap(group, bo, right=False)
    clock.advance(seconds=25)
    await tap(group, ann, right=False)
    final = group.texts(GROUP)[-1]
    assert "🥇 U632: 1.50 (1 right, 5.0 s)\n🥈 U631: 1.50 (1 right, 30.0 s)" in final


async def test_a_multi_response_question_keeps_each_members_picks_private(standin, memory_store, clock, tmp_path):
    folder = write_bank(tmp_path / "bank")
    (folder / "1.1.yaml").write_text(yaml.safe_dump([q for q in fixture_questions("1.1") if q["type"] == "multi"]))
    world = make_group(standin, load_bank(folder), memory_store, InMemoryRoundStore(), clock)
    await world.app.initialize()
    try:
        ann, bo = world.member(641), world.member(642)
        await ann.say("/round 1 1.1")
        q, order, rnd = await world.question()
        assert q.type is QuestionType.MULTI
        right = right_response(q, order)
        edits = len(world.edits())
        await ann.press(LETTERS[right[0]])
        assert world.toast() == f"Selected {LETTERS[right[0]]} (1 of 2)"
        await bo.press(LETTERS[right[1]])
        assert world.toast() == f"Selected {LETTERS[right[1]]} (1 of 2)"  # Bo's pick is Bo's own
        await bo.press("Submit")
        assert world.toast() == "Select 2 options, then tap Submit (you have 1)."
        await ann.press(LETTERS[right[1]])
        letters = ", ".join(LETTERS[k] for k in sorted(right))
        assert world.toast() == f"Selected {letters} (2 of 2) - tap Submit"
        assert len(world.edits()) == edits  # picking is private: the group message does not change
        await ann.press("Submit")
        assert world.toast().startswith(f"Answer recorded: {letters.replace(',', '')}.")
        [message] = world.question_message_ids()
        assert "👥 1 answered" in world.shown(message)
        await ann.press(LETTERS[right[0]])
        assert world.toast() == ALREADY
        clock.advance(seconds=45)
        await Runtime(world.service, [TelegramAdapter(world.app)], rounds=world.rounds).tick()
        assert "Right (1 of 1): U641 0.0 s" in world.shown(message)
        assert world.rounds.store.selections[(rnd.id, 0, await world.service.learner("telegram", "642"))] == \
            [right[1]]
    finally:
        await world.app.shutdown()


async def test_a_restart_mid_question_reveals_the_passed_deadline_and_the_round_goes_on(
        standin, bank, database_url, clock):
    engine = Database(database_url)
    world = make_group(standin, bank, SqlStore(engine), SqlRoundStore(engine), clock)
    await world.app.initialize()
    ann, bo = world.member(651), world.member(652)
    await ann.say("/round 2")
    clock.advance(seconds=2)
    await tap(world, ann)
    await tap(world, bo, right=False)
    await world.app.shutdown()
    await engine.dispose()

    clock.advance(minutes=5)  # down past the deadline; then the bot is rebuilt on the same database
    engine = Database(database_url)
    world = make_group(standin, bank, SqlStore(engine), SqlRoundStore(engine), clock)
    await world.app.initialize()
    try:
        ann, bo = world.member(651), world.member(652)
        sent = len(world.sent())
        runtime = Runtime(world.service, [TelegramAdapter(world.app)], rounds=world.rounds)
        await runtime.tick()
        first, second = world.question_message_ids()
        reveal = world.shown(first)
        assert "question 1 of 2 · closed (⏰ time is up)" in reveal and "Right (1 of 2): U651 2.0 s" in reveal
        assert "Round · question 2 of 2" in world.shown(second) and len(world.sent()) == sent + 1
        await runtime.tick()
        assert len(world.sent()) == sent + 1  # revealed once
        await tap(world, bo)
        await tap(world, ann)
        assert "closed (everyone answered)" in world.shown(second)
        final = world.texts(GROUP)[-1]
        assert final.startswith("🏁 MLA-C01 round over: 2 questions.") and "🥇 U651: 2.98 (2 right, 2.0 s)" in final
    finally:
        await world.app.shutdown()
        await engine.dispose()


def test_an_oversized_question_fits_one_message_with_its_options_and_count():
    card = RoundCard(round_id=10**11, position=19, total=20, kind=QuestionType.MULTI,
                     stem="Which <option> & why? " * 250, choices=[f"Choice {k} <b>&amp;</b>" for k in range(6)],
                     select=2, answered=7, closes_at=datetime(2026, 11, 28, tzinfo=UTC), seconds=45,
                     exhibit="if x < 3:\n" * 100, case_title="Case", case_scenario="A long story. " * 300)
    board = [Standing(k, f"<Member {k}> & co", 150 - k, 1, 1, 1000 * k) for k in range(40)]
    reveal = Reveal(card=card, reason=Reason.TIME, correct=["B) Choice 1", "D) Choice 3"], why="Because. " * 50,
                    right=[("<Ann>", 1.5)], answered=7, standings=board)
    live, closed = card_layout(card, round_render.PER_ROW), reveal_layout(reveal)
    for text in (round_render.text(live), round_render.text(closed)):
        error, shown = parse_html(text)
        assert error is None and len(text.encode("utf-16-le")) // 2 <= 4096
        assert "F) Choice 5 <b>&amp;</b>" in shown and "Which <option> & why?" in shown and "…" in shown
        assert "A long story." not in shown  # the optional case text goes first
    assert "👥 7 answered" in parse_html(round_render.text(live))[1]
    revealed = parse_html(round_render.text(closed))[1]
    assert "Right (1 of 7): <Ann> 1.5 s" in revealed and "10. <Member 9> & co: 1.41" in revealed
    assert "<Member 10>" not in revealed  # the reveal shows the top ten only
    assert all(len(b.callback_data.encode()) <= 64 for row in round_render.keyboard(live).inline_keyboard
               for b in row)
