"""Commands and clicks through fake interactions: what a learner sees in Discord, in guilds and in DMs."""

from __future__ import annotations

import logging
import random
import re
from types import SimpleNamespace

import discord
import pytest

from adapters.discord import DiscordBot, choices, commands, render, views
from core.args import parse_scope
from core.commands import Surface, offered
from core.dispatch import Dispatcher
from core.exam.bank import load_bank
from core.exam.exams import Exams
from core.exam.model import QuestionType
from core.plan.service import PlanService
from core.quiz.grading import LETTERS
from core.quiz.service import STALE, QuizService
from core.reply import FAILED
from core.rounds.service import RoundService
from tests.adapters.discord.fakes import (
    ANN,
    BOB,
    FakeChannel,
    FakeInteraction,
    Sent,
    answer,
    click,
    command,
    drill_to,
    key,
    question,
)
from tests.fakes import InMemoryPlanStore, InMemoryRoundStore, OutageStore

COMMANDS = {"start", "help", "exam", "quiz", "drill", "diagnostic", "mock", "review", "explain", "stats", "stop",
            "forget", "plan", "examdate", "settings", "time", "timezone", "pause", "resume", "classify", "daily",
            "round", "stopround", "roundsettings", "leaderboard", "question",
            "flag", "skip", "back", "goto", "overview", "submit", "recap"}
REQUIRED = {("examdate", "date"), ("time", "at"), ("timezone", "zone"), ("daily", "state"), ("goto", "number")}


def test_drill_suggestions_cover_the_real_exam_within_discord_limits(service):
    exam = load_bank().exam
    mix, *offered = choices.scope_choices(exam)
    assert mix.value == "mix"  # the adaptive drill first (core/adaptive)
    assert [c.value for c in offered][:4] == ["1", "1.1", "1.2", "1.3"]
    assert {c.value for c in offered} == {str(d.number) for d in exam.domains} | set(exam.tasks)
    assert all(len(c.name) <= 100 for c in offered) and any(c.name.endswith("…") for c in offered)
    assert all(parse_scope(service.exams.newest.exam, c.value) == c.value for c in offered)


async def test_commands_have_descriptions_and_described_parameters(bot):
    tree = {c.name: c for c in bot.tree.get_commands()}
    assert set(tree) == COMMANDS == {c.name for c in offered(Surface.DISCORD)}  # the catalogue's Discord part
    for command_ in tree.values():
        assert command_.description != "…" and len(command_.description) <= 100  # Discord's limit
        for parameter in command_.parameters:
            assert parameter.description != "…" and len(parameter.description) <= 100
            assert parameter.required == ((command_.name, parameter.name) in REQUIRED)


async def test_a_command_defers_privately_in_a_guild_and_the_question_is_an_embed(bot, memory_store):
    shown = await command(bot, "quiz")
    assert shown.log[0].how == "defer" and shown.log[0].kwargs == {"ephemeral": True, "thinking": True}
    card = shown.card()
    assert card.ephemeral and card.embed.title == "Quick question"
    assert "**A)**" in card.embed.description and "**B)**" in card.embed.description
    session = next(iter(memory_store.sessions.values()))
    assert session.channel == f"discord:user:{ANN}"  # a silent learner's timed report goes to their DMs


async def test_in_a_direct_message_replies_are_plain(bot):
    shown = await command(bot, "quiz", guild=None)
    assert shown.log[0].kwargs == {"ephemeral": False, "thinking": True}
    assert not shown.card().ephemeral


async def test_single_answer_buttons_give_feedback_and_retire_the_question(bot, memory_store, bank):
    card = await drill_to(bot, memory_store, bank, QuestionType.SINGLE)
    assert list(card.buttons()) == ["A", "B", "C", "D"]
    right = key(memory_store, bank, card)
    clicked = await answer(bot, card, right)
    assert [s.how for s in clicked.log[:2]] == ["defer", "edit"]
    assert clicked.log[1].kwargs == {"content": f"Your answer: {LETTERS[right[0]]}", "view": None}
    assert clicked.messages()[0].content.startswith("✅ Correct.") and clicked.messages()[0].ephemeral
    assert clicked.card().embed.title.startswith("Q ")


