"""The learner picks the exam (/exam): new and existing learners, switching, and every mode following it."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from core.commands import Chat, Surface
from core.dispatch import NOT_A_MANAGER, Caller, Dispatcher
from core.exam.exams import Exams
from core.exam.model import QuestionType
from core.plan.service import PlanService
from core.quiz.engine import Mode
from core.quiz.service import QuizService
from core.review.service import ReviewService
from core.rounds.service import RoundService
from tests.answers import as_text, right_response, wrong_response
from tests.conftest import RETAGGED, RETAGGED_TO
from tests.fakes import InMemoryPlanStore, InMemoryReviewStore, InMemoryRoundStore

GROUP = "telegram:-100"


@pytest.fixture
def quiz(exams, memory_store, clock, rng) -> QuizService:
    reviews = ReviewService(exams, InMemoryReviewStore(), InMemoryPlanStore(), memory_store, clock=clock)
    return QuizService(exams, memory_store, clock=clock, rng=rng, reviews=reviews)


@pytest.fixture
def rounds(exams, clock) -> RoundService:
    return RoundService(exams, InMemoryRoundStore(), clock=clock, rng=random.Random(2))


@pytest.fixture
def planner(quiz, clock, rounds) -> PlanService:
    return PlanService(quiz, InMemoryPlanStore(), clock=clock, chat_exam=rounds.exam_of)


@pytest.fixture
def dispatcher(quiz, planner, rounds) -> Dispatcher:
    return Dispatcher(quiz, planner, rounds)


def session_of(quiz, reply):
    return quiz.store.sessions[reply.card.session_id]


async def answer(quiz, lid, reply, right: bool):
    session = session_of(quiz, reply)
    q = quiz.exams[session.exam][session.question_ids[reply.card.position]]
    order = session.orders[reply.card.position]
    return await quiz.answer_text(lid, as_text(q.type, (right_response if right else wrong_response)(q, order)))


def test_the_catalogue_of_exams(exams):
    assert [b.code for b in exams] == ["mla-c02", "mla-c01"] and exams.newest.code == "mla-c02"
    assert exams.parse("MLA-C01").code == exams.parse(" c01 ").code == "mla-c01" and exams.parse("c03") is None
    assert exams["mla-c03"] is exams.newest  # an exam no folder serves any more: the newest
    assert exams.question(RETAGGED).task == RETAGGED_TO  # newest first: MLA-C02's filing of a shared question


async def test_a_new_learner_starts_on_mla_c02_and_start_and_help_name_it(quiz, dispatcher):
    lid = await quiz.learner("telegram", "1")
    started = await dispatcher.run(Caller(lid, Surface.TELEGRAM, "telegram:1"), "start")
    assert "(MLA-C02) exam. 132 original questions" in started.text and "Sitting MLA-C01 instead? /exam" in started.text
    helped = await dispatcher.run(Caller(lid, Surface.TELEGRAM, "telegram:1"), "help")
    assert helped.paragraphs[0] == "You study MLA-C02 (/exam to see both exams)."
    assert (await quiz.exam_of(lid)).code == "mla-c02"


async def test_exam_shows_both_with_who_sits_which_and_a_button_each(quiz, dispatcher):
    lid = await quiz.learner("console", "ann")
    shown = await dispatcher.run(Caller(lid, Surface.CONSOLE, "console:ann"), "exam")
    assert shown.paragraphs[0] == "You study MLA-C02."
    assert "MLA-C02 (132 questions): for candidates who sit it in English (since 29 Sep 2026). ✓" in shown.text
    assert "MLA-C01 (84 questions): for candidates who sit it in Japanese, Korean or Simplified Chinese" in shown.text
    assert shown.buttons == [("MLA-C02 ✓", "/exam mla-c02"), ("MLA-C01", "/exam mla-c01")]
    wrong = await dispatcher.run(Caller(lid, Surface.CONSOLE, "console:ann"), "exam", "saa-c03")
    assert wrong.refused and "/exam mla-c02, /exam mla-c01" in wrong.text
    assert (await quiz.exam_of(lid)).code == "mla-c02"


async def test_an_existing_learner_stays_on_mla_c01_until_switching_and_keeps_history(quiz, memory_store):
    lid = await quiz.learner("telegram", "7")
    memory_store.exams[lid] = "mla-c01"  # what migration 0008 sets for everyone who studied before
    drill = await quiz.drill(lid, "1.1")
    assert drill.paragraphs[0].startswith("MLA-C01 drill on task 1.1") and session_of(quiz, drill).exam == "mla-c01"
    await answer(quiz, lid, drill, right=True)
    switched = await quiz.choose_exam(lid, "mla-c02")
    assert "Your MLA-C01 drill is closed, its answers kept." in switched.text
    assert "MLA-C01 drill stopped at 1 of 7: 1/1 (100%) of those answered correct." in switched.text
    assert "You now study MLA-C02 (132 questions)" in switched.text and "/diagnostic beta" in switched.text
    assert len(memory_store.answers) == 1 and await quiz.store.active_session(lid) is None
    assert (await quiz.choose_exam(lid, "MLA-C02")).text == "You already study MLA-C02."


async def test_every_mode_draws_from_the_chosen_exam(quiz, exams):
    lid = await quiz.learner("telegram", "8")
    c02, c01 = exams["mla-c02"], exams["mla-c01"]
    quick = await quiz.quick(lid)
    assert session_of(quiz, quick).question_ids[0] in c02.questions and session_of(quiz, quick).exam == "mla-c02"
    await answer(quiz, lid, quick, right=False)
    diagnostic = await quiz.diagnostic(lid)
    session = session_of(quiz, diagnostic)
    assert diagnostic.paragraphs[0] == ("MLA-C02 diagnostic: 65 questions, 130 minutes. No feedback until the end, "
                                        "as on the exam.")
    assert Counter(c02[q].domain for q in session.question_ids) == {1: 18, 2: 16, 3: 16, 4: 15}
    assert {c02[q].type for q in session.question_ids} <= {QuestionType.SINGLE, QuestionType.MULTI}
    refused = await quiz.choose_exam(lid, "mla-c01")
    assert refused.refused and "Your MLA-C02 diagnostic is still running: finish it, or send /stop" in refused.text
    assert (await quiz.exam_of(lid)).code == "mla-c02"
    stopped = await quiz.stop(lid)
    assert "MLA-C02 diagnostic report: 0/65" in stopped.text
    beta = await quiz.diagnostic(lid, form="beta")
    assert beta.paragraphs[0].startswith("MLA-C02 diagnostic: 85 questions, 170 minutes.")
    await quiz.stop(lid)

    await quiz.choose_exam(lid, "mla-c01")
    for start in (quiz.quick, lambda lid: quiz.drill(lid, "2"), quiz.mock, quiz.diagnostic):
        session = session_of(quiz, await start(lid))
        assert session.exam == "mla-c01" and set(session.question_ids) <= set(c01.questions)
        await quiz.stop(lid)
    diagnostic = session_of(quiz, await quiz.diagnostic(lid))
    assert Counter(c01[q].domain for q in diagnostic.question_ids) == {1: 18, 2: 17, 3: 14, 4: 16}
    await quiz.stop(lid)
    assert (await quiz.diagnostic(lid, form="beta")).text == "MLA-C01 has no form 'beta': /diagnostic (65 questions)."
    assert "MLA-C01 drill: pick a domain" in (await quiz.drill(lid, None)).text


async def test_a_shared_question_keeps_its_history_in_both_exams(quiz, exams, memory_store, clock):
    lid = await quiz.learner("telegram", "9")
    memory_store.exams[lid] = "mla-c01"
    drill = await quiz.drill(lid, "1.1")
    while session_of(quiz, drill).question_ids[drill.card.position] != RETAGGED:
        drill = await answer(quiz, lid, drill, right=True)
    await answer(quiz, lid, drill, right=False)  # missed in MLA-C01, filed under task 1.1 there
    await quiz.choose_exam(lid, "mla-c02")
    clock.advance(minutes=10)  # a miss is due again after one 10-minute learning step, in either exam
    review = await quiz.review(lid)
    assert review.paragraphs[0] == "MLA-C02 review: 1 question, the most overdue first."
    assert session_of(quiz, review).question_ids == [RETAGGED]
    stats = (await quiz.stats(lid)).text
    assert "MLA-C02 · Answered " in stats and f"{RETAGGED_TO} " in stats  # counted under MLA-C02's task for it
    c01_only = {a.question_id for a in memory_store.answers} - set(exams["mla-c02"].questions)
    answered = sum(a.question_id in exams["mla-c02"].questions for a in memory_store.answers)
    assert f"Answered {answered} ·" in stats and answered == len(memory_store.answers) - len(c01_only)
    right = await answer(quiz, lid, review, right=True)  # answered right in MLA-C02: the miss is cleared ...
    assert "MLA-C02 review done: 1/1" in right.text
    await quiz.choose_exam(lid, "mla-c01")  # ... in MLA-C01 too
    assert (await quiz.review(lid)).text.startswith("Nothing due.")  # its card was reviewed right in MLA-C02


async def test_readiness_and_recent_forms_count_only_the_exam_studied(quiz, clock):
    lid = await quiz.learner("telegram", "10")
    await quiz.diagnostic(lid)
    clock.advance(minutes=1)
    await quiz.stop(lid)
    assert (await quiz.stats(lid)).text.startswith("No MLA-C02 answers yet")  # stopped before any answer
    assert len(await quiz.forms(lid)) == 1
    await quiz.choose_exam(lid, "mla-c01")
    stats = (await quiz.stats(lid)).text
    assert stats.startswith("No MLA-C01 answers yet") and "Missing: 3 more unseen mixed attempts" in stats
    assert await quiz.forms(lid) == []


async def test_the_plan_and_the_push_follow_the_exam(quiz, planner, memory_store, clock):
    lid = await quiz.learner("telegram", "11")
    memory_store.exams[lid] = "mla-c01"
    assert "Exam: MLA-C01 (/exam switches)." in (await planner.plan(lid)).text
    await quiz.choose_exam(lid, "mla-c02")
    assert "Exam: MLA-C02 (/exam switches)." in (await planner.plan(lid)).text
    await planner.welcome(lid, "telegram:11")
    clock.advance(days=2)
    sent = []

    async def send(target, reply):
        sent.append(reply)
        return True
    assert await planner.run_pushes(send) == 1
    assert sent[0].paragraphs[0].startswith("Good day!") and sent[0].paragraphs[0].endswith("(MLA-C02)")
    if sent[0].card is not None:  # an untimed step opens its first question from the chosen exam
        assert session_of(quiz, sent[0]).exam == "mla-c02"


async def test_a_group_exam_is_changed_by_its_managers_only(dispatcher, quiz, rounds, planner, exams, clock):
    member = Caller(await quiz.learner("telegram", "20"), Surface.TELEGRAM, GROUP, Chat.GROUP, name="Ann")
    admin = Caller(await quiz.learner("telegram", "21"), Surface.TELEGRAM, GROUP, Chat.GROUP, manager=True)
    shown = await dispatcher.run(member, "exam")
    assert shown.paragraphs[0].startswith("This chat studies MLA-C02: its rounds and question of the day")
    assert "A chat admin switches it" in shown.text and len(shown.buttons) == 2
    refused = await dispatcher.run(member, "exam", "mla-c01")
    assert refused.refused and refused.text == NOT_A_MANAGER and (await rounds.exam_of(GROUP)).code == "mla-c02"
    assert dispatcher.manager_matters(Chat.GROUP, "exam", "mla-c01")
    assert not dispatcher.manager_matters(Chat.GROUP, "exam", None)
    live = await dispatcher.run(member, "round", "2")
    first = (await rounds.store.live_round(GROUP))
    assert first.exam == "mla-c02" and live.card is not None
    switched = await dispatcher.run(admin, "exam", "mla-c01")
    assert switched.text.startswith("This chat now studies MLA-C01")
    assert (await quiz.exam_of(member.learner_id)).code == "mla-c02"  # the member's own exam is theirs
    still = await rounds.store.live_round(GROUP)
    assert still.exam == "mla-c02" and set(still.question_ids) <= set(exams["mla-c02"].questions)
    clock.advance(seconds=60)
    for update in await rounds.due():  # the running round finishes with its own questions
        assert update.round_id == first.id
    await dispatcher.run(member, "stopround")
    await dispatcher.run(member, "round", "2")
    assert (await rounds.store.live_round(GROUP)).exam == "mla-c01"
    helped = await dispatcher.run(member, "help")
    assert helped.paragraphs[0] == "You study MLA-C02; this chat's rounds: MLA-C01 (/exam to see both exams)."

    await dispatcher.run(admin, "daily", "on")
    clock.advance(days=1, hours=1)
    posted = []

    async def send(target, reply):
        posted.append(reply)
        return True
    await planner.run_pushes(send)
    qotd = next(r for r in posted if r.poll is not None)
    assert qotd.paragraphs[0] == "Question of the day (MLA-C01)" and qotd.poll.question_id in exams["mla-c01"].questions


async def test_a_timed_session_expired_before_a_switch_is_reported_with_it(quiz, clock):
    lid = await quiz.learner("telegram", "12")
    await quiz.mock(lid, 5)
    clock.advance(minutes=11)
    switched = await quiz.choose_exam(lid, "mla-c01")
    assert switched.paragraphs[0] == "⏰ Time is up for your MLA-C02 mock."
    assert "MLA-C02 mock exam report: 0/5" in switched.text and "You now study MLA-C01" in switched.text
    assert (await quiz.store.latest_session(lid)).mode is Mode.MOCK


def test_one_exam_is_enough_for_the_services(bank):
    exams = Exams.of(bank)
    assert exams.newest is bank and exams["mla-c02"] is bank and len(exams) == 1


async def test_start_with_a_running_session_of_the_other_exam(quiz):
    lid = await quiz.learner("telegram", "13")
    await quiz.drill(lid, "3")
    await quiz.choose_exam(lid, "mla-c01")
    assert await quiz.store.active_session(lid) is None
    drill = await quiz.drill(lid, "3")
    started = await quiz.start(lid)
    assert "(MLA-C01) exam" in started.text and "Your MLA-C01 drill is where you left it:" in started.text
    assert started.card.stem == drill.card.stem


