"""The web view's service (core/webview): one session seen from the page and from the chat.

MLA-C02's forms hold single- and multiple-answer questions only, so every question of these mocks can be
answered on the page, whichever the draw brings.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from core.exam.model import QuestionType
from core.quiz.service import STALE, QuizService
from core.reply import QuestionCard
from core.webview import view
from core.webview.auth import LINK_LIFETIME, init_data_hash, link_learner, sign_link
from core.webview.links import SECRET_NAME, LinkKey, WebLinks
from core.webview.service import WebView
from core.webview.view import LABELS, CellState, Status
from tests.fakes import InMemorySecretStore

TOKEN = "123456:TEST-token-for-the-web-view"
BASE = "https://bot.example.org/exam/"


@pytest.fixture
def secrets() -> InMemorySecretStore:
    return InMemorySecretStore()


@pytest.fixture
def quiz(exams, memory_store, clock, secrets) -> QuizService:
    links = WebLinks(BASE, LinkKey(secrets), clock)
    return QuizService(exams, memory_store, clock=clock, rng=random.Random(5), web=links)


@pytest.fixture
def web(quiz, secrets) -> WebView:
    return WebView(quiz, LinkKey(secrets), TOKEN)


def valid(card_or_question) -> list[int]:
    """A well-formed answer, right or wrong: the first options, as many as the question asks for."""
    return list(range(card_or_question.select))


async def mock(quiz: QuizService, name: str = "ada", size: int = 20) -> tuple[int, QuestionCard]:
    lid = await quiz.learner("telegram", name)
    card = (await quiz.mock(lid, size)).card
    assert card is not None
    return lid, card


async def test_an_answer_on_the_page_is_the_chats_answer(quiz, web, memory_store):
    lid, card = await mock(quiz)
    page = await web.page(lid)
    assert page.status is Status.RUNNING and page.question is not None
    assert (page.question.session_id, page.question.position, page.question.total) == (card.session_id, 0, 20)
    assert [o.text for o in page.question.options] == card.choices  # the chat's shuffled order, the same letters
    assert page.seconds_left == 40 * 60 and page.title == "MLA-C02 mock exam · 20 questions"
    assert [c.state for c in page.navigator] == [CellState.UNANSWERED] * 20
    assert [c.current for c in page.navigator][:2] == [True, False]

    after = await web.answer(lid, card.session_id, 0, valid(page.question))
    assert after.status is Status.RUNNING and after.question is not None and after.question.position == 1
    assert after.notices == [LABELS["recorded"]]
    assert after.navigator[0].state is CellState.ANSWERED and after.navigator[0].label == "Question 1, answered"
    assert after.navigator[1].current and after.navigator[1].label == "Question 2, not answered, current"

    chat = await quiz.current(lid)  # what the chat shows next: the page's answer moved it on
    assert chat.card is not None and chat.card.position == 1
    late_tap = await quiz.answer(lid, card.session_id, 0, valid(card))  # the chat's button for question 1
    assert late_tap.refused and late_tap.text == STALE
    assert [a.position for a in memory_store.answers] == [0]


async def test_an_answer_in_the_chat_shows_on_the_page(quiz, web, memory_store):
    lid, card = await mock(quiz)
    await quiz.answer(lid, card.session_id, 0, valid(card))
    page = await web.page(lid)
    assert page.question is not None and page.question.position == 1
    assert page.navigator[0].state is CellState.ANSWERED
    stale = await web.answer(lid, card.session_id, 0, valid(card))  # the page still showed question 1
    assert stale.notices == [STALE] and stale.question is not None and stale.question.position == 1
    assert [a.position for a in memory_store.answers] == [0]


async def test_a_malformed_answer_is_refused_with_the_chats_hint_and_changes_nothing(quiz, web, memory_store):
    lid, card = await mock(quiz)
    refused = await web.answer(lid, card.session_id, 0, [0, 1, 2, 3, 4, 5])
    assert refused.notices == [card.hint] and refused.question is not None and refused.question.position == 0
    foreign = await web.answer(lid, card.session_id + 1, 0, valid(card))
    assert foreign.notices == [STALE] and memory_store.answers == []


async def test_the_clock_runs_from_the_deadline_and_the_page_shows_the_report_when_time_is_up(quiz, web, clock):
    lid, card = await mock(quiz)
    clock.advance(minutes=12, seconds=30)
    assert (await web.page(lid)).seconds_left == 27 * 60 + 30
    clock.advance(minutes=28)
    ended = await web.page(lid)
    assert ended.status is Status.FINISHED and ended.question is None and ended.seconds_left is None
    assert ended.report[0] == "⏰ Time is up for your MLA-C02 mock."
    assert any(p.startswith("MLA-C02 mock exam report: 0/20 (0%) correct, 20 unanswered") for p in ended.report)
    assert (await quiz.current(lid)).text.startswith("No session is running")  # the chat agrees
    again = await web.page(lid)
    assert again.report[0] == "Your latest MLA-C02 mock exam:"
    assert again.report[1:] == ended.report[1:]  # the same report, pass estimate and all, as at its end
    assert any(p.startswith("Pass estimate") for p in again.report), again.report


async def test_the_last_answer_on_the_page_shows_the_review_screen_and_submit_the_report(quiz, web):
    lid, card = await mock(quiz, size=5)
    page = await web.page(lid)
    for _ in range(5):
        assert page.question is not None
        page = await web.answer(lid, page.question.session_id, page.question.position, valid(page.question))
    assert page.status is Status.REVIEW and page.review is not None and page.review.unanswered == []
    page = await web.submit(lid, card.session_id, confirmed=True)
    assert page.status is Status.FINISHED and page.report[1].startswith("MLA-C02 mock exam report:")
    assert page.attempt == 1
    assert [c.state for c in page.navigator] == [CellState.ANSWERED] * 5 and not any(c.current for c in page.navigator)
    assert (await quiz.current(lid)).text.startswith("No session is running")


async def test_a_drill_stays_in_the_chat_and_a_new_learner_is_told_how_to_start(quiz, web):
    lid = await quiz.learner("telegram", "bo")
    assert (await web.page(lid)).status is Status.NONE
    drill = await quiz.drill(lid, "1")
    page = await web.page(lid)
    assert page.status is Status.CHAT and page.notices == [view.IN_CHAT_ONLY.format(mode="drill")]
    assert drill.card is not None and drill.card.web is None  # and the drill's card offers no web view


def signed(user_id: int, when) -> str:
    fields = {"user": json.dumps({"id": user_id}), "auth_date": str(int(when.timestamp()))}
    return urlencode({**fields, "hash": init_data_hash(fields, TOKEN)})


async def test_telegram_init_data_opens_the_page_of_the_learner_who_chats(quiz, web, clock):
    lid = await quiz.learner("telegram", "4242")
    assert await web.learner("tma", signed(4242, clock())) == lid
    forged = await web.learner("tma", signed(4242, clock()).replace("4242", "4243"))
    assert isinstance(forged, view.Page) and forged.status is Status.REFUSED
    assert forged.notices == [view.SIGN_IN["forged"]]
    old = await web.learner("tma", signed(4242, clock() - timedelta(days=2)))
    assert isinstance(old, view.Page) and old.notices == [view.SIGN_IN["telegram_expired"]]
    without_telegram = WebView(quiz, web.key, telegram_token=None)
    refused = await without_telegram.learner("tma", signed(4242, clock()))
    assert isinstance(refused, view.Page) and refused.status is Status.REFUSED


async def test_a_cards_link_opens_that_learners_page_until_it_expires(quiz, web, clock, secrets):
    lid, card = await mock(quiz)
    assert card.web is not None and card.web.app_url == BASE and card.web.url.startswith(BASE + "#t=")
    token = card.web.url.split("#t=")[1]
    assert await web.learner("link", token) == lid
    assert link_learner(secrets.values[SECRET_NAME].encode(), token, clock()) == lid  # the stored key signs it
    clock.advance(seconds=LINK_LIFETIME.total_seconds())
    expired = await web.learner("link", token)
    assert isinstance(expired, view.Page) and expired.notices == [view.SIGN_IN["expired"]]
    other_key = sign_link(b"not this server's secret at all!", lid, clock() + LINK_LIFETIME)
    forged = await web.learner("link", other_key)
    assert isinstance(forged, view.Page) and forged.notices == [view.SIGN_IN["forged"]]
    missing = await web.learner("", "")
    assert isinstance(missing, view.Page) and missing.notices == [view.SIGN_IN["missing"]]


async def test_a_configured_secret_signs_the_links_and_nothing_is_stored(exams, memory_store, clock, secrets):
    key = LinkKey(secrets, configured="an operator's secret, long enough")
    quiz = QuizService(exams, memory_store, clock=clock, web=WebLinks(BASE.rstrip("/"), key, clock))
    lid, card = await mock(quiz)
    assert card.web is not None and card.web.url.startswith(BASE + "#t=")
    assert link_learner(b"an operator's secret, long enough", card.web.url.split("#t=")[1], clock()) == lid
    assert secrets.values == {}


async def test_without_a_web_view_cards_have_no_button(exams, memory_store, clock):
    quiz = QuizService(exams, memory_store, clock=clock)
    _, card = await mock(quiz)
    assert card.web is None


def test_ordering_and_matching_are_answered_in_the_chat():
    card = QuestionCard(session_id=1, position=2, total=5, progress="Q 3/5", kind=QuestionType.ORDERING,
                        stem="Put the steps in order.", choices=["One", "Two", "Three"])
    shown = view.question_view(card)
    assert not shown.answerable and shown.instruction == view.IN_THE_CHAT and shown.number == 3
    multi = view.question_view(QuestionCard(1, 0, 5, "Q 1/5", QuestionType.MULTI, "Pick two.", ["a", "b", "c"],
                                            select=2))
    assert multi.answerable and multi.instruction == "Choose 2 answers."


async def test_a_link_of_a_learner_erased_since_shows_nothing_and_records_nothing(quiz, web, memory_store):
    lid, card = await mock(quiz)
    assert card.web is not None
    await quiz.forget(lid)
    learner = await web.learner("link", card.web.url.split("#t=")[1])  # still signed, for an id now empty
    assert learner == lid
    assert (await web.page(lid)).status is Status.NONE
    refused = await web.answer(lid, card.session_id, 0, valid(card))
    assert refused.notices[0] == STALE and memory_store.answers == [] and memory_store.sessions == {}
