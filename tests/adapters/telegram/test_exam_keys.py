"""Telegram during a diagnostic or mock (issue 17): Flag, Skip, Previous and the review screen under each
question, the review screen's paged grid of jumps, Submit with a confirmation naming the unanswered count,
a changed answer replacing the old one, stale and forged keys refused, /recap paging through an older
attempt, a restart mid-exam, and an answer bound to the question the chat showed."""

from __future__ import annotations

import random

from adapters.sql.database import Database
from adapters.sql.store import SqlStore
from adapters.telegram import handlers
from core.commands import COMMANDS
from core.commands import Chat as TelegramChat
from core.exam.exams import Exams
from core.exam.model import QuestionType
from core.quiz import exam_keys
from core.quiz.grading import LETTERS
from core.quiz.service import QuizService
from tests.adapters.telegram.conftest import Chat, World, build
from tests.answers import right_response, wrong_response

ANN = 901


def live(world: World):
    """The learner's running session, read from the store as a cheat sheet."""
    store = world.service.store
    return store._load([s for s in store.sessions.values() if not s.finished][-1])


def attempt(world: World, session_id: int):
    return world.service.store._load(world.service.store.sessions[session_id])


def toasts(world: World) -> list[str | None]:
    return [c.get("text") for c in world.standin.calls_to("answerCallbackQuery")]


def labels(world: World, chat_id: int) -> list[str]:
    """The button labels of the chat's newest message with buttons."""
    for (chat, _), message in reversed(world.standin.messages.items()):
        if chat == chat_id and message.get("reply_markup"):
            return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]
    raise AssertionError("no buttons")


async def answer(world: World, chat: Chat, session, right: bool = True) -> None:
    """Answer the question on screen with its buttons, right or wrong, whatever its type."""
    q = world.service.exams.newest[session.question_ids[session.position]]
    response = (right_response if right else wrong_response)(q, session.orders[session.position])
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


async def test_flag_skip_previous_review_jump_and_submit_with_a_confirmation(world):
    ann = Chat(world, ANN)
    await ann.say("/mock")
    assert world.last_card(ANN).startswith("Q 1/20")
    assert labels(world, ANN)[-4:] == ["⚑ Flag", "Skip ▶", "Review screen", "Submit attempt"]  # no Previous
    await ann.press("⚑ Flag")
    assert toasts(world)[-1] == "Question 1 flagged: it is listed on the review screen (/overview)."
    assert "⚑ flagged" in world.last_card(ANN).split("\n")[0] and "Unflag" in labels(world, ANN)
    messages = len(world.standin.messages)
    await ann.press("Skip ▶")
    assert world.last_card(ANN).startswith("Q 2/20") and len(world.standin.messages) == messages  # in place
    await ann.press("◀ Previous")
    assert world.last_card(ANN).startswith("Q 1/20")
    await answer(world, ann, live(world))
    assert world.last_card(ANN).startswith("Q 2/20")
    await ann.press("Review screen")
    screen = world.last_card(ANN)
    assert screen.startswith("Review screen · MLA-C01 mock exam") and "Answered 1 · Unanswered 19 · Flagged 1" in screen
    assert labels(world, ANN) == ["1✓⚑", "▸2", *map(str, range(3, 21)), "Back to Q2", "Submit attempt"]
    await ann.press("7")
    assert world.last_card(ANN).startswith("Q 7/20") and live(world).position == 6
    await ann.press("Submit attempt")
    ask = world.last_card(ANN)
    assert ask.startswith("Submit your MLA-C01 mock exam now? 19 questions are unanswered and count wrong; "
                          "1 question is flagged.")
    assert labels(world, ANN) == ["Yes, submit", "Keep going"]
    await ann.press("Keep going")
    assert world.last_card(ANN).startswith("Q 7/20") and not live(world).finished
    await ann.press("Submit attempt")
    await ann.press("Yes, submit")
    assert world.texts(ANN)[-1].startswith("Submitted.") or any(t.startswith("Submitted.") for t in world.shown(ANN))
    done = attempt(world, 1)
    assert done.finished and done.submitted and len(done.answers) == 1


async def test_a_changed_answer_replaces_the_old_one(world):
    ann = Chat(world, ANN)
    await ann.say("/diagnostic")
    await answer(world, ann, live(world), right=False)
    await ann.press("◀ Previous")
    assert "your answer:" in world.last_card(ANN).split("\n")[0] or "answered" in world.last_card(ANN).split("\n")[0]
    await answer(world, ann, live(world), right=True)
    session = live(world)
    assert [(a.position, a.correct) for a in session.answers] == [(0, True)] and session.position == 1