async def test_a_wrong_answer_names_the_right_one_and_explain_gives_the_rationale(bot, memory_store, bank):
    card = await drill_to(bot, memory_store, bank, QuestionType.SINGLE)
    clicked = await answer(bot, card, key(memory_store, bank, card, right=False))
    feedback = clicked.messages()[0]
    assert feedback.content.startswith("❌ Not quite. The correct answer:")
    next_card = clicked.card()
    await answer(bot, next_card, key(memory_store, bank, next_card))  # a right answer in between
    explained = await click(bot, feedback.buttons()["Explain"].custom_id)  # still about the first answer
    assert re.search(r"You answered [A-F]( [A-F])*: ❌ incorrect\.", explained.text())
    assert "Takeaway:" in explained.text()


async def test_multi_response_is_one_menu_with_exactly_the_number_to_pick(bot, memory_store, bank):
    card = await drill_to(bot, memory_store, bank, QuestionType.MULTI)
    menu = card.menus()[0]
    assert menu.item.min_values == menu.item.max_values == 2
    assert [o.value for o in menu.item.options] == list(LETTERS[:5])
    clicked = await answer(bot, card, key(memory_store, bank, card))
    assert clicked.log[1].content.startswith("Your answer: ")
    assert clicked.messages()[0].content.startswith("✅ Correct.")


async def test_ordering_picks_are_carried_in_custom_ids_until_submit(bot, memory_store, bank):
    card = await drill_to(bot, memory_store, bank, QuestionType.ORDERING)
    assert [m.item.placeholder for m in card.menus()] == ["Step 1", "Step 2", "Step 3", "Step 4"]
    assert card.buttons()["Submit"].item.disabled
    first = (await click(bot, card.menus()[0].custom_id, values=["C"])).log[-1]
    assert first.how == "edit" and first.content == "Your picks so far: 1 C · 2 – · 3 – · 4 –"
    moved = (await click(bot, first.menus()[1].custom_id, values=["C"])).log[-1]
    assert moved.content == "Your picks so far: 1 – · 2 C · 3 – · 4 –"  # a step has one place only
    assert [o.label[0] for o in moved.menus()[1].item.options if o.default] == ["C"]
    assert all(":-C--" in item.custom_id for item in moved.items)
    clicked = await answer(bot, card, key(memory_store, bank, card))
    assert clicked.log[1].content.startswith("Your answer: 1 ")
    assert clicked.messages()[0].content.startswith("✅ Correct.")


async def test_a_wrong_order_is_graded_wrong(bot, memory_store, bank):
    card = await drill_to(bot, memory_store, bank, QuestionType.ORDERING)
    clicked = await answer(bot, card, key(memory_store, bank, card, right=False))
    assert clicked.messages()[0].content.startswith("❌ Not quite.")


async def test_matching_has_a_menu_per_prompt_and_a_submit(bot, memory_store, bank):
    card = await drill_to(bot, memory_store, bank, QuestionType.MATCHING)
    assert [m.item.placeholder for m in card.menus()] == ["1. Prompt 0", "2. Prompt 1", "3. Prompt 2"]
    assert "**1.** Prompt 0" in card.embed.description
    clicked = await answer(bot, card, key(memory_store, bank, card))
    assert clicked.messages()[0].content.startswith("✅ Correct.")


async def test_a_whole_drill_over_every_kind_of_question(bot, memory_store, bank):
    card = (await command(bot, "drill", scope="2.2")).card()
    for _ in range(6):
        card = (await answer(bot, card, key(memory_store, bank, card))).card()
    last = await answer(bot, card, key(memory_store, bank, card))
    assert "MLA-C01 drill done: 7/7 (100%) correct." in last.text()
    assert set(last.messages()[-1].buttons()) == {"Explain", "Quick question", "Review misses", "Stats"}


