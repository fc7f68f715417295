"""Exam-day moves in a diagnostic or mock (issue 17): flag, skip, back, goto, the review screen, submit with a
confirmation, answers that change until submit, time per question, restarts, and the post-exam /recap."""

from __future__ import annotations

import pytest

from core.commands import COMMANDS, Chat, Surface, help_text
from core.dispatch import Caller, Dispatcher
from core.exam.exams import Exams
from core.plan.service import PlanService
from core.quiz import exam_review, progress
from core.quiz.exam_service import EXAM_COMMANDS, ExamService
from core.quiz.service import QuizService
from tests.answers import as_text, right_response, wrong_response
from tests.fakes import InMemoryPlanStore


@pytest.fixture
def quiz(bank, memory_store, clock, rng) -> QuizService:
    return QuizService(Exams.of(bank), memory_store, clock=clock, rng=rng)


@pytest.fixture
def exam(quiz) -> ExamService:
    return ExamService(quiz)


@pytest.fixture
def run(quiz, clock):
    """Send a command as a console learner would: run("flag", "3")."""
    dispatcher = Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock))

    async def send(name: str, arg: str | None = None, who: str = "ann"):
        lid = await quiz.learner("console", who)
        return await dispatcher.run(Caller(lid, Surface.CONSOLE, f"console:{who}", personal=f"console:{who}"),
                                    name, arg)
    return send


def text_for(quiz, card, right: bool = True) -> str:
    """The typed answer to the card's question, right or wrong, as the learner reading the shuffle would."""
    session = quiz.store.sessions[card.session_id]
    q = quiz.exams.newest[session.question_ids[card.position]]
    return as_text(q.type, (right_response if right else wrong_response)(q, session.orders[card.position]))


async def test_skip_back_and_goto_move_without_answering_and_say_where_you_are(run, quiz):
    start = await run("mock")
    assert start.card.position == 0 and ("⚑ Flag", "/flag 1") in start.card.nav
    assert ("◀ Previous", "/back 1") not in start.card.nav  # nothing before the first question
    skipped = await run("skip", "1")
    assert skipped.card.position == 1 and skipped.card.progress.startswith("Q 2/20")
    assert (await run("goto", "20")).card.position == 19
    assert [label for label, _ in (await run("question")).card.nav][-3:] == ["◀ Previous", "Review screen", "Submit"]
    back = await run("back")
    assert back.card.position == 18
    assert quiz.store.answers == []  # moving records nothing
    last = await run("skip")
    edge = await run("skip")
    assert edge.refused and edge.paragraphs == ["This is the last question. /overview shows them all."]
    assert edge.card.position == last.card.position == 19


async def test_a_stale_or_malformed_move_is_refused_and_changes_nothing(run, quiz):
    await run("mock")
    await run("goto", "5")
    stale = await run("skip", "2")  # a Skip button under question 2, tapped after moving to 5
    assert stale.refused and stale.paragraphs == ["That button was for question 2; you are on question 5 now:"]
    assert stale.card.position == 4
    for name, arg in (("goto", "21"), ("flag", "99")):
        refused = await run(name, arg)
        assert refused.refused and refused.paragraphs == ["There is no question "
                                                          f"{arg} in this mock: it has 20."]
    for name, arg in (("goto", "five"), ("goto", "0"), ("goto", None), ("flag", "1 2"), ("submit", "maybe"),
                      ("recap", "a b")):
        refused = await run(name, arg)
        assert refused.refused and refused.text.startswith(f"Usage: {COMMANDS[name].usage}")
    session = await quiz.store.active_session(await quiz.learner("console", "ann"))
    assert session.position == 4 and session.flags == [] and session.answers == []


async def test_no_moves_outside_a_diagnostic_or_mock_and_a_drill_keeps_moving_forward(run, quiz):
    for name in EXAM_COMMANDS[:-1]:
        reply = await run(name, "3" if name == "goto" else None)
        assert reply.refused and reply.paragraphs == [exam_review.NOT_RUNNING]
    drill = await run("drill", "1")
    assert drill.card.nav == [] and (await run("skip")).paragraphs == [exam_review.NOT_RUNNING]
    after = await quiz.answer_text(await quiz.learner("console", "ann"), text_for(quiz, drill.card))
    assert after.card.position == 1 and "Correct" in after.text  # feedback at once, as before


async def test_flag_toggles_and_shows_on_the_card_and_the_review_screen(run, quiz):
    await run("mock")
    flagged = await run("flag")
    assert flagged.paragraphs == ["Question 1 flagged: it is listed on the review screen (/overview)."]
    assert flagged.card.flagged and flagged.card.progress.endswith("· ⚑ flagged")
    assert ("Unflag", "/flag 1") in flagged.card.nav
    await run("flag", "7")
    review = await run("overview")
    assert review.paragraphs[0].endswith("Answered 0 · Unanswered 20 · Flagged 2")
    assert review.paragraphs[1] == "Unanswered: 1–20\nFlagged: 1, 7\nAnswered: none"
    assert review.buttons[:2] == [("Q1 ⚑", "/goto 1"), ("Q2 ○", "/goto 2")]
    assert review.buttons[-2:] == [("Back to Q1", "/goto 1"), ("Submit", "/submit")]
    cleared = await run("flag", "1")
    assert cleared.paragraphs == ["Question 1 no longer flagged."] and not cleared.card.flagged