async def test_stale_and_forged_keys_are_refused_and_change_nothing(world):
    ann = Chat(world, ANN)
    await ann.say("/mock")
    message, skip = world.button(ANN, "Skip ▶")
    _, flag = world.button(ANN, "⚑ Flag")
    await ann.say("/goto 5")
    before = live(world)
    await world.deliver(ann.tap(skip, message))  # the Skip under question 1, tapped on question 5
    assert toasts(world)[-1] == "That button was for question 1; you are on question 5 now:"
    await ann.say("/flag 1")
    await world.deliver(ann.tap(flag, message))  # "Flag" drawn before question 1 was flagged elsewhere
    assert toasts(world)[-1] == "Question 1 is flagged already. Nothing was changed."
    for forged in (f"e:g:{before.id + 50}:3", "e:z:1:1", f"e:g:{before.id}:99999", "e:g:1"):
        await world.deliver(ann.tap(forged, message))
        assert toasts(world)[-1] in (exam_keys.STALE_KEY, "This question is no longer active.")
    after = live(world)
    assert (after.position, after.flags, after.answers) == (before.position, [0], before.answers)
    bob = Chat(world, 902)  # another learner's key is another attempt for him
    await world.deliver(bob.tap(f"e:c:{before.id}:0"))
    assert toasts(world)[-1] == exam_keys.STALE_KEY and not live(world).finished


async def test_recap_pages_through_an_older_attempt(world):
    ann = Chat(world, ANN)
    for _ in range(2):
        await ann.say("/mock")
        await answer(world, ann, live(world))
        await ann.say("/submit yes")
    first, second = attempt(world, 1), attempt(world, 2)
    await ann.say("/recap")
    assert "1. 2026-11-28 MLA-C01 mock exam" in world.texts(ANN)[-1]
    await ann.press("Attempt 1")
    page = world.last_card(ANN)
    assert page.startswith("Attempt 1 · MLA-C01 mock exam · question 1 of 20 · time on it:")
    assert labels(world, ANN) == ["Next ▶", "All attempts"]
    messages = len(world.standin.messages)
    await ann.press("Next ▶")
    assert world.last_card(ANN).startswith("Attempt 1 · MLA-C01 mock exam · question 2 of 20")
    assert "You did not answer it (counted wrong)." in world.last_card(ANN)
    await ann.press("◀ Previous")
    assert world.last_card(ANN).startswith("Attempt 1 · MLA-C01 mock exam · question 1 of 20")
    assert len(world.standin.messages) == messages  # paged in place
    stem = world.service.exams.newest[first.question_ids[0]].stem
    assert stem in world.last_card(ANN) and first.id != second.id
    bob = Chat(world, 902)
    await world.deliver(bob.tap(f"e:w:{first.id}:2"))  # Ann's attempt is not Bob's to read
    assert toasts(world)[-1] == exam_keys.STALE_KEY


async def test_a_restart_mid_exam_keeps_position_flags_answers_and_old_buttons(standin, bank, database_url, clock):
    engine = Database(database_url)
    service = QuizService(Exams.of(bank), SqlStore(engine), clock=clock, rng=random.Random(5))
    app = build(standin, service, clock)
    await app.initialize()
    world = World(standin, app, service)
    ann = Chat(world, ANN)
    await ann.say("/mock")
    await ann.press("⚑ Flag")
    await ann.press("Skip ▶")
    session = await service.store.active_session(await service.learner("telegram", str(ANN)))
    q = bank[session.question_ids[1]]
    typed = " ".join(f"{i + 1}{LETTERS[p]}" if q.type is QuestionType.MATCHING else LETTERS[p]
                     for i, p in enumerate(right_response(q, session.orders[1])))
    await ann.say(typed)  # question 2 answered; question 3 on screen
    old, review = world.button(ANN, "Review screen")
    await app.shutdown()
    await engine.dispose()

    engine = Database(database_url)
    service = QuizService(Exams.of(bank), SqlStore(engine), clock=clock, rng=random.Random(6))
    app = build(standin, service, clock)
    await app.initialize()
    try:
        world = World(standin, app, service)
        await world.deliver(Chat(world, ANN).tap(review, old))  # a button drawn before the restart
        screen = world.last_card(ANN)
        assert "Answered 1 · Unanswered 19 · Flagged 1" in screen and "You are on question 3." in screen
        assert labels(world, ANN)[:3] == ["1⚑", "2✓", "▸3"]
        await Chat(world, ANN).press("1⚑")
        assert world.last_card(ANN).startswith("Q 1/20") and "⚑ flagged" in world.last_card(ANN)
        restored = await service.store.active_session(await service.learner("telegram", str(ANN)))
        assert (restored.position, restored.flags, [a.position for a in restored.answers]) == (0, [0], [1])
    finally:
        await app.shutdown()
        await engine.dispose()


