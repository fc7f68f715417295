"""Telegram end to end: the real PTB Application against the stand-in Bot API, flow by flow."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import socket

import aiohttp
import yaml

from adapters.telegram.app import TelegramAdapter, webhook_secret
from core.exam.bank import load_bank
from core.exam.exams import Exams
from core.exam.model import QuestionType
from core.quiz.grading import LETTERS
from core.quiz.service import STALE, QuizService
from core.reply import FAILED, Reply
from tests.adapters.telegram.conftest import Chat, World, build
from tests.answers import right_response
from tests.conftest import write_bank
from tests.fakes import OutageStore


def pending(world: World, learner_chat: Chat):
    """The question and shuffle the learner is looking at (read from the store, as a cheat sheet)."""
    store = world.service.store
    live = [s for s in store.sessions.values() if not s.finished]
    session = live[-1]
    return world.service.exams.newest[session.question_ids[session.position]], session.orders[session.position], session


async def answer_right(world: World, chat: Chat) -> None:
    """Answer the pending question correctly with the buttons, whatever its type."""
    q, order, _ = pending(world, chat)
    response = right_response(q, order)
    if q.type is QuestionType.SINGLE:
        await chat.press(LETTERS[response[0]])
    elif q.type is QuestionType.MULTI:
        for k in response:
            await chat.press(f"☐ {LETTERS[k]}")
        await chat.press(f"Submit ({len(response)}/{len(response)} selected)")
    else:
        for k in response:
            await chat.press(LETTERS[k])
        await chat.press("Submit")


async def answer_until(world: World, chat: Chat, kind: QuestionType) -> None:
    """Answer right until a question of `kind` is pending (the drill's order is shuffled)."""
    while pending(world, chat)[0].type is not kind:
        await answer_right(world, chat)


async def test_start_quiz_tap_verdict_explain(world):
    ann = Chat(world, 501)
    await ann.say("/start")
    assert world.texts(501)[0].startswith("MLA Coach: practice for the AWS Certified Machine Learning Engineer")
    assert "Your first step: /diagnostic" in world.texts(501)[0]
    await ann.say("/quiz")
    assert "Quick question" in world.last_card(501)
    await answer_right(world, ann)
    answered = world.shown(501)[-1]  # the question's own message now carries the verdict, and no options
    assert answered.startswith("Quick question") and "\n\n✅ Correct." in answered
    assert [b["text"] for row in world.standin.messages[max(world.standin.messages)]["reply_markup"]
            ["inline_keyboard"] for b in row] == ["Explain", "Quick question"]
    await ann.press("Explain")
    explained = world.texts(501)[-1]
    assert "Takeaway:" in explained and re.search(r"You answered [A-F]( [A-F])*: ✅ correct\.", explained)
    assert all(not p.get("text") or p["text"] == "Answer recorded." or p["text"] == ""
               for p in world.standin.calls_to("answerCallbackQuery"))


async def test_drill_covers_multi_ordering_and_matching_widgets(world):
    bo = Chat(world, 502)
    await bo.say("/drill 1.1")
    kinds = set()
    for _ in range(7):
        q, _, _ = pending(world, bo)
        kinds.add(q.type)
        if q.type is QuestionType.MULTI:  # the Submit button counts the selection against what is asked
            await bo.press("☐ A")
            assert world.button(502, "Submit (1/2 selected)")
            await bo.press("☑ A")
        await answer_right(world, bo)
    assert kinds == set(QuestionType)
    verdicts = [t for t in world.shown(502) if "\n\n✅ Correct." in t]
    assert len(verdicts) == 7 and all(t.startswith("Q ") for t in verdicts)  # each under its own question
    assert "MLA-C01 drill done: 7/7 (100%) correct." in world.shown(502)[-1]


async def test_multi_submit_with_the_wrong_count_is_a_hint_not_an_answer(world):
    cy = Chat(world, 503)
    await cy.say("/drill 2.2")
    await answer_until(world, cy, QuestionType.MULTI)
    before = len(world.service.store.answers)
    await cy.press("☐ A")
    await cy.press("Submit (1/2 selected)")
    assert "Select TWO" in world.standin.calls_to("answerCallbackQuery")[-1]["text"]
    assert len(world.service.store.answers) == before


async def test_forged_garbled_and_foreign_buttons_change_nothing(world):
    di, eve = Chat(world, 504), Chat(world, 505)
    await di.say("/drill 3.1")
    message, data = world.button(504, "A") if pending(world, di)[0].type is not QuestionType.MULTI \
        else world.button(504, "☐ A")
    for forged in ("a:999999:0:1", "zz:1:2", "a:1:0:" + "9" * 60, "c:rm -rf", "f:maybe"):
        await di.world.deliver(di.tap(forged, message))
    await eve.world.deliver(eve.tap(data, message))  # someone else's tap on Di's question
    toasts = [p.get("text") for p in world.standin.calls_to("answerCallbackQuery")]
    assert toasts == [STALE] * 6
    assert world.service.store.answers == []


async def test_duplicated_update_and_double_tap_record_one_answer(world):
    fay = Chat(world, 506)
    await fay.say("/drill 4.2")
    await answer_until(world, fay, QuestionType.SINGLE)
    before = len(world.service.store.answers)
    message, data = world.button(506, "B")
    update = fay.tap(data, message)
    await world.deliver(update, update_id=777)
    await world.deliver(update, update_id=777)  # Telegram delivered it twice
    await world.deliver(fay.tap(data, message))  # and a double tap
    assert len(world.service.store.answers) == before + 1
    assert [p.get("text") for p in world.standin.calls_to("answerCallbackQuery")][-3:] == \
        ["Answer recorded.", STALE, STALE]


async def test_diagnostic_ends_at_its_deadline_while_the_learner_is_silent(world, clock):
    gus = Chat(world, 507)
    await gus.say("/diagnostic")
    assert "Q 1/65 · 2:10:00 left" in world.last_card(507)
    clock.advance(minutes=130, seconds=1)
    adapter = TelegramAdapter(world.app)
    for session, reply in await world.service.expire_due():
        assert session.channel == "telegram:507"
        assert await adapter.deliver(session.channel, reply)
    report = world.texts(507)[-3:]
    assert any("⏰ Time is up for your MLA-C01 diagnostic." in t for t in report)
    assert any("65 unanswered (counted wrong)" in t for t in report)


async def test_group_commands_quote_the_learner_and_refuse_other_members(world):
    group_ann, group_bob = Chat(world, 601, chat_id=-100500), Chat(world, 602, chat_id=-100500)
    await group_ann.say("/quiz@mla_coach_bot")
    sent = world.standin.calls_to("sendMessage")[-1]
    assert sent["reply_parameters"]["message_id"] == 1
    q, order, _ = pending(world, group_ann)
    label = LETTERS[0] if q.type is QuestionType.SINGLE else ("☐ A" if q.type is QuestionType.MULTI else "A")
    await group_bob.press(label)
    assert world.standin.calls_to("answerCallbackQuery")[-1]["text"] == STALE


async def test_forget_asks_first(world):
    hal = Chat(world, 508)
    await hal.say("/quiz")
    await answer_right(world, hal)
    await hal.say("/forget")
    await hal.press("Cancel")
    assert world.texts(508)[-1] == "Kept: nothing was erased."
    assert world.service.store.answers
    await hal.say("/forget")
    await hal.press("Yes, erase my data")
    assert "erased" in world.texts(508)[-1] and world.service.store.answers == []


@contextlib.asynccontextmanager
async def world_on(bank, standin, store, clock):
    """A World whose bot serves `bank` (a one-question bank written for the test)."""
    service = QuizService(Exams.of(bank), store, clock=clock)
    app = build(standin, service, clock)
    await app.initialize()
    try:
        yield World(standin, app, service)
    finally:
        await app.shutdown()


SPECIAL = "<b>bold?</b> & \"quoted\" 'single' <script>alert(1)</script> a<b && c>d"


def special_bank(folder):
    write_bank(folder)
    q = yaml.safe_load((folder / "1.1.yaml").read_text())[0]
    q["stem"] = f"Which is right for {SPECIAL}?"
    q["exhibit"] = "if x < 3 && y > 2:\n    print(\"<tag>\")"
    q["options"][0]["text"] = "Use <pre> & </pre> \"as-is\""
    q["options"][0]["why"] = "Because <i>angle</i> & ampersands must be escaped."
    q["explanation"] = " ".join(f"Sentence {n} explains <things> & more." for n in range(160))
    assert len(q["explanation"]) > 6000
    (folder / "1.1.yaml").write_text(yaml.safe_dump([q], sort_keys=False))
    return load_bank(folder)


async def test_a_verdict_too_long_to_sit_under_its_question_comes_as_its_own_message(standin, memory_store, clock,
                                                                                   tmp_path):
    folder = tmp_path / "bank"
    write_bank(folder)
    q = yaml.safe_load((folder / "1.1.yaml").read_text())[0]
    for option in q["options"]:
        if option["correct"]:
            option["why"] = "Long reason. " * 320  # about 4,200 characters: the question and this exceed 4096
    (folder / "1.1.yaml").write_text(yaml.safe_dump([q], sort_keys=False))
    async with world_on(load_bank(folder), standin, memory_store, clock) as world:
        jo = Chat(world, 513)
        await jo.say("/drill 1.1")
        key = max(k for k in standin.messages if k[0] == 513)  # the question's message
        question = standin.messages[key]["text"]
        await answer_right(world, jo)
        assert standin.messages[key]["text"] == question  # the question stays as it was, without its buttons
        assert not standin.messages[key].get("reply_markup")
        verdict = [t for t in world.texts(513) if t.startswith("✅ Correct.")]
        assert len(verdict) == 1 and verdict[0].count("Long reason.") > 250


async def test_a_question_whose_message_cannot_be_edited_still_gets_its_verdict(world):
    kim = Chat(world, 514)
    await kim.say("/drill 4.2")
    await answer_until(world, kim, QuestionType.SINGLE)
    before = len(world.service.store.answers)
    message, data = world.button(514, "A")
    del world.standin.messages[(514, message["message_id"])]  # Telegram no longer has that message to edit
    await world.deliver(kim.tap(data, message))
    assert len(world.service.store.answers) == before + 1
    sent = [t for t in world.texts(514) if t.startswith(("✅ Correct.", "❌ Not quite."))]
    assert len(sent) == 1  # the earlier verdicts went under their questions; this one came as a message
    assert world.last_card(514).startswith(f"Q {before + 2}/")  # and the drill goes on below it


async def test_special_characters_and_a_6000_character_explanation(standin, memory_store, clock, tmp_path):
    async with world_on(special_bank(tmp_path / "bank"), standin, memory_store, clock) as world:
        ivy = Chat(world, 509)
        await ivy.say("/drill 1.1")
        card = world.last_card(509)
        assert SPECIAL in card and 'print("<tag>")' in card and 'Use <pre> & </pre> "as-is"' in card
        await answer_right(world, ivy)
        sent_before = len(standin.calls_to("sendMessage"))
        await ivy.press("Explain")
        parts = standin.calls_to("sendMessage")[sent_before:]
        assert len(parts) == 2 and all(len(p["text"]) <= 4096 for p in parts)
        shown = "\n\n".join(world.texts(509)[-2:])
        assert "Sentence 0 explains <things> & more." in shown and "Sentence 159 explains" in shown


async def test_polling_backlog_is_handled_in_order_per_chat(standin, bank, memory_store, clock):
    service = QuizService(Exams.of(bank), memory_store, clock=clock)
    app = build(standin, service, clock)
    world = World(standin, app, service)
    jo, kim = Chat(world, 510), Chat(world, 511)
    for chat in (jo, kim):  # downtime: a backlog of commands arrives in one batch
        standin.push(chat.message("/drill 1.2"))
    for _ in range(3):
        for chat in (jo, kim):
            standin.push(chat.message("/stop"))
            standin.push(chat.message("/drill 1.2"))
    adapter = TelegramAdapter(app, poll_interval=0.0)
    await adapter.start()
    try:
        await standin.wait_for(lambda: len(standin.sent_texts(510)) >= 11 and len(standin.sent_texts(511)) >= 11)
    finally:
        await adapter.stop()
    assert {c["command"] for c in standin.calls_to("setMyCommands")[0]["commands"]} >= \
        {"start", "quiz", "drill", "diagnostic", "mock", "review", "explain", "stats", "forget"}
    for chat_id in (510, 511):
        texts = standin.sent_texts(chat_id)
        intros = [t.split("\n\n")[0] for t in texts if t.startswith(("MLA-C01 drill on", "Session stopped."))]
        intro = "MLA-C01 drill on task 1.2 Transform data and perform feature engineering: 7 questions."
        assert intros == [intro] + ["Session stopped.", intro] * 3


async def test_network_errors_are_retried_and_blocked_chats_reported(world):
    world.standin.fail_next.append(("sendMessage", 502, {"description": "Bad Gateway"}))
    await Chat(world, 512).say("/help")
    assert world.texts(512)[-1].startswith("You study MLA-C01 (/exam to see both exams).\n\nCommands:")
    world.standin.fail_next.append(("sendMessage", 403, {"description": "Forbidden: bot was blocked by the user"}))
    assert not await TelegramAdapter(world.app).deliver("telegram:512", Reply(["Your daily question."]))
    await asyncio.sleep(0)


async def test_webhook_mode_checks_the_secret_token_on_every_request(standin, bank, memory_store, clock):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    service = QuizService(Exams.of(bank), memory_store, clock=clock)
    adapter = TelegramAdapter(build(standin, service, clock), webhook_url="https://bot.example.org/telegram",
                              webhook_port=port, webhook_listen="127.0.0.1")
    await adapter.start()
    try:
        secret = webhook_secret(standin.token)
        assert standin.webhook["secret_token"] == secret and standin.webhook["url"].endswith("/telegram")
        update = {"update_id": 1, **Chat(World(standin, adapter.app, service), 801).message("/help")}
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/telegram"
            forged = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            missing = await http.post(url, json=update)
            genuine = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
        assert (forged.status, missing.status, genuine.status) == (403, 403, 200)
        await standin.wait_for(lambda: standin.sent_texts(801))
        assert len(standin.sent_texts(801)) == 1 and "Commands:" in standin.sent_texts(801)[0]
    finally:
        await adapter.stop()


async def test_forged_drill_menu_buttons_are_refused_without_an_error(world, caplog):
    """"d:9" (no domain 9), "d:x" and "d:1.9" match the codec's shape but name nothing: int() or exam.domain()
    raised, and the learner got no answer at all."""
    gus = Chat(world, 507)
    for forged in ("d:9", "d:x", "d:1.9", "d:0", "D:9", "D:1.9", "D:x"):
        await world.deliver(gus.tap(forged))
    assert [p.get("text") for p in world.standin.calls_to("answerCallbackQuery")] == [STALE] * 7
    assert world.standin.sent_texts(507) == [] and world.service.store.sessions == {}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await world.deliver(gus.tap("d:2"))  # the real menu still works
    assert world.standin.sent_texts(507)[-1].startswith("Drill on domain 2")


async def test_a_database_outage_answers_every_update_and_logs_each_once(standin, bank, memory_store, clock, caplog):
    """A failing command or tap used to leave the learner with nothing (PTB only logged it)."""
    store = OutageStore(memory_store)
    service = QuizService(Exams.of(bank), store, clock=clock, rng=random.Random(3))
    app = build(standin, service, clock)
    await app.initialize()
    world = World(standin, app, service)
    hal = Chat(world, 508)
    await hal.say("/quiz")
    store.down = True
    await hal.say("/stats")
    await world.deliver(hal.tap("a:1:0:0"))  # an answer button of the quick question
    await hal.say("B")
    assert world.texts(508)[1:] == [FAILED, FAILED]  # /stats and the typed answer
    assert [p.get("text") for p in standin.calls_to("answerCallbackQuery")] == [FAILED]  # the tap
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 3
    store.down = False
    await hal.say("/stats")
    assert world.texts(508)[-1] != FAILED
    await app.shutdown()
