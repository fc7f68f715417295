"""The plan, push settings and pushes in Discord: commands in DMs and server channels, the core's buttons,
/daily for managers only, the question of the day as buttons answered privately, unreachable channels."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from adapters.discord import DiscordAdapter, choices, render
from bot.runtime import Runtime
from core.commands import HOW_TO_ANSWER, Chat, Surface, visible
from core.dispatch import GROUP_ONLY, NOT_A_MANAGER
from core.quiz.service import STALE
from core.reply import QuizPoll, Reply
from tests.adapters.discord.fakes import (
    ADMIN,
    ANN,
    BOB,
    CHANNEL,
    DM,
    MANAGER,
    answer,
    channels,
    click,
    command,
    http_error,
    key,
)


def runtime(bot) -> Runtime:
    return Runtime(bot.service, [DiscordAdapter(bot, "test-token")], planner=bot.planner, rounds=bot.rounds)


async def test_start_in_a_dm_sets_up_the_daily_push_and_shows_discord_help(bot, plan_store):
    started = await command(bot, "start", guild=None)
    text = started.text()
    assert text.startswith("MLA Coach: practice for the") and "\nYour first step: /diagnostic" in text
    assert "Answer with letters" not in text and HOW_TO_ANSWER[Surface.DISCORD] in text
    assert "/round:" not in text and "/examdate: Set your exam date" in text  # a DM lists what works in a DM
    assert list(started.messages()[-1].buttons()) == ["Start: /diagnostic"]  # a new learner's one step
    learner = await bot.service.learner("discord", str(ANN))
    target = plan_store.targets[f"discord:{DM}"]
    assert target.learner_id == learner and not target.is_group
    await command(bot, "start")  # a server channel is nobody's private push target
    assert set(plan_store.targets) == {f"discord:{DM}"}


async def test_help_is_discords_own(bot):
    helped = await command(bot, "help")
    text = helped.text()
    assert "Answer with letters" not in text and "buttons and menus" in text
    listed = [line.split(":")[0] for line in text.splitlines()[1:] if line.startswith("/")]
    assert listed == [f"/{c.name}" for c in visible(Surface.DISCORD, Chat.GROUP)]  # what works in this channel
    assert set(listed) <= {f"/{c.name}" for c in bot.tree.get_commands()}


async def test_plan_and_exam_date(bot, clock):
    shown = await command(bot, "plan")
    assert "Day 7" in shown.text() and "Day 1" in shown.text()
    assert all(s.ephemeral for s in shown.messages())
    refused = await command(bot, "examdate", date="next week")
    assert refused.text() == "Give the exam date as YYYY-MM-DD, for example /examdate 2026-12-12."  # today + 14
    dated = await command(bot, "examdate", date="2026-12-03")
    assert dated.text().startswith("Exam on Thu 03 Dec 2026: 5 days to go.")
    assert "👉 Day 5 · Sat 28 Nov" in dated.text()


async def test_settings_buttons_run_the_command_for_the_clicker(bot, plan_store):
    shown = await command(bot, "settings", guild=None)
    card = shown.messages()[-1]
    assert list(card.buttons()) == ["Pause", "Resume", "07:00", "12:30", "19:00"]
    assert card.buttons()["07:00"].custom_id == "mla:k:/time 07:00"
    await command(bot, "timezone", guild=None, zone="Europe/Berlin")
    clicked = await click(bot, card.buttons()["07:00"].custom_id, guild=None)
    assert [s.how for s in clicked.log] == ["defer", "followup"]
    assert clicked.text() == "Daily push time set to 07:00 (Europe/Berlin)."
    target = plan_store.targets[f"discord:{DM}"]
    assert (target.push_time, target.timezone) == ("07:00", "Europe/Berlin")
    paused = await click(bot, card.buttons()["Pause"].custom_id, guild=None)
    assert paused.text().startswith("Daily pushes paused.") and plan_store.targets[f"discord:{DM}"].paused
    assert (await command(bot, "resume", guild=None)).text() == "Daily pushes on, at 07:00 Europe/Berlin."
    bad = await command(bot, "time", guild=None, at="25:00")
    assert bad.text() == "Give the time as HH:MM in 24-hour form, for example /time 07:30."


async def test_timezone_suggestions():
    found = await choices.zone_suggestions(None, "berl")
    assert [c.value for c in found] == ["Europe/Berlin"]
    assert len(await choices.zone_suggestions(None, "")) == choices.AUTOCOMPLETE_LIMIT


async def test_in_a_server_channel_push_settings_are_the_channels_and_need_manage_server(bot, plan_store):
    refused = await command(bot, "time", at="07:30")
    assert refused.text() == NOT_A_MANAGER and refused.messages()[-1].ephemeral
    assert plan_store.targets == {}
    changed = await command(bot, "time", permissions=MANAGER, at="07:30")
    assert changed.text() == "Daily push time set to 07:30 (UTC)."
    target = plan_store.targets[f"discord:{CHANNEL}"]
    assert target.is_group and target.push_time == "07:30"
    shown = await command(bot, "settings", permissions=ADMIN)
    assert shown.text().startswith("Question of the day: paused, at 07:30 UTC.")
    # The settings buttons run with the clicker's own rights: a member's click changes nothing.
    clicked = await click(bot, shown.messages()[-1].buttons()["Resume"].custom_id)
    assert [(s.how, s.content, s.ephemeral) for s in clicked.log] == [("defer", None, False),
                                                                     ("followup", NOT_A_MANAGER, True)]
    assert plan_store.targets[f"discord:{CHANNEL}"].paused  # still off until a manager turns it on


async def test_daily_is_refused_without_manage_server(bot, plan_store):
    refused = await command(bot, "daily", state="on")
    assert refused.log[0].kwargs == {"ephemeral": True, "thinking": True}
    assert refused.text() == NOT_A_MANAGER and plan_store.targets == {}
    switched = await command(bot, "daily", permissions=MANAGER, state="on")
    assert switched.log[0].kwargs == {"ephemeral": False, "thinking": True}  # the channel sees it
    assert switched.text().startswith("Question of the day is on: every day at 09:00 UTC, for anyone here.")
    assert not switched.messages()[-1].ephemeral and not plan_store.targets[f"discord:{CHANNEL}"].paused
    off = await command(bot, "daily", permissions=ADMIN, state="off")
    assert off.text() == "Question of the day is off." and plan_store.targets[f"discord:{CHANNEL}"].paused
    assert (await command(bot, "daily", guild=None, state="on")).text() == GROUP_ONLY["daily"]


async def test_the_question_of_the_day_is_answered_privately_and_stores_nothing(bot, clock, memory_store,
                                                                                   monkeypatch):
    sent = channels(bot, monkeypatch)
    await command(bot, "daily", permissions=MANAGER, state="on")
    clock.advance(days=1)
    await runtime(bot).tick()
    [posted] = sent[CHANNEL].sent
    assert posted.content.startswith("Question of the day (MLA-C01)\n\nQuestion ")
    assert posted.content.endswith("your answer?") and list(posted.buttons()) == ["A", "B", "C", "D"]
    qid, correct, _ = posted.buttons()["A"].custom_id.removeprefix("mla:p:").split(":")
    q = bot.service.exams.newest[qid]
    assert q.stem in posted.content and q.correct == [int(correct)]
    wrong = await click(bot, posted.buttons()["ABCD"[(int(correct) + 1) % 4]].custom_id, user=BOB)
    (said,) = wrong.log
    assert said.how == "send" and said.ephemeral and said.content.startswith("❌ Not quite")
    assert f"the answer is {'ABCD'[int(correct)]}) {q.options[int(correct)].text}." in said.content
    assert said.content.endswith(q.takeaway)
    right = await click(bot, posted.buttons()["ABCD"[int(correct)]].custom_id)
    assert right.log[0].content.startswith("✅ Right") and right.log[0].ephemeral
    assert memory_store.answers == [] and ("discord", str(BOB)) not in memory_store.identities
    await runtime(bot).tick()
    assert len(sent[CHANNEL].sent) == 1  # once a day


def test_a_poll_whose_question_is_not_in_the_bank_still_answers(bot):
    reply = Reply(["Question of the day", "A stem nobody wrote", "A) x\nB) y\nC) z\nD) w"],
                  poll=QuizPoll("", "Question of the day: your answer?", list("ABCD"), 2, "Some takeaway."))
    rows = render.reply_chunks(reply)[-1].rows
    assert [b.custom_id for b in rows[0]] == [f"mla:p::2:{k}" for k in range(4)]


async def test_a_daily_push_reaches_the_learners_dm(bot, clock, monkeypatch):
    sent = channels(bot, monkeypatch)
    clock.now = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    await command(bot, "start", guild=None)
    clock.now = datetime(2026, 11, 28, 9, 1, tzinfo=UTC)
    await runtime(bot).tick()
    [push] = sent[DM].sent
    assert push.content.startswith("Good day! Day 7: Full-length diagnostic") and not push.ephemeral
    started = await click(bot, push.buttons()["Start: /diagnostic"].custom_id, guild=None)
    assert started.card().embed.title == "Q 1/65 · 2:10:00 left"
    learner = await bot.service.learner("discord", str(ANN))
    assert (await bot.service.current(learner)).card.total == 65


@pytest.mark.parametrize("error", [http_error(discord.Forbidden, 50007), http_error(discord.NotFound, 10003)])
async def test_deliver_returns_false_when_the_channel_cannot_be_reached(bot, clock, plan_store, monkeypatch,
                                                                        error):
    sent = channels(bot, monkeypatch)
    clock.now = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    await command(bot, "start", guild=None)
    channel = sent.get(DM) or bot.get_partial_messageable(DM)
    channel.fail = error
    assert await DiscordAdapter(bot, "test-token").deliver(f"discord:{DM}", Reply(["hello"])) is False
    clock.now = datetime(2026, 11, 28, 9, 1, tzinfo=UTC)
    await runtime(bot).tick()
    assert plan_store.targets[f"discord:{DM}"].unreachable  # paused until /resume
    channel.fail = None
    assert await bot.deliver(f"discord:{DM}", Reply(["hello"])) is True


async def test_classify_sorts_misses_with_the_cores_buttons(bot, memory_store, bank):
    card = (await command(bot, "mock", size=5)).card()
    for number in range(5):
        shown = await answer(bot, card, key(memory_store, bank, card, right=False))
        card = shown.card() if number < 4 else None
    assert shown.text().startswith("Answer recorded. That was the last question; here is the review screen.")
    ask = await click(bot, shown.messages()[-1].buttons()["Submit attempt"].custom_id)  # issue 17: submit
    done = await click(bot, ask.log[-1].buttons()["Yes, submit"].custom_id)
    assert any("MLA-C01 mock exam report: 0/5" in (s.content or "") for s in done.log)
    first = await command(bot, "classify")
    assert first.text().startswith("Miss 1 of 5: Q1")
    buttons = first.messages()[-1].buttons()
    assert list(buttons) == ["data", "model", "deployment", "monitoring"]
    assert buttons["data"].custom_id.startswith("mla:k:/classify ")
    second = await click(bot, buttons["model"].custom_id)
    assert second.text().startswith("Miss 2 of 5: Q2")
    again = await click(bot, buttons["model"].custom_id)  # the same miss twice: refused privately
    assert [(s.how, s.content, s.ephemeral) for s in again.log][-1] == (
        "followup", "That miss is not waiting to be sorted.", True)


@pytest.mark.parametrize("text", ["/forget", "/round 3", "/stopround", "/nonsense"])
async def test_a_command_button_never_runs_forget_or_a_round(bot, text):
    clicked = await click(bot, f"mla:k:{text}")
    assert [(s.how, s.content, s.ephemeral) for s in clicked.log] == [("send", STALE, True)]
