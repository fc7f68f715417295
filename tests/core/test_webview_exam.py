"""The web view's exam-day moves (core/webview, issue 17): the page and the chat move one session, flags and
jumps show in both, the review screen and submit ask first, and the post-exam review pages through."""

from __future__ import annotations

import random

import pytest

from core.quiz import exam_review
from core.quiz.exam_service import ExamService
from core.quiz.service import QuizService
from core.webview.links import LinkKey
from core.webview.service import WebView
from core.webview.view import LABELS, Status
from tests.fakes import InMemorySecretStore


@pytest.fixture
def quiz(exams, memory_store, clock) -> QuizService:
    return QuizService(exams, memory_store, clock=clock, rng=random.Random(5))


@pytest.fixture
def web(quiz) -> WebView:
    return WebView(quiz, LinkKey(InMemorySecretStore()), "1:token")


async def test_flag_and_jump_on_the_page_are_the_chats_flag_and_position(quiz, web):
    lid = await quiz.learner("telegram", "ada")
    card = (await quiz.mock(lid)).card
    page = await web.flag(lid, card.session_id, 0)
    assert page.status is Status.RUNNING and page.question.flagged and page.navigator[0].flagged
    assert page.navigator[0].label == "Question 1, not answered, flagged, current"
    assert all(cell.jump for cell in page.navigator)
    page = await web.goto(lid, card.session_id, 6)
    assert page.question.position == 6 and page.navigator[6].current
    chat = await quiz.current(lid)
    assert chat.card.position == 6 and (await quiz.store.active_session(lid)).flags == [0]
    await ExamService(quiz).flag(lid, 7)  # the chat flags: the page shows it
    assert (await web.page(lid)).question.flagged


async def test_a_move_for_another_attempt_or_position_is_refused_and_changes_nothing(quiz, web):
    lid = await quiz.learner("telegram", "bea")
    card = (await quiz.mock(lid)).card
    stale = await web.goto(lid, card.session_id + 1, 3)
    assert stale.notices == [exam_review.STALE_ATTEMPT] and stale.question.position == 0
    beyond = await web.goto(lid, card.session_id, 25)
    assert beyond.notices == ["There is no question 26 in this mock: it has 20."] and beyond.question.position == 0
    assert (await quiz.store.active_session(lid)).position == 0


async def test_an_answer_changed_on_the_page_replaces_the_chats(quiz, web):
    lid = await quiz.learner("telegram", "cy")
    card = (await quiz.mock(lid)).card
    await quiz.answer(lid, card.session_id, 0, list(range(card.select)))  # the chat answers question 1
    page = await web.goto(lid, card.session_id, 0)
    assert page.question.answered and page.question.picked == list(range(card.select))
    again = [page.question.select - 1 + k for k in range(page.question.select)]  # another pick
    after = await web.answer(lid, card.session_id, 0, again)
    assert after.notices == [LABELS["recorded"]] and after.question.position == 1
    answers = [a for a in quiz.store.answers if a.position == 0]
    assert len(answers) == 1
    assert (await quiz.current(lid)).card.position == 1


async def test_review_screen_confirmation_submit_and_recap(quiz, web, clock):
    lid = await quiz.learner("telegram", "dee")
    card = (await quiz.mock(lid)).card
    await web.flag(lid, card.session_id, 2)
    page = await web.answer(lid, card.session_id, 0, list(range(card.select)))
    screen = await web.review(lid)
    assert screen.status is Status.REVIEW and screen.question is None
    assert (screen.review.answered, screen.review.flagged, len(screen.review.unanswered)) == ([1], [3], 19)
    assert screen.review.confirm is None and screen.seconds_left == 40 * 60
    ask = await web.submit(lid, card.session_id, confirmed=False)
    assert ask.review.confirm == exam_review.confirm_question(await quiz.store.active_session(lid))
    assert "/submit" not in ask.review.confirm and not any("/goto" in p for p in ask.review.paragraphs)
    assert "19 questions are unanswered" in ask.review.confirm and "1 question is flagged" in ask.review.confirm
    assert await quiz.store.active_session(lid) is not None  # asking changed nothing
    clock.advance(seconds=30)
    done = await web.submit(lid, card.session_id, confirmed=True)
    assert done.status is Status.FINISHED and done.attempt == 1 and done.report[0].startswith("Submitted.")
    assert (await quiz.current(lid)).text.startswith("No session is running")  # the chat agrees
    reopened = await web.page(lid)  # later: the same report as at submit, pass estimate and all
    assert reopened.attempt == 1 and reopened.report[1:] == done.report[1:]
    assert any(p.startswith("Pass estimate") for p in reopened.report)
    listing = await web.recap(lid)
    assert listing.status is Status.RECAP and listing.recap.attempts[0].startswith("1. 2026-11-28 MLA-C02 mock")
    first = await web.recap(lid, 1, 2)
    assert first.recap.number == 2 and first.recap.total == 20
    assert first.recap.paragraphs[0] == "Attempt 1 · MLA-C02 mock exam · question 2 of 20 · time on it: 30 s"
    bad = await web.recap(lid, 4, 1)
    assert bad.recap.number == 0 and bad.notices == ["There is no attempt 4: you have 1. /recap lists them."]
    assert page.question.position == 1
