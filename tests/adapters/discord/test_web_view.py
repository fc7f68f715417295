"""Discord: a link button to the web view under diagnostic and mock questions, signed for the learner who
asked (their question messages are theirs alone: ephemeral in a server, a DM otherwise)."""

from __future__ import annotations

import discord
import pytest

from adapters.discord import DiscordBot, render, views
from core.commands import WEB_VIEW_BUTTON
from core.dispatch import Dispatcher
from core.exam.model import QuestionType
from core.plan.service import PlanService
from core.quiz.service import QuizService
from core.reply import WebLink
from core.webview.auth import link_learner
from core.webview.links import SECRET_NAME, LinkKey, WebLinks
from tests.adapters.discord.fakes import ANN, command
from tests.adapters.discord.test_render import SHAPES, card
from tests.fakes import InMemorySecretStore

BASE = "https://bot.example.org/exam/"
LINK = WebLink(WEB_VIEW_BUTTON, BASE, BASE + "#t=1.2.x")


def links(view: discord.ui.View) -> list[discord.ui.Button]:
    return [item for item in view.children if isinstance(item, discord.ui.Button) and item.url]


@pytest.mark.parametrize("kind", list(SHAPES))
def test_the_link_joins_the_answer_components_within_discords_limits(kind):
    plain, linked = card(kind, SHAPES[kind]), card(kind, SHAPES[kind], web=LINK)
    without, rows = render.card_rows(plain), render.card_rows(linked)
    assert len(rows) <= render.ROWS_LIMIT and all(len(row) <= render.ROW_WIDTH for row in rows)
    assert [item for row in rows for item in row if not isinstance(item, render.Link)] == \
        [item for row in without for item in row]  # the answer components are untouched
    built = views.build(rows)
    assert [(b.label, b.url, b.style) for b in links(built)] == [(WEB_VIEW_BUTTON, LINK.url, discord.ButtonStyle.link)]
    assert not links(views.build(without))


@pytest.fixture
def secrets() -> InMemorySecretStore:
    return InMemorySecretStore()


@pytest.fixture
def web_bot(exams, memory_store, plan_store, round_service, clock, secrets) -> DiscordBot:
    service = QuizService(exams, memory_store, clock=clock, web=WebLinks(BASE, LinkKey(secrets), clock))
    return DiscordBot(Dispatcher(service, PlanService(service, plan_store, clock=clock), round_service))


async def test_a_mock_question_links_to_the_askers_own_web_view(web_bot, secrets, clock):
    mock = await command(web_bot, "mock", size=10)
    shown = mock.card()
    assert shown.ephemeral  # in a server the question, and so its link, is for the asker only
    [link] = links(shown.view)
    assert link.label == WEB_VIEW_BUTTON and link.url.startswith(BASE + "#t=")
    learner = await web_bot.service.learner("discord", str(ANN))
    assert link_learner(secrets.values[SECRET_NAME].encode(), link.url.split("#t=")[1], clock()) == learner
    await command(web_bot, "stop")
    drill = await command(web_bot, "drill", scope="1")
    assert not links(drill.card().view)


def test_a_multiple_answer_card_puts_the_link_on_a_row_of_its_own():
    rows = render.card_rows(card(QuestionType.MULTI, 6, web=LINK))
    assert isinstance(rows[0][0], render.Menu) and rows[-1] == (render.Link(WEB_VIEW_BUTTON, LINK.url),)