async def test_a_changed_answer_replaces_the_old_one_until_submit_without_feedback(run, quiz):
    lid = await quiz.learner("console", "ann")
    card = (await run("mock")).card
    first = await quiz.answer_text(lid, text_for(quiz, card, right=False))
    assert first.card.position == 1 and "Correct" not in first.text and "Not quite" not in first.text
    again = (await run("back")).card
    assert again.position == 0 and again.progress.split(" · ")[-1] in ("answered", "your answer: " + " ".join(
        "ABCDEFGH"[p] for p in again.picked))
    await quiz.answer_text(lid, text_for(quiz, again, right=True))
    answers = [a for a in quiz.store.answers if a.position == 0]
    assert len(answers) == 1 and answers[0].correct  # the second answer replaced the first
    assert len(await quiz.store.history(lid)) == 1


async def test_the_last_answer_opens_the_review_screen_and_submit_asks_first(run, quiz, clock):
    lid = await quiz.learner("console", "ann")
    card = (await run("mock")).card
    await run("flag")
    for _ in range(17):  # answer 1..17, skip 18 and 19, answer 20
        card = (await quiz.answer_text(lid, text_for(quiz, card))).card
    await run("skip")
    card = (await run("skip")).card
    screen = await quiz.answer_text(lid, text_for(quiz, card))
    assert screen.card is None and screen.paragraphs[0] == exam_review.LAST_ANSWERED
    assert screen.paragraphs[1].startswith("Review screen · MLA-C01 mock exam · 0:40:00 left")
    assert screen.paragraphs[2] == "Unanswered: 18, 19\nFlagged: 1\nAnswered: 1–17, 20"
    ask = await run("submit")
    assert ask.paragraphs == ["Submit your MLA-C01 mock exam now? 2 questions are unanswered and count wrong; "
                              "1 question is flagged. After submitting, answers cannot change. Send /submit yes to "
                              "submit."]
    sid = card.session_id
    assert ask.buttons == [("Yes, submit", f"/submit {sid}"), ("Not yet: review screen", "/overview")]
    assert (await quiz.store.active_session(lid)) is not None  # asking changed nothing
    stale = await run("submit", str(sid + 1))
    assert stale.refused and stale.paragraphs == [exam_review.STALE_SUBMIT]
    done = await run("submit", f"{sid}")
    assert done.paragraphs[0].startswith("Submitted. /recap 1 walks through every question")
    assert done.paragraphs[1].startswith("MLA-C01 mock exam report: 18/20 (90%) correct, 2 unanswered")
    assert "This attempt counts toward readiness (/stats)." in done.paragraphs  # 18 of 20 answered: 90% >= 80%
    assert ("Walk through it", "/recap 1") in done.buttons
    assert (await run("submit", "yes")).paragraphs == [exam_review.NOT_RUNNING]  # a second tap finds nothing


async def test_a_submit_with_under_80_percent_answered_does_not_count_and_says_why(run, quiz):
    lid = await quiz.learner("console", "ann")
    card = (await run("mock")).card
    for _ in range(15):
        card = (await quiz.answer_text(lid, text_for(quiz, card))).card
    done = await run("submit", "yes")
    assert any(p.startswith("This attempt does not count toward readiness: submitted with 15 of 20 answered "
                            "(16 needed).") for p in done.paragraphs)
    session = (await quiz.forms(lid))[-1]
    assert session.submitted and not progress.counts_for_readiness(session)


async def test_time_out_still_ends_the_attempt_by_the_clock(run, quiz, clock):
    lid = await quiz.learner("console", "ann")
    card = (await run("mock")).card
    await quiz.answer_text(lid, text_for(quiz, card))
    clock.advance(minutes=41)
    late = await run("flag")
    assert late.text.startswith("⏰ Time is up for your MLA-C01 mock.")
    session = (await quiz.forms(lid))[-1]
    assert session.finished and not session.submitted and progress.timed_out(session)


