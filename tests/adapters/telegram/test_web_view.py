"""Telegram: the web view's Mini App button under diagnostic and mock questions in a private chat only (the
stand-in refuses a web_app button in a group, or one that is not HTTPS, as Telegram does)."""

from __future__ import annotations

import random

import pytest

from core.commands import WEB_VIEW_BUTTON
from core.quiz.service import QuizService
from core.webview.links import LinkKey, WebLinks
from tests.adapters.telegram.conftest import Chat, World, build
from tests.fakes import InMemorySecretStore

BASE = "https://bot.example.org/exam/"


@pytest.fixture
async def web_world(standin, exams, memory_store, clock):
    links = WebLinks(BASE, LinkKey(InMemorySecretStore()), clock)
    service = QuizService(exams, memory_store, clock=clock, rng=random.Random(3), web=links)
    app = build(standin, service, clock)
    await app.initialize()
    yield World(standin, app, service)
    await app.shutdown()


def web_buttons(world: World, chat_id: int) -> list[list[dict]]:
    """The web_app buttons of each message sent to the chat that has buttons, newest last."""
    return [[b for row in m["reply_markup"]["inline_keyboard"] for b in row if "web_app" in b]
            for (chat, _), m in world.standin.messages.items() if chat == chat_id and m.get("reply_markup")]


async def test_every_mock_question_in_a_private_chat_opens_the_web_view(web_world):
    ada = Chat(web_world, 801)
    await ada.say("/mock")
    assert web_buttons(web_world, 801)[-1] == [{"text": WEB_VIEW_BUTTON, "web_app": {"url": BASE}}]
    for label in (["☐ A", "☐ B", "Submit (2/2 selected)"] if "Select 2" in web_world.last_card(801) else ["A"]):
        await ada.press(label)  # the first question answered (a multiple-answer one redraws with the button)
        assert web_buttons(web_world, 801)[-1] == [{"text": WEB_VIEW_BUTTON, "web_app": {"url": BASE}}]
    assert web_world.last_card(801).startswith("Q 2/20")  # the next question, with its button
    await ada.say("/question")
    assert web_world.last_card(801).startswith("Q 2/20")
    assert web_buttons(web_world, 801)[-1] == [{"text": WEB_VIEW_BUTTON, "web_app": {"url": BASE}}]


async def test_a_drill_and_a_group_get_no_web_view_button(web_world):
    bo = Chat(web_world, 802)
    await bo.say("/drill 1")
    assert web_buttons(web_world, 802) and not any(web_buttons(web_world, 802))
    group = Chat(web_world, 803, chat_id=-100803)
    await group.say("/mock")  # a web_app button here would be refused by Telegram, and the question lost
    assert web_world.last_card(-100803).startswith("Q 1/20")
    assert not any(web_buttons(web_world, -100803))


async def test_without_a_web_view_there_is_no_button(world):
    cy = Chat(world, 804)
    await cy.say("/mock")
    assert web_buttons(world, 804) and not any(web_buttons(world, 804))
