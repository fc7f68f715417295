"""Study-group rounds in a server channel: one message per question (the count and the reveal are edits),
private acknowledgements, late and double taps, who may stop, ties, multi-response picks, a restart."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
import yaml

from adapters.discord import DiscordAdapter, DiscordBot, ids, render, round_render, rounds
from adapters.discord.client import DYNAMIC_ITEMS
from adapters.sql.database import Database
from bot.runtime import Runtime
from core.dispatch import Dispatcher
from core.exam.bank import load_bank
from core.exam.exams import Exams
from core.exam.model import QuestionType
from core.plan.service import PlanService
from core.quiz.grading import LETTERS
from core.quiz.service import QuizService
from core.rounds.engine import ALREADY, CLOSED
from core.rounds.layout import card_layout, reveal_layout
from core.rounds.service import RoundService
from core.rounds.view import Reason, Reveal, RoundCard, Standing
from tests.adapters.discord.fakes import (
    ADMIN,
    ANN,
    BOB,
    CHANNEL,
    CY,
    DI,
    MANAGER,
    FakeChannel,
    click,
    command,
    http_error,
)
from tests.adapters.discord.test_restart import sql_bot
from tests.answers import right_response, wrong_response
from tests.conftest import fixture_questions, write_bank
from tests.fakes import InMemoryPlanStore, InMemoryRoundStore

CHAT = f"discord:{CHANNEL}"


class Group:
    """One server channel with the bot in it; `channel` holds the bot's own messages as they look now."""

    def __init__(self, bot: DiscordBot, monkeypatch, made: dict[int, FakeChannel] | None = None) -> None:
        self.bot = bot
        self.made = made if made is not None else {}
        monkeypatch.setattr(bot, "get_partial_messageable",
                            lambda channel_id: self.made.setdefault(channel_id, FakeChannel(channel_id)))

    @property
    def channel(self) -> FakeChannel:
        return self.made.setdefault(CHANNEL, FakeChannel(CHANNEL))

    async def live(self):
        """(question, the round's display order, the round, the id of the question's message)."""
        rnd = await self.bot.rounds.store.live_round(CHAT)
        ref = rnd.questions[rnd.position].message_ref
        return self.bot.rounds.exams.newest[rnd.question_ids[rnd.position]], rnd.orders[rnd.position], rnd, int(ref)

    def shown(self, message_id: int) -> str:
        embed = self.channel.messages[message_id].embed
        return f"{embed.title}\n{embed.description}"

    def questions(self) -> list[int]:
        return [i for i, m in self.channel.messages.items() if m.embed and m.embed.title.startswith("Round")]

    async def press(self, member: int, label: str, message_id: int | None = None):
        """Click the button labelled `label` on a question's message (the open one by default)."""
        if message_id is None:
            *_, message_id = await self.live()
        button = self.channel.messages[message_id].buttons()[label]
        before = len(self.channel.edits)
        clicked = await click(self.bot, button.custom_id, user=member, message=message_id)
        await self.bot.round_delivery.settle()  # the live count is drawn in the background
        clicked.drawn = [edit["embed"] for _, edit in self.channel.edits[before:]]
        return clicked

    async def tap(self, member: int, right: bool = True):
        """Answer the open question with the buttons (multi-response: toggles, then Submit)."""
        q, order, _, message_id = await self.live()
        picks = right_response(q, order) if right else wrong_response(q, order)
        if q.type is QuestionType.MULTI:
            for k in picks:
                await self.press(member, LETTERS[k], message_id)
            return await self.press(member, "Submit", message_id)
        return await self.press(member, LETTERS[picks[0]], message_id)

    async def tick(self) -> None:
        await Runtime(self.bot.service, [DiscordAdapter(self.bot, "test-token")], rounds=self.bot.rounds).tick()


def ack(clicked) -> str:
    """The private acknowledgement of a tap."""
    [said] = [s for s in clicked.log if s.how == "followup"]
    assert said.ephemeral
    return said.content


def counted(clicked) -> str | None:
    """The count the tap drew into its question's message (an edit of the bot's own message), if any."""
    counts = [embed for embed in clicked.drawn if "closed" not in embed.title]
    return counts[-1].description.rsplit("\n", 1)[-1] if counts else None


@pytest.fixture
def group(bot, monkeypatch) -> Group:
    return Group(bot, monkeypatch)


