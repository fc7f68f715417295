"""The plan and daily pushes in Telegram: commands, settings buttons, group admin rules, pushes with
RetryAfter and a blocked chat, the question of the day as a quiz poll."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.telegram.app import TelegramAdapter
from bot.runtime import Runtime
from tests.adapters.telegram.conftest import Chat


def planner_of(world):
    return world.app.bot_data.planner


async def test_plan_and_settings_commands(world):
    ann = Chat(world, 701)
    await ann.say("/start")
    assert world.texts(701)[0].splitlines()[0].startswith("MLA Coach")
    assert "Your first step: /diagnostic" in world.texts(701)[0]
    await ann.say("/plan")
    assert "Day 7" in world.texts(701)[-1] and "Day 1" in world.texts(701)[-1]
    await ann.say("/timezone Mars/Base")
    assert "Unknown time zone 'Mars/Base'" in world.texts(701)[-1]
    await ann.say("/timezone Europe/Berlin")
    await ann.say("/settings")
    await ann.press("07:00")  # a settings button runs /time 07:00
    assert world.texts(701)[-1] == "Daily push time set to 07:00 (Europe/Berlin)."
    target = await planner_of(world).store.target("telegram:701")
    assert (target.push_time, target.timezone) == ("07:00", "Europe/Berlin")


async def test_group_daily_is_for_admins_and_posts_a_quiz_poll(world, clock):
    member, admin = Chat(world, 702, chat_id=-2001), Chat(world, 703, chat_id=-2001)
    world.standin.admins.add((-2001, 703))
    await member.say("/daily on")
    assert "Only a chat admin" in world.texts(-2001)[-1]
    await admin.say("/daily on")
    assert world.texts(-2001)[-1].startswith("Question of the day is on")
    clock.advance(days=1)
    await Runtime(world.service, [TelegramAdapter(world.app)], planner=planner_of(world)).tick()
    poll = world.standin.calls_to("sendPoll")[-1]
    assert int(poll["chat_id"]) == -2001 and poll["type"] == "quiz" and len(poll["options"]) == 4
    assert world.texts(-2001)[-1].startswith("Question of the day")


async def test_push_survives_retry_after_and_pauses_blocked_chats(world, clock):
    clock.now = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    for user in (704, 705, 706):
        await Chat(world, user).say("/start")
    world.standin.fail_next.append(("sendMessage", 429, {"description": "Too Many Requests: retry after 1",
                                                         "retry_after": 1}))
    world.standin.blocked.add(705)
    clock.now = datetime(2026, 11, 28, 9, 1, tzinfo=UTC)
    runtime = Runtime(world.service, [TelegramAdapter(world.app)], planner=planner_of(world))
    await runtime.tick()
    delivered = {chat for chat in (704, 705, 706) if any(t.startswith("Good day!") for t in world.texts(chat))}
    blocked = [t.channel for t in planner_of(world).store.targets.values() if t.unreachable]
    assert delivered == {704, 706} and blocked == ["telegram:705"]
    await runtime.tick()  # nothing is sent twice, and the blocked chat is not retried
    assert sum(t.startswith("Good day!") for c in (704, 705, 706) for t in world.texts(c)) == 2
