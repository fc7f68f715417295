"""Group rounds in the core: joining, closing, scoring, ties, stops, settings and the weekly board."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from core.exam.exams import Exams
from core.exam.model import QuestionType
from core.quiz.grading import LETTERS
from core.rounds import engine as rounds
from core.rounds.engine import ALREADY, CLOSED
from core.rounds.service import RoundService
from core.rounds.view import Reason
from tests.answers import right_response, wrong_response
from tests.fakes import InMemoryRoundStore

CHAT = "telegram:-100777"
ANN, BO, CY, DI = 1, 2, 3, 4
NAMES = {ANN: "Ann", BO: "Bo", CY: "Cy", DI: "Di"}


@pytest.fixture
def store() -> InMemoryRoundStore:
    return InMemoryRoundStore()


@pytest.fixture
def service(bank, store, clock) -> RoundService:
    return RoundService(Exams.of(bank), store, clock=clock, rng=random.Random(3))


async def live(service: RoundService):
    return await service.store.live_round(CHAT)


async def respond(service: RoundService, member: int, right: bool = True, chat: str = CHAT):
    """Answer the open question right or wrong, whatever its type (multi through toggles and Submit)."""
    rnd = await service.store.live_round(chat)
    q = service.exams.newest[rnd.question_ids[rnd.position]]
    order = rnd.orders[rnd.position]
    picks = right_response(q, order) if right else wrong_response(q, order)
    if q.type is QuestionType.MULTI:
        for k in picks:
            await service.toggle(chat, rnd.id, rnd.position, member, k)
        return await service.submit(chat, rnd.id, rnd.position, member, NAMES[member])
    return await service.answer(chat, rnd.id, rnd.position, member, NAMES[member], picks)


async def test_a_round_starts_with_the_first_question_and_only_one_runs_per_chat(service, clock):
    reply = await service.start(CHAT, ANN, "Ann", [])
    card = reply.card
    assert (card.number, card.total, card.answered, card.seconds) == (1, 5, 0, 45)
    assert card.closes_at == clock.now + timedelta(seconds=45)
    assert card.kind in rounds.ROUND_TYPES
    again = await service.start(CHAT, BO, "Bo", ["3"])
    assert again.refused and "already running" in again.text
    other = await service.start("telegram:-100888", BO, "Bo", ["3"])
    assert other.card is not None and other.card.total == 3


async def test_round_arguments_set_length_and_scope_or_explain_usage(service, bank):
    reply = await service.start(CHAT, ANN, "Ann", ["4", "2"])
    rnd = await live(service)
    assert reply.card.total == 4 and {bank[q].domain for q in rnd.question_ids} == {2}
    await service.stop(CHAT, ANN, is_admin=False)
    await service.start(CHAT, ANN, "Ann", ["d3.1"])
    assert {bank[q].task for q in (await live(service)).question_ids} == {"3.1"}
    await service.stop(CHAT, ANN, is_admin=False)
    for bad in (["99"], ["0"], ["5", "nonsense"]):
        refused = await service.start(CHAT, ANN, "Ann", bad)
        assert refused.refused and refused.text.startswith("Usage: /round")


async def test_first_question_waits_for_its_deadline_then_reveals_and_moves_on(service, clock):
    await service.start(CHAT, ANN, "Ann", ["3"])
    clock.advance(seconds=2)
    first = await respond(service, ANN)
    assert first.ack.startswith("Answer recorded: ") and first.update is None
    assert first.live.answered == 1  # the live count for the one message everyone sees
    clock.advance(seconds=3)
    await respond(service, BO, right=False)
    clock.advance(seconds=1)
    third = await respond(service, CY)
    assert third.live.answered == 3 and third.update is None  # question 1 is where members join
    assert await service.due() == []
    clock.advance(seconds=40)
    updates = await service.due()
    assert len(updates) == 1
    update = updates[0]
    assert update.reveal.reason is Reason.TIME and update.reveal.answered == 3
    assert [name for name, _ in update.reveal.right] == ["Ann", "Cy"]  # fastest first
    assert update.reveal.right[0][1] == 2.0
    assert update.next.number == 2 and update.next.closes_at == clock.now + timedelta(seconds=45)
    assert update.end is None
    assert await service.due() == []  # revealed once


async def test_a_question_closes_early_once_every_joined_member_answered(service, clock):
    await service.start(CHAT, ANN, "Ann", ["3"])
    for member in (ANN, BO, CY):
        await respond(service, member)
    clock.advance(seconds=45)
    await service.due()
    await respond(service, ANN)
    pending = await respond(service, CY)
    assert pending.update is None and pending.live.answered == 2
    last = await respond(service, BO)
    assert last.update.reveal.reason is Reason.EVERYONE
    assert last.update.next.number == 3


async def test_a_late_answer_is_refused_politely_and_reveals_the_question(service, clock, store):
    await service.start(CHAT, ANN, "Ann", ["2"])
    await respond(service, ANN)
    clock.advance(seconds=45)
    late = await respond(service, BO)
    assert late.refused and late.ack == CLOSED
    assert late.update.reveal.card.number == 1 and late.update.next.number == 2
    assert [a.member_id for a in store.answers] == [ANN]
    rnd = await live(service)
    stale = await service.answer(CHAT, rnd.id, 0, CY, "Cy", [0])  # an old button of question 1
    assert stale.refused and stale.ack == CLOSED and stale.update is None


async def test_a_double_tap_keeps_the_first_answer(service, store):
    await service.start(CHAT, ANN, "Ann", ["2"])
    rnd = await live(service)
    first = await service.answer(CHAT, rnd.id, 0, BO, "Bo", [0])
    again = await service.answer(CHAT, rnd.id, 0, BO, "Bo", [1])
    assert not first.refused and again.refused and again.ack == ALREADY
    assert [a.response for a in store.answers if a.member_id == BO] == \
        [[rnd.orders[0][0]]]


def test_points_are_one_plus_a_speed_bonus_falling_linearly_to_zero():
    assert rounds.points(True, 0, 45) == 150
    assert rounds.points(True, 22_500, 45) == 125
    assert rounds.points(True, 45_000, 45) == 100
    assert rounds.points(True, 90_000, 45) == 100
    assert rounds.points(False, 0, 45) == 0


async def test_equal_points_are_ranked_by_total_answer_time(service, clock):
    await service.start(CHAT, ANN, "Ann", ["2"])
    await respond(service, ANN)
    await respond(service, BO)
    clock.advance(seconds=45)
    await service.due()
    clock.advance(seconds=5)
    await respond(service, BO, right=False)
    clock.advance(seconds=25)
    done = await respond(service, ANN, right=False)
    board = done.update.end.standings
    assert [(s.name, s.score) for s in board] == [("Bo", "1.50"), ("Ann", "1.50")]
    assert board[0].time_ms < board[1].time_ms


async def test_multi_response_selection_is_stored_per_member_and_submitted(service, bank, store):
    await service.start(CHAT, ANN, "Ann", ["20", "1"])
    while True:
        rnd = await live(service)
        q = bank[rnd.question_ids[rnd.position]]
        if q.type is QuestionType.MULTI:
            break
        await service.stop(CHAT, ANN, is_admin=False)
        await service.start(CHAT, ANN, "Ann", ["20", "1"])
    pos = rnd.position
    right = right_response(q, rnd.orders[pos])
    toggled = await service.toggle(CHAT, rnd.id, pos, BO, right[0])
    assert toggled.ack == f"Selected {LETTERS[right[0]]} (1 of 2)"
    other = await service.toggle(CHAT, rnd.id, pos, CY, right[1])  # Cy's pick is Cy's own
    assert other.ack == f"Selected {LETTERS[right[1]]} (1 of 2)"
    early = await service.submit(CHAT, rnd.id, pos, BO, "Bo")
    assert early.refused and "Select 2" in early.ack and store.answers == []
    second = await service.toggle(CHAT, rnd.id, pos, BO, right[1])
    letters = ", ".join(LETTERS[k] for k in sorted(right))
    assert second.ack == f"Selected {letters} (2 of 2) - tap Submit"
    done = await service.submit(CHAT, rnd.id, pos, BO, "Bo")
    assert not done.refused and [a.correct for a in store.answers] == [True]
    assert (await service.toggle(CHAT, rnd.id, pos, BO, 0)).ack == ALREADY


async def test_only_the_starter_or_an_admin_stops_a_round(service, clock):
    assert (await service.stop(CHAT, ANN, is_admin=False)).refused
    await service.start(CHAT, ANN, "Ann", ["3"])
    await respond(service, BO)
    refused = await service.stop(CHAT, BO, is_admin=False)
    assert refused.refused and "Only Ann" in refused.text
    stopped = await service.stop(CHAT, CY, is_admin=True)
    update = stopped.update
    assert update.reveal.reason is Reason.STOPPED and update.next is None
    assert update.end.stopped and (update.end.asked, update.end.total) == (1, 3)
    assert await live(service) is None
    assert (await service.start(CHAT, BO, "Bo", [])).card is not None


async def test_settings_change_only_for_admins_and_apply_to_the_next_round(service, clock):
    shown = await service.configure(CHAT, False, [])
    assert "45 s per question, 5 questions per round" in shown.text
    assert (await service.configure(CHAT, False, ["time", "30"])).refused
    assert (await service.configure(CHAT, True, ["time", "5"])).refused
    assert (await service.configure(CHAT, True, ["length", "99"])).refused
    assert (await service.configure(CHAT, True, ["colour", "red"])).refused
    assert not (await service.configure(CHAT, True, ["time", "30"])).refused
    assert not (await service.configure(CHAT, True, ["length", "8"])).refused
    card = (await service.start(CHAT, ANN, "Ann", [])).card
    assert (card.total, card.seconds) == (8, 30)
    assert card.closes_at == clock.now + timedelta(seconds=30)


def test_the_domain_missed_most_counts_wrong_and_missing_answers_of_joined_members(bank, clock):
    ids = ["d1-1.1-001", "d2-2.1-001", "d2-2.2-001", "d3-3.1-001"]
    rnd = rounds.start(bank, CHAT, ANN, "Ann", ids, clock.now, random.Random(5), seconds=45)
    rnd.id = 1

    def tap(member: int, right: bool) -> None:
        q, order = bank[rnd.question_ids[rnd.position]], rnd.orders[rnd.position]
        picks = right_response(q, order) if right else wrong_response(q, order)
        rounds.answer(rnd, bank, member, NAMES[member], rnd.position, picks, clock.now)

    tap(ANN, True)  # domain 1: nobody misses (Bo has not joined yet)
    rounds.close(rnd, bank, clock.now, Reason.TIME)
    tap(ANN, False)  # domain 2: Ann wrong, Bo joins with a right answer
    tap(BO, True)
    rounds.close(rnd, bank, clock.now, Reason.EVERYONE)
    tap(BO, False)  # domain 2 again: Bo wrong, Ann silent (a miss too)
    rounds.close(rnd, bank, clock.now, Reason.TIME)
    tap(ANN, False)  # domain 3: one miss; the round is stopped here
    tap(BO, True)
    rounds.close(rnd, bank, clock.now, Reason.STOPPED)
    end = rounds.summary(rnd, bank)
    assert (end.asked, end.total, end.stopped) == (4, 4, True)
    assert (end.missed.domain, end.missed.misses, end.missed.drill) == (2, 3, "/drill 2")
    assert [s.name for s in end.standings] == ["Bo", "Ann"]


async def test_nobody_missing_anything_suggests_no_drill(service, clock):
    await service.start(CHAT, ANN, "Ann", ["1"])
    await respond(service, ANN)
    clock.advance(seconds=45)
    [update] = await service.due()
    assert update.end.missed is None and update.end.standings[0].score == "1.50"


async def test_leaderboard_covers_the_groups_last_seven_days(service, clock):
    await service.start(CHAT, ANN, "Ann", ["1"])
    await respond(service, ANN)
    clock.advance(seconds=45)
    await service.due()
    clock.advance(days=3)
    await service.start(CHAT, BO, "Bo", ["1"])
    clock.advance(seconds=9)
    await respond(service, BO)
    await respond(service, ANN, right=False)
    clock.advance(seconds=45)
    await service.due()
    board = (await service.leaderboard(CHAT)).leaderboard
    assert board.rounds == 2
    assert [(s.name, s.score, s.right) for s in board.standings] == [("Ann", "1.50", 1), ("Bo", "1.40", 1)]
    clock.advance(days=5)  # Ann's first round is now more than a week old
    board = (await service.leaderboard(CHAT)).leaderboard
    assert [(s.name, s.score) for s in board.standings] == [("Bo", "1.40"), ("Ann", "0.00")]
    clock.advance(days=7)
    empty = await service.leaderboard(CHAT)
    assert empty.leaderboard is None and "No round answers" in empty.text
    assert (await service.leaderboard("telegram:-1")).leaderboard is None


def test_rounds_ask_only_single_and_multi_response_questions(bank):
    ids = rounds.choose(bank, None, 20, random.Random(1))
    assert len(ids) == 20 and len(set(ids)) == 20
    assert {bank[q].type for q in ids} <= set(rounds.ROUND_TYPES)
    assert len(rounds.choose(bank, "1.1", 20, random.Random(1))) == 5  # the fixture bank: 4 single + 1 multi