async def test_a_double_click_records_one_answer(bot, memory_store, bank):
    card = await drill_to(bot, memory_store, bank, QuestionType.SINGLE)
    before = len(memory_store.answers)
    await answer(bot, card, [0])
    again = await answer(bot, card, [0])
    assert [(s.how, s.content, s.ephemeral) for s in again.log] == [("defer", None, False),
                                                                     ("followup", STALE, True)]
    assert len(memory_store.answers) == before + 1


async def test_someone_elses_button_changes_nothing(bot, memory_store, bank):
    card = await drill_to(bot, memory_store, bank, QuestionType.SINGLE)
    before = len(memory_store.answers)
    clicked = await answer(bot, card, [0], user=BOB)
    assert clicked.log[-1].content == STALE and clicked.log[-1].ephemeral
    assert len(memory_store.answers) == before
    assert not [s for s in clicked.log if s.how == "edit"]


@pytest.mark.parametrize("forged", ["mla:a:999:0:1", "mla:a:{sid}:5:1", "mla:s:{sid}:{pos}:0:A-",
                                    "mla:g:{sid}:{pos}:0:AA--", "mla:s:{sid}:{pos}:1:H---", "mla:d:999:0:ABCD",
                                    "mla:g:999:0:0:----", "mla:s:777:0:0:----"])
async def test_forged_custom_ids_change_nothing(bot, memory_store, bank, forged):
    card = await drill_to(bot, memory_store, bank, QuestionType.ORDERING)
    session_id, position = question(card.items[0].custom_id)
    before = len(memory_store.answers)
    custom_id = forged.format(sid=session_id, pos=position)
    clicked = await click(bot, custom_id, values=["A"] if custom_id.startswith("mla:s:") else None)
    assert clicked.log[-1].content == STALE and clicked.log[-1].ephemeral
    assert len(memory_store.answers) == before and not [s for s in clicked.log if s.how == "edit"]


async def test_a_forged_choice_gets_the_hint_and_records_nothing(bot, memory_store, bank):
    card = await drill_to(bot, memory_store, bank, QuestionType.SINGLE)
    session_id, position = question(card.items[0].custom_id)
    before = len(memory_store.answers)
    clicked = await click(bot, f"mla:a:{session_id}:{position}:7")
    assert clicked.log[-1].content == "Answer with one letter, A to D, for example: B" and clicked.log[-1].ephemeral
    assert len(memory_store.answers) == before and not [s for s in clicked.log if s.how == "edit"]


async def test_picks_on_an_answered_question_are_stale(bot, memory_store, bank):
    card = await drill_to(bot, memory_store, bank, QuestionType.ORDERING)
    await answer(bot, card, key(memory_store, bank, card))
    late = await click(bot, card.menus()[0].custom_id, values=["B"])
    assert [(s.how, s.content) for s in late.log] == [("defer", None), ("followup", STALE)]


async def test_an_unknown_action_is_refused(bot):
    clicked = await click(bot, "mla:do:plan")
    assert [(s.how, s.content, s.ephemeral) for s in clicked.log] == [("send", STALE, True)]


async def test_forget_asks_first_and_only_the_asker_can_confirm(bot, memory_store, bank):
    card = (await command(bot, "quiz")).card()
    await answer(bot, card, key(memory_store, bank, card))
    asked = await command(bot, "forget")
    prompt = asked.log[0]
    assert prompt.how == "send" and prompt.ephemeral and prompt.content == commands.FORGET_PROMPT
    assert set(prompt.buttons()) == {"Erase everything", "Cancel"}
    cancelled = await click(bot, prompt.buttons()["Cancel"].custom_id)
    assert cancelled.log == [Sent("update", {"content": "Nothing was erased.", "view": None})]
    foreign = await click(bot, prompt.buttons()["Erase everything"].custom_id, user=BOB)
    assert foreign.log[-1].ephemeral and "someone else" in foreign.log[-1].content
    assert memory_store.answers
    confirmed = await click(bot, prompt.buttons()["Erase everything"].custom_id)
    assert confirmed.log[-1].how == "edit" and confirmed.log[-1].content.startswith("Done: your answers")
    assert memory_store.answers == [] and memory_store.sessions == {}