async def test_time_on_each_question_is_recorded_and_the_recap_shows_it_with_pick_and_answer(run, quiz, clock):
    lid = await quiz.learner("console", "ann")
    card = (await run("mock")).card
    clock.advance(seconds=95)
    card = (await quiz.answer_text(lid, text_for(quiz, card, right=False))).card  # Q1: 95 s, wrong
    clock.advance(seconds=20)
    await run("back")  # Q2 on screen 20 s
    clock.advance(seconds=10)  # Q1 again 10 s more
    await run("goto", "3")
    clock.advance(seconds=30)
    await run("submit", "yes")  # Q3: 30 s
    session = (await quiz.forms(lid))[-1]
    assert session.spent[:4] == [105, 20, 30, 0]
    listing = await run("recap")
    assert listing.paragraphs[0].startswith("Your finished diagnostics and mocks:\n1. 2026-11-28 MLA-C01 mock exam: "
                                            "0/20 (0%), submitted")
    first = await run("recap", "1")
    assert first.paragraphs[0] == "Attempt 1 · MLA-C01 mock exam · question 1 of 20 · time on it: 1 min 45 s"
    assert any(p.startswith("Correct answer:") for p in first.paragraphs)
    assert any(p.endswith("❌ incorrect.") for p in first.paragraphs)
    assert first.buttons == [("Next ▶", "/recap 1 2"), ("All attempts", "/recap")]
    third = await run("recap", "1 3")
    assert "You did not answer it (counted wrong)." in third.paragraphs
    assert third.buttons[0] == ("◀ Previous", "/recap 1 2")
    assert (await run("recap", "2")).paragraphs == ["There is no attempt 2: you have 1. /recap lists them."]
    assert (await run("recap", "1 21")).refused


async def test_an_older_attempt_stays_reachable_after_later_sessions(run, quiz):
    await run("mock")
    await run("submit", "yes")
    await run("diagnostic")
    await run("submit", "yes")
    await run("quiz")
    listing = (await run("recap")).paragraphs[0]
    assert "1. 2026-11-28 MLA-C01 mock exam" in listing and "2. 2026-11-28 MLA-C01 diagnostic" in listing
    assert (await run("recap", "1 20")).paragraphs[0].startswith("Attempt 1 · MLA-C01 mock exam · question 20 of 20")


async def test_a_restart_mid_exam_keeps_position_flags_answers_and_time(bank, memory_store, clock, rng):
    first = QuizService(Exams.of(bank), memory_store, clock=clock, rng=rng)
    lid = await first.learner("console", "ann")
    card = (await first.mock(lid)).card
    await ExamService(first).flag(lid, 2)
    await first.answer_text(lid, text_for(first, card))
    clock.advance(seconds=40)
    await ExamService(first).goto(lid, 9)
    again = QuizService(Exams.of(bank), memory_store, clock=clock, rng=rng)  # a new process, same database
    shown = await again.current(lid)
    assert shown.card.position == 8
    session = await memory_store.active_session(lid)
    assert session.flags == [1] and [a.position for a in session.answers] == [0] and session.spent[1] == 40


async def test_the_commands_are_in_the_catalogue_and_the_console_help(run):
    helped = help_text(Surface.CONSOLE, Chat.PRIVATE)[0]
    for name in EXAM_COMMANDS:
        assert f"/{name}: {COMMANDS[name].summary}" in helped
    assert "/review" in helped and COMMANDS["recap"].name != "review"


async def test_a_full_65_question_diagnostic_with_flag_skip_back_and_review(run, quiz):
    """The whole exam in chat: answer in order, skip five, flag three, go back to change two answers, check
    the review screen, come back for the skipped ones, submit, walk through it."""
    lid = await quiz.learner("console", "ann")
    card = (await run("diagnostic")).card
    assert card.total == 65 and card.progress.startswith("Q 1/65 · 2:10:00 left")
    skipped, flagged = {10, 20, 30, 40, 50}, {5, 25, 60}
    reply = None
    while True:
        number = card.position + 1
        if number in flagged and not card.flagged:
            card = (await run("flag", str(number))).card
        if number in skipped:
            reply = await run("skip", str(number))
        else:
            reply = await quiz.answer_text(lid, text_for(quiz, card, right=number % 3 != 0))
        if reply.card is None:
            break
        card = reply.card
    assert reply.paragraphs[2] == "Unanswered: 10, 20, 30, 40, 50\nFlagged: 5, 25, 60\nAnswered: 1–9, 11–19, " \
                                  "21–29, 31–39, 41–49, 51–65"
    for number in (3, 6):  # fix two wrong answers
        shown = (await run("goto", str(number))).card
        assert "your answer:" in shown.progress or "answered" in shown.progress
        await quiz.answer_text(lid, text_for(quiz, shown, right=True))
    for number in sorted(skipped):
        shown = (await run("goto", str(number))).card
        await quiz.answer_text(lid, text_for(quiz, shown, right=True))
    review = await run("overview")
    assert review.paragraphs[0].endswith("Answered 65 · Unanswered 0 · Flagged 3")
    ask = await run("submit")
    assert ask.paragraphs[0].startswith("Submit your MLA-C01 diagnostic now? 3 questions are flagged.")
    done = await run("submit", "yes")
    right = 65 - len([n for n in range(1, 66) if n % 3 == 0 and n not in (3, 6) and n not in skipped])
    assert done.paragraphs[1].startswith(f"MLA-C01 diagnostic report: {right}/65")
    assert len([a for a in quiz.store.answers if a.session_id == card.session_id]) == 65
    walk = await run("recap", "1 65")
    assert walk.paragraphs[0].startswith("Attempt 1 · MLA-C01 diagnostic · question 65 of 65")