async def test_after_an_answer_in_the_web_view_a_typed_or_tapped_answer_is_for_the_question_shown(world):
    ann = Chat(world, ANN)
    await ann.say("/diagnostic")
    session = live(world)
    lid = session.learner_id
    q = world.service.exams.newest[session.question_ids[0]]
    wrong, right = wrong_response(q, session.orders[0]), right_response(q, session.orders[0])
    await world.service.answer(lid, session.id, 0, wrong)  # the web view answers question 1: on to question 2
    assert live(world).position == 1
    await ann.say(" ".join(f"{i + 1}{LETTERS[p]}" if q.type is QuestionType.MATCHING else LETTERS[p]
                           for i, p in enumerate(right)))  # typed under question 1's message
    now = live(world)
    assert [(a.position, a.correct) for a in now.answers] == [(0, True)] and now.position == 1
    await world.service.answer(lid, session.id, 1, [0])  # the web view again: on to question 3
    assert q.type is QuestionType.SINGLE  # the fixed seed's first question; its buttons are still there
    message, _ = world.button(ANN, LETTERS[wrong[0]])
    await world.deliver(ann.tap(f"a:{session.id}:0:{wrong[0]}", message))  # tapped under question 1
    now = live(world)
    assert [(a.position, a.correct) for a in now.answers] == [(0, False), (1, now.answers[1].correct)]
    assert now.position == 1


async def test_a_full_65_question_diagnostic_with_flag_skip_back_review_and_submit(world):
    total = 65
    ann = Chat(world, ANN)
    await ann.say("/diagnostic")
    skipped, flagged = [], []
    for number in range(1, total + 1):
        assert world.last_card(ANN).startswith(f"Q {number}/{total}")
        if number % 7 == 0:
            await ann.press("⚑ Flag")
            flagged.append(number)
        if number % 10 == 0 and number < total:
            await ann.press("Skip ▶")
            skipped.append(number)
            continue
        if number == 30:  # back and forth: Previous shows 29 with its answer, Next returns
            await ann.press("◀ Previous")
            assert world.last_card(ANN).startswith(f"Q 29/{total}") and "your answer" in world.last_card(ANN)
            await ann.press("Next ▶")
        await answer(world, ann, live(world))
    screen = world.last_card(ANN)
    assert screen.startswith("Answer recorded. That was the last question; here is the review screen.")
    assert f"Answered {total - len(skipped)} · Unanswered {len(skipped)} · Flagged {len(flagged)}" in screen
    first_page = labels(world, ANN)
    assert first_page[:40] == [f"{n}{'✓' if n not in skipped else ''}{'⚑' if n in flagged else ''}"
                               for n in range(1, 41)]
    assert first_page[40:] == ["41–65 ▶", "Back to Q65", "Submit attempt"]
    await ann.press("41–65 ▶")
    assert labels(world, ANN)[0] == "41✓" and labels(world, ANN)[-3:] == ["◀ 1–40", "Back to Q65", "Submit attempt"]
    await ann.press("50")
    assert world.last_card(ANN).startswith(f"Q 50/{total}")
    await answer(world, ann, live(world))
    await ann.press("Review screen")
    await ann.press("Submit attempt")
    left = len(skipped) - 1
    assert world.last_card(ANN).startswith(f"Submit your MLA-C01 diagnostic now? {left} questions are unanswered "
                                           f"and count wrong; {len(flagged)} questions are flagged.")
    await ann.press("Yes, submit")
    done = attempt(world, 1)
    assert done.submitted and len(done.answers) == total - left
    assert sum(a.correct for a in done.answers) == total - left
    assert any(f"MLA-C01 diagnostic report: {total - left}/{total}" in t for t in world.shown(ANN))


async def test_the_exam_commands_are_in_the_menu_and_typed_ones_draw_the_same_keys(world):
    menu = dict(handlers.menu(TelegramChat.PRIVATE))
    for name in ("flag", "skip", "back", "goto", "overview", "submit", "recap"):
        assert menu[name] == COMMANDS[name].summary
    ann = Chat(world, ANN)
    await ann.say("/diagnostic")
    await ann.say("/goto 3")
    await ann.say("/overview")
    assert labels(world, ANN)[:4] == ["1", "2", "▸3", "4"] and labels(world, ANN)[40:] == [
        "41–65 ▶", "Back to Q3", "Submit attempt"]
    await ann.say("/submit")
    assert world.last_card(ANN).startswith("Submit your MLA-C01 diagnostic now? 65 questions are unanswered")
    assert labels(world, ANN) == ["Yes, submit", "Keep going"]