async def test_help_start_and_stats(bot):
    helped = await command(bot, "help")
    assert helped.log[0].how == "defer" and "/drill:" in helped.text()
    assert helped.text().startswith("You study MLA-C01; this chat's rounds: MLA-C01 (/exam to see both exams).")
    started = await command(bot, "start")
    assert started.text().startswith("MLA Coach: practice for the") and started.log[0].how == "defer"
    assert list(started.messages()[-1].buttons()) == ["Start: /diagnostic"]  # a new learner's one first step
    assert "No MLA-C01 answers yet" in (await command(bot, "stats")).text()


async def test_start_shows_the_running_question_again(bot):
    await command(bot, "drill", scope="3.1")
    again = await command(bot, "start")
    assert "Your MLA-C01 drill is where you left it:" in again.text() and again.card().embed.title == "Q 1/7"


async def test_drill_without_a_scope_offers_domains_and_task_statements_in_a_select_menu(bot):
    menu = await command(bot, "drill")
    assert "pick a domain or a task statement" in menu.text() and "/drill 1.2: Transform data" in menu.text()
    [select] = [s for s in menu.messages() if s.view is not None][-1].menus()
    options = {o.label: o.value for o in select.item.options}
    assert options["1.2 Transform data and perform feature engineering"] == "/drill 1.2"
    assert options["Domain 4: ML Solution Monitoring, Maintenance, and Security (24%)"] == "/drill 4"
    assert options["Mix: chosen for your level"] == "/drill mix"
    assert len(options) == 17 and all(len(label) <= 100 for label in options)
    picked = await click(bot, select.item.custom_id, values=["/drill 1.2"])
    assert picked.card().embed.title.startswith("Q 1/")  # the drill runs, nothing to retype
    forged = await click(bot, select.item.custom_id, values=["/forget"])
    assert forged.log[-1].ephemeral and not [s for s in forged.messages() if s.embed is not None]


async def test_diagnostic_mock_review_explain_and_stop(bot, memory_store, bank, clock):
    diagnostic = await command(bot, "diagnostic")
    assert diagnostic.card().embed.title == "Q 1/65 · 2:10:00 left"
    assert diagnostic.text().startswith("MLA-C01 diagnostic: 65 questions, 130 minutes.")
    assert "Explanations open when the diagnostic ends" in (await command(bot, "explain")).text()
    stopped = await command(bot, "stop")
    assert "Session stopped." in stopped.text() and "MLA-C01 diagnostic report: 0/65" in stopped.text()
    assert "A mock has 5 to 65 questions" in (await command(bot, "mock", size=3)).text()
    mock = await command(bot, "mock", size=10)
    assert mock.card().embed.title == "Q 1/10 · 0:20:00 left"
    answered = await answer(bot, mock.card(), key(memory_store, bank, mock.card(), right=False))
    assert answered.messages()[0].embed.title.startswith("Q 2/10")  # no feedback during a form
    await command(bot, "stop")
    assert "Explanation · MLA-C01 task" in (await command(bot, "explain", number=1)).text()
    assert "There is no question 40" in (await command(bot, "explain", number=40)).text()
    assert "Nothing due. Next review: today at 09:10, 1 card." in (await command(bot, "review")).text()
    clock.advance(minutes=10)  # a miss comes back after one 10-minute learning step
    assert "MLA-C01 review: 1 question, the most overdue first." in (await command(bot, "review")).text()


