"""Contract with discord.py 2.7.x (pinned >=2.7,<2.8): real Interactions built from raw payloads.

Login, setup_hook and command sync run for real against a recording REST layer; slash commands go
through CommandTree._call and clicks through ConnectionState.parse_interaction_create, as from the
gateway. If a discord.py upgrade changes these internals, this file fails first.
"""

from __future__ import annotations

import random

import pytest

from adapters.discord import DiscordBot, rounds
from core.dispatch import Dispatcher
from core.reply import FAILED
from tests.adapters.discord import gateway
from tests.adapters.discord.fakes import BOB, BOT_CAN_POST, CHANNEL, GUILD
from tests.adapters.discord.test_flows import COMMANDS

EPHEMERAL = 64
DEFERRED_MESSAGE, DEFERRED_UPDATE, AUTOCOMPLETE_RESULT = 5, 6, 8


@pytest.fixture
async def live(service, planner, round_service, monkeypatch):
    """A DiscordBot logged in (setup_hook included) against the recorder, syncing to one guild."""
    bot = DiscordBot(Dispatcher(service, planner, round_service), guild_id=GUILD)
    recorder = gateway.Recorder()
    recorder.install(bot, monkeypatch)
    await bot.login("test-token")
    yield bot, recorder
    await bot.close()


async def test_setup_hook_syncs_every_command_to_the_development_guild(live):
    bot, recorder = live
    sync = [c for c in recorder.calls if c.method == "PUT"]
    assert [c.path for c in sync] == ["/applications/{application_id}/guilds/{guild_id}/commands"]
    published = {c["name"]: c for c in sync[0].body}
    assert set(published) == COMMANDS
    scope = published["drill"]["options"][0]
    assert scope["autocomplete"] and not scope["required"] and scope["description"].startswith("A domain")
    assert published["mock"]["options"][0]["type"] == 4  # an integer option


async def test_a_slash_command_with_an_option_defers_then_sends_the_question(live):
    bot, recorder = live
    await gateway.call_command(bot, gateway.slash("drill", scope="2.1"))
    (deferral,) = recorder.responses()
    assert deferral.body == {"type": DEFERRED_MESSAGE, "data": {"flags": EPHEMERAL}}
    intro, card = recorder.sent()
    assert intro.body["content"] == "MLA-C01 drill on task 2.1 Choose a modeling approach: 7 questions."
    assert card.body["embeds"][0]["title"] == "Q 1/7" and card.body["flags"] == EPHEMERAL
    assert card.body["allowed_mentions"] == {"parse": []}


async def test_autocomplete_suggests_task_statements(live):
    bot, recorder = live
    await gateway.call_command(bot, gateway.autocomplete("drill", "scope", "train"))
    (response,) = recorder.responses()
    assert response.body["type"] == AUTOCOMPLETE_RESULT
    assert response.body["data"]["choices"] == [{"name": "2.2 Train and refine models", "value": "2.2"}]


async def test_a_click_from_the_gateway_reaches_the_dynamic_item(live):
    bot, recorder = live
    await gateway.call_command(bot, gateway.slash("quiz"))
    card = recorder.sent()[-1].body
    first = card["components"][0]["components"][0]
    values = None if first["type"] == 2 else [o["value"] for o in first["options"][:first["min_values"]]]
    recorder.calls.clear()
    gateway.dispatch(bot, gateway.component(card, first["custom_id"], values, user_id=BOB))
    await gateway.settle()
    assert recorder.responses()[0].body == {"type": DEFERRED_UPDATE}
    assert recorder.sent()[-1].body["content"] == "This question is no longer active."  # Bob's click on Ann's card
    assert recorder.sent()[-1].body["flags"] == EPHEMERAL and not recorder.edits()


async def test_without_a_guild_the_commands_sync_globally(service, planner, round_service, monkeypatch):
    bot = DiscordBot(Dispatcher(service, planner, round_service))
    recorder = gateway.Recorder()
    recorder.install(bot, monkeypatch)
    await bot.login("test-token")
    await bot.close()
    assert [c.path for c in recorder.calls if c.method == "PUT"] == ["/applications/{application_id}/commands"]


async def test_a_failing_command_is_logged_and_the_learner_told(live, service, monkeypatch, caplog):
    bot, recorder = live

    async def broken(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(service, "quick", broken)
    await gateway.call_command(bot, gateway.slash("quiz"))
    assert recorder.sent()[-1].body["content"] == FAILED and recorder.sent()[-1].body["flags"] == EPHEMERAL
    assert "/quiz failed" in caplog.text and "database down" in caplog.text


async def test_a_round_question_is_the_bots_own_message_and_a_tap_edits_its_count_in_place(
        live, round_service):
    bot, recorder = live
    round_service.rng = random.Random(1)  # a single-answer question first
    await gateway.call_command(bot, gateway.slash("round", questions=2) | {"app_permissions": str(BOT_CAN_POST.value)})
    posts = [c for c in recorder.calls if (c.method, c.path) == ("POST", "/channels/{channel_id}/messages")]
    assert len(posts) == 1 and posts[0].body["embeds"][0]["title"] == "Round · question 1 of 2 · 45 s to answer"
    started = recorder.sent()[-1].body
    assert started["content"] == rounds.STARTED and started["flags"] == EPHEMERAL
    card = posts[0].body
    rnd = await round_service.store.live_round(f"discord:{CHANNEL}")
    button = card["components"][0]["components"][1]
    assert button["custom_id"] == f"mla:ra:{rnd.id}:0:1" and button["label"] == "B"
    recorder.calls.clear()
    tap = gateway.component(card, button["custom_id"], user_id=BOB)
    tap["message"]["id"] = rnd.questions[0].message_ref  # the message the bot posted
    gateway.dispatch(bot, tap)
    await gateway.settle()
    assert recorder.responses()[0].body == {"type": DEFERRED_UPDATE}
    acknowledged = recorder.sent()[-1].body
    assert acknowledged["content"].startswith("Answer recorded: B.") and acknowledged["flags"] == EPHEMERAL
    [count] = recorder.edits()
    assert count.path == "/channels/{channel_id}/messages/{message_id}"  # the bot's own message, edited in place
    assert "👥 1 answered" in count.body["embeds"][0]["description"]
    assert count.body["components"] == card["components"]  # the buttons stay as they were
    standings = await round_service.store.answers_since(f"discord:{CHANNEL}", rnd.started_at)
    assert [a.name for a in standings] == [f"learner{BOB}"]


async def test_a_button_the_core_offered_runs_its_command_from_the_gateway(live):
    bot, recorder = live
    await gateway.call_command(bot, gateway.slash("plan"))
    plan = recorder.sent()[-1].body
    [start] = [b for row in plan["components"] for b in row["components"] if b["label"].startswith("Start: ")]
    assert start["custom_id"] == f"mla:k:{start['label'].removeprefix('Start: ')}" and start["style"] == 1
    recorder.calls.clear()
    gateway.dispatch(bot, gateway.component(plan, start["custom_id"], user_id=BOB))
    await gateway.settle()
    assert recorder.responses()[0].body == {"type": DEFERRED_UPDATE}
    assert recorder.sent()[-1].body["embeds"][0]["title"].startswith("Q 1/")  # Bob's own session, privately
    assert recorder.sent()[-1].body["flags"] == EPHEMERAL