async def test_three_members_one_late_a_double_tap_and_one_message_per_question(group, clock):
    started = await command(group.bot, "round", questions=2)
    assert started.log[0].kwargs == {"ephemeral": True, "thinking": True} and started.text() == rounds.STARTED
    [first] = group.questions()
    assert group.shown(first).startswith("Round · question 1 of 2 · 45 s to answer")
    assert "👥 0 answered" in group.shown(first) and "closes <t:" in group.shown(first)
    q, *_ = await group.live()
    submit = ["Submit"] if q.type is QuestionType.MULTI else []
    assert list(group.channel.messages[first].buttons()) == [*LETTERS[:q.size], *submit]
    clock.advance(seconds=3)
    tapped = await group.tap(ANN)
    assert [s.how for s in tapped.log] == ["defer", "followup"]  # the count is an edit of the question
    assert ack(tapped).startswith("Answer recorded: ") and counted(tapped).endswith("👥 1 answered")
    clock.advance(seconds=3)
    await group.tap(BOB, right=False)
    assert counted(await group.tap(CY)).endswith("👥 3 answered")
    double = await group.tap(BOB)  # a double tap: acknowledged privately, nothing changes
    assert ack(double) == ALREADY and counted(double) is None

    clock.advance(seconds=40)
    late = await group.press(DI, "A", first)  # past the deadline: refused, and the reveal is drawn now
    assert ack(late) == CLOSED and counted(late) is None
    reveal = group.shown(first)
    assert "question 1 of 2 · closed (⏰ time is up)" in reveal
    assert "Right (2 of 3): U1001 3.0 s, U1003 6.0 s" in reveal and "U1004" not in reveal
    assert "Standings:\n🥇 U1001: 1.47\n🥈 U1003: 1.43\n🥉 U1002: 0.00" in reveal
    assert group.channel.messages[first].view is None  # no buttons on a closed question

    first_, second = group.questions()
    assert "Round · question 2 of 2" in group.shown(second)
    for member in (ANN, CY, BOB):  # everyone who joined answers: no need to wait for the time limit
        await group.tap(member)
    assert "question 2 of 2 · closed (everyone answered)" in group.shown(second)
    final = group.channel.sent[-1].content
    assert final.startswith("**🏁 MLA-C01 round over: 2 questions.**") and "Final leaderboard:\n🥇 U1001: " in final
    # Rate limits: one channel message per question plus the final board; the reveals are edits of them.
    assert len(group.channel.sent) == 3
    assert [message_id for message_id, edit in group.channel.edits if "closed" in edit["embed"].title] == [first,
                                                                                                    second]
    await group.tick()
    assert len(group.channel.sent) == 3  # nothing left to reveal


async def test_a_stop_by_a_member_is_refused_the_starter_or_a_manager_stops(group):
    await command(group.bot, "round", questions=3)
    refused = await command(group.bot, "stopround", user=BOB)
    assert refused.text() == "Only U1001, who started this round, or an admin can stop it."
    assert refused.messages()[-1].ephemeral and await group.bot.rounds.store.live_round(CHAT) is not None
    again = await command(group.bot, "round", user=BOB)
    assert "A round is already running here (question 1 of 3)" in again.text() and again.messages()[-1].ephemeral
    stopped = await command(group.bot, "stopround", user=CY, permissions=MANAGER)
    assert stopped.text() == rounds.STOPPED
    [first] = group.questions()
    assert "closed (round stopped)" in group.shown(first)
    assert group.channel.sent[-1].content.startswith("**🏁 MLA-C01 round stopped after 1 of 3 questions.**")
    assert await group.bot.rounds.store.live_round(CHAT) is None
    assert (await command(group.bot, "stopround")).text().startswith("No round is running here.")
    await command(group.bot, "round", questions=1, user=BOB)
    assert (await command(group.bot, "stopround", user=BOB)).text() == rounds.STOPPED  # the starter


async def test_equal_points_are_ranked_by_total_answer_time(group, clock):
    await command(group.bot, "round", questions=2)
    await group.tap(ANN)
    await group.tap(BOB)
    clock.advance(seconds=45)
    await group.tick()
    clock.advance(seconds=5)
    await group.tap(BOB, right=False)
    clock.advance(seconds=25)
    await group.tap(ANN, right=False)
    final = group.channel.sent[-1].content
    assert "🥇 U1002: 1.50 (1 right, 5.0 s)\n🥈 U1001: 1.50 (1 right, 30.0 s)" in final