async def test_a_timed_mock_expires_and_its_report_is_delivered_privately(bot, service, clock, monkeypatch):
    dm = FakeChannel(4242)

    async def fetch_user(user_id):
        assert user_id == ANN
        return SimpleNamespace(create_dm=lambda: _ready(dm))

    monkeypatch.setattr(bot, "fetch_user", fetch_user)
    card = (await command(bot, "mock")).card()  # started in a server channel
    clock.advance(minutes=41)
    for session, reply in await service.expire_due():
        assert await bot.deliver(session.channel, reply)
    report = dm.sent[0]
    assert report.content.startswith("⏰ Time is up for your MLA-C01 mock.") and "20 unanswered" in report.content
    assert set(dm.sent[-1].buttons()) == {"Review misses", "Stats", "Plan"} | {
        b for b in dm.sent[-1].buttons() if b.startswith("Drill ")}
    assert len([b for b in dm.sent[-1].buttons() if b.startswith("Drill ")]) == 2  # its two weakest tasks
    first = card.items[0]
    late = await click(bot, first.custom_id, values=["A"] if first in card.menus() else None)
    assert late.log[-1].content == STALE


async def _ready(value):
    return value


async def test_deliver_refuses_another_platforms_channel(bot):
    with pytest.raises(ValueError):
        await bot.deliver("telegram:-100123", None)


@pytest.mark.parametrize("forged", ["mla:g:{sid}:{pos}:7:----", "mla:g:{sid}:{pos}:7:-", "mla:x:9999999999999999999:0",
                                    "mla:x:{sid}:9999", "mla:p:nope:7:7", "mla:p::0:7", "mla:d:{sid}:{pos}:A",
                                    "mla:s:{sid}:{pos}:7:----", "mla:forget:99999999999999999999:yes"])
async def test_nonsense_in_a_matching_custom_id_is_refused_without_an_exception(bot, memory_store, bank, forged):
    """Each matches its template's shape but carries nonsense (a page or slot past the question, an id
    past any row): the click is answered (a notice, or the question redrawn at a page it has), and nothing is
    recorded."""
    card = await drill_to(bot, memory_store, bank, QuestionType.ORDERING)
    session_id, position = question(card.items[0].custom_id)
    before = len(memory_store.answers)
    custom_id = forged.format(sid=session_id, pos=position)
    clicked = await click(bot, custom_id, values=["A"] if custom_id.startswith("mla:s:") else None)
    assert [s for s in clicked.log if s.how != "defer"] and len(memory_store.answers) == before


async def test_a_database_outage_answers_every_click_privately_and_logs_it_once(bank, memory_store, clock, caplog):
    """discord.py only logs a dynamic item's exception: the member saw "This interaction failed"."""
    store, round_store = OutageStore(memory_store), OutageStore(InMemoryRoundStore())
    quiz = QuizService(Exams.of(bank), store, clock=clock, rng=random.Random(2))
    rounds = RoundService(Exams.of(bank), round_store, clock=clock, rng=random.Random(2))
    bot = DiscordBot(Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock), rounds))
    card = (await command(bot, "quiz")).card()
    store.down = round_store.down = True
    clicks = [await click(bot, card.items[0].custom_id, values=["A", "B"] if card.menus() else None),
              await click(bot, "mla:x:1:0"), await click(bot, "mla:do:stats"), await click(bot, "mla:ra:1:0:0"),
              await click(bot, "mla:k:/plan")]
    for clicked in clicks:
        assert [(s.content, s.ephemeral) for s in clicked.messages()] == [(FAILED, True)]
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == len(clicks)


async def test_a_view_answers_a_failing_item_too(bot):
    interaction = FakeInteraction(bot)
    await views.build(render.forget_rows(ANN)).on_error(interaction, RuntimeError("boom"), discord.ui.Button())
    assert [(s.content, s.ephemeral) for s in interaction.messages()] == [(FAILED, True)]