async def test_a_multi_response_question_keeps_each_members_picks_private(monkeypatch, memory_store, clock,
                                                                          tmp_path):
    folder = write_bank(tmp_path / "bank")
    (folder / "1.1.yaml").write_text(yaml.safe_dump([q for q in fixture_questions("1.1") if q["type"] == "multi"]))
    bank = load_bank(folder)
    service = QuizService(Exams.of(bank), memory_store, clock=clock)
    store = InMemoryRoundStore()
    bot = DiscordBot(Dispatcher(service, PlanService(service, InMemoryPlanStore(), clock=clock),
                     RoundService(Exams.of(bank), store, clock=clock, rng=random.Random(5))))
    group = Group(bot, monkeypatch)
    await command(bot, "round", questions=1, domain="1.1")
    q, order, rnd, message = await group.live()
    assert q.type is QuestionType.MULTI
    assert list(group.channel.messages[message].buttons()) == [*LETTERS[:5], "Submit"]
    assert "Select 2, then Submit." in group.shown(message)
    right = right_response(q, order)
    first = await group.press(ANN, LETTERS[right[0]])
    assert ack(first) == f"Selected {LETTERS[right[0]]} (1 of 2)" and counted(first) is None
    assert ack(await group.press(BOB, LETTERS[right[1]])) == f"Selected {LETTERS[right[1]]} (1 of 2)"
    assert ack(await group.press(BOB, "Submit")) == "Select 2 options, then tap Submit (you have 1)."
    letters = ", ".join(LETTERS[k] for k in sorted(right))
    assert ack(await group.press(ANN, LETTERS[right[1]])) == f"Selected {letters} (2 of 2) - tap Submit"
    submitted = await group.press(ANN, "Submit")
    assert ack(submitted).startswith(f"Answer recorded: {letters.replace(',', '')}.")
    assert counted(submitted).endswith("👥 1 answered")
    assert ack(await group.press(ANN, LETTERS[right[0]])) == ALREADY
    assert len(group.channel.edits) == 1  # picking is private: only the submitted answer's count was drawn
    clock.advance(seconds=45)
    await group.tick()
    assert "Right (1 of 1): U1001 0.0 s" in group.shown(message)
    bob = await service.learner("discord", str(BOB))
    assert store.selections[(rnd.id, 0, bob)] == [right[1]]


async def test_a_restart_mid_question_reveals_the_passed_deadline_and_the_round_goes_on(
        bank, clock, database_url, monkeypatch):
    engine = Database(database_url)
    before = Group(sql_bot(bank, engine, clock, 5), monkeypatch)
    await command(before.bot, "round", questions=2)
    clock.advance(seconds=2)
    await before.tap(ANN)
    await before.tap(BOB, right=False)
    [first] = before.questions()
    await engine.dispose()

    clock.advance(minutes=5)  # down past the deadline; then the bot is rebuilt on the same database
    engine = Database(database_url)
    after = Group(sql_bot(bank, engine, clock, 6), monkeypatch, before.made)  # the same Discord channel
    try:
        await after.tick()
        reveal = after.shown(first)
        assert "question 1 of 2 · closed (⏰ time is up)" in reveal and "Right (1 of 2): U1001 2.0 s" in reveal
        assert after.channel.messages[first].view is None
        _, second = after.questions()
        assert "Round · question 2 of 2" in after.shown(second) and len(after.channel.sent) == 2
        await after.tick()
        assert len(after.channel.sent) == 2  # revealed once
        assert after.channel.messages[first].buttons() == {}  # no buttons left on the closed question
        stale = await click(after.bot, f"mla:ra:{(await after.live())[2].id}:0:1", user=CY, message=first)
        assert ack(stale) == CLOSED
        await after.tap(BOB)
        await after.tap(ANN)
        assert "closed (everyone answered)" in after.shown(second)
        final = after.channel.sent[-1].content
        assert final.startswith("**🏁 MLA-C01 round over: 2 questions.**")
        assert "🥇 U1001: 2.98 (2 right, 2.0 s)" in final
    finally:
        await engine.dispose()


async def test_round_settings_are_for_managers_and_the_leaderboard_is_public(group, clock):
    refused = await command(group.bot, "roundsettings", user=BOB, seconds=30)
    assert refused.text().startswith("Only an admin can change the round settings.")
    saved = await command(group.bot, "roundsettings", permissions=ADMIN, seconds=30, length=1)
    assert saved.text().startswith("Saved. Round settings: 30 s per question, 1 question per round")
    shown = await command(group.bot, "roundsettings", user=BOB)
    assert shown.text().startswith("Round settings: 30 s per question, 1 question per round.")
    await command(group.bot, "round", user=BOB)
    [first] = group.questions()
    assert "question 1 of 1 · 30 s to answer" in group.shown(first)
    clock.advance(seconds=6)
    await group.tap(BOB)
    await group.tap(ANN, right=False)
    clock.advance(seconds=30)
    await group.tick()
    assert group.channel.sent[-1].content.startswith("**🏁 MLA-C01 round over: 1 question.**")
    board = await command(group.bot, "leaderboard")
    assert board.log[0].kwargs == {"ephemeral": False, "thinking": True}
    assert board.text() == ("**🏆 Leaderboard, last 7 days (1 round)**\n\n🥇 U1002: 1.40 (1 right, 6.0 s)\n"
                            "🥈 U1001: 0.00 (0 right, 6.0 s)")
    assert not board.messages()[-1].ephemeral
    clock.advance(days=8)
    assert (await command(group.bot, "leaderboard")).text().startswith("No round answers here")


async def test_rounds_need_a_server_channel_the_bot_can_post_in(group, round_store):
    in_dm = await command(group.bot, "round", guild=None)
    assert in_dm.text() == rounds.NOT_IN_SERVER
    no_rights = await command(group.bot, "round", app_permissions=MANAGER)
    assert no_rights.text() == rounds.CANNOT_POST and no_rights.messages()[-1].ephemeral
    assert round_store.rounds == {} and group.channel.sent == []


async def test_a_round_whose_first_message_is_refused_ends_at_once(group, round_store):
    group.channel.fail = http_error(code=50013)
    started = await command(group.bot, "round")
    assert started.text() == rounds.CANNOT_POST
    assert await round_store.live_round(CHAT) is None


def test_round_custom_ids_fit_and_match_one_template_each():
    for custom_id in (ids.round_answer(10**18, 9999, 7), ids.round_toggle(10**18, 9999, 7),
                      ids.round_submit(10**18, 9999)):
        assert len(custom_id) <= 100
        assert sum(bool(c.__discord_ui_compiled_template__.fullmatch(custom_id)) for c in DYNAMIC_ITEMS) == 1
    assert ids.command("/classify 123456789 12 monitoring") == "mla:k:/classify 123456789 12 monitoring"
    assert ids.command("/time " + "9" * 100) is None and ids.command("not a command") is None



def test_an_oversized_question_fits_one_embed_with_its_options_count_and_reveal():
    card = RoundCard(round_id=10**11, position=19, total=20, kind=QuestionType.MULTI,
                     stem="Which *option* & why? " * 250, choices=[f"Choice {k} _x_" for k in range(6)],
                     select=2, answered=7, closes_at=datetime(2026, 11, 28, tzinfo=UTC), seconds=45,
                     exhibit="if x < 3:\n" * 100, case_title="Case", case_scenario="A long story. " * 300)
    board = [Standing(k, f"**Member {k}**", 150 - k, 1, 1, 1000 * k) for k in range(40)]
    reveal = Reveal(card=card, reason=Reason.TIME, correct=["B) Choice 1", "D) Choice 3"], why="Because. " * 50,
                    right=[("Ann_", 1.5)], answered=7, standings=board)
    live = round_render.chunk(card_layout(card, round_render.PER_ROW))
    revealed = round_render.chunk(reveal_layout(reveal))
    for chunk in (live, revealed):
        text = chunk.embed.description
        assert render.size(text) <= render.DESCRIPTION_LIMIT and len(chunk.embed) <= render.EMBED_LIMIT
        assert "**F)** Choice 5 \\_x\\_" in text and "Which \\*option\\* & why?" in text and "…" in text
        assert "A long story." not in text  # the optional case text goes first
    assert "👥 7 answered" in live.embed.description and len(live.rows) == 3  # 5 + 1 options, Submit
    assert all(len(b.custom_id) <= 100 for row in live.rows for b in row)
    text = revealed.embed.description
    assert "Right (1 of 7): Ann\\_ 1.5 s" in text and "10. \\*\\*Member 9\\*\\*: 1.41" in text
    assert "Member 10" not in text and "**✅ B) Choice 1**\n**D) Choice 3**" in text
    assert revealed.rows == ()
