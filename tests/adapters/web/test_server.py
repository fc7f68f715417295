"""The web view's HTTP server without a browser: its files, its headers, its sign-in and its answers."""

from __future__ import annotations

import random
import re
from importlib import resources

import aiohttp
import pytest

from adapters.web.server import WebServer
from core.quiz.service import STALE, QuizService
from core.reply import FAILED
from core.webview.links import LinkKey, WebLinks
from core.webview.service import WebView
from core.webview.view import LABELS, MALFORMED, SIGN_IN
from tests.fakes import InMemorySecretStore

BASE = "https://bot.example.org/exam/"


@pytest.fixture
async def served(exams, memory_store, clock):
    secrets = InMemorySecretStore()
    quiz = QuizService(exams, memory_store, clock=clock, rng=random.Random(5),
                       web=WebLinks(BASE, LinkKey(secrets), clock))
    server = WebServer(WebView(quiz, LinkKey(secrets)), port=0)
    await server.start()
    try:
        yield quiz, server
    finally:
        await server.stop()


async def call(server: WebServer, path: str, auth: str = "", body: object = None, raw: bytes | None = None):
    """(status, headers, JSON or text) of one request."""
    headers = {"Authorization": auth} if auth else {}
    url = f"http://127.0.0.1:{server.port}{path}"
    async with aiohttp.ClientSession() as http:
        if body is None and raw is None:
            request = http.get(url, headers=headers)
        else:
            request = http.post(url, headers=headers, json=body) if raw is None else http.post(url, headers=headers,
                                                                                              data=raw)
        async with request as response:
            kind = response.headers.get("Content-Type", "")
            data = await response.json() if kind.startswith("application/json") else await response.text()
            return response.status, response.headers, data


async def started_mock(quiz: QuizService) -> tuple[int, str, object]:
    lid = await quiz.learner("discord", "ann")
    card = (await quiz.mock(lid)).card
    assert card is not None and card.web is not None
    return lid, "Link " + card.web.url.split("#t=")[1], card


def test_the_page_uses_nothing_from_elsewhere():
    static = resources.files("adapters.web") / "static"
    for name in ("index.html", "app.css", "app.js"):
        assert not re.search(r"(https?:)?//[a-z]", (static / name).read_text()), name  # no CDN, no font, no script


async def test_the_page_and_its_files_are_served_with_a_strict_policy(served):
    _, server = served
    status, headers, html = await call(server, "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert 'src="static/app.js"' in html and 'href="static/app.css"' in html
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert headers["Referrer-Policy"] == "no-referrer" and headers["X-Content-Type-Options"] == "nosniff"
    status, headers, _ = await call(server, "/static/app.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    for missing in ("/static/server.py", "/static/..%2Fserver.py", "/static/index.html.bak"):
        status, headers, _ = await call(server, missing)
        assert status == 404 and "Content-Security-Policy" in headers


async def test_without_a_valid_sign_in_the_api_refuses_and_changes_nothing(served, memory_store):
    quiz, server = served
    _, auth, card = await started_mock(quiz)
    status, _, page = await call(server, "/api/page")
    assert status == 403 and page["status"] == "refused" and page["notices"] == [SIGN_IN["missing"]]
    assert page["question"] is None and page["navigator"] == []
    forged = auth[:-2] + ("AA" if not auth.endswith("AA") else "BB")
    body = {"session_id": card.session_id, "position": 0, "response": [0]}
    status, _, page = await call(server, "/api/answer", forged, body)
    assert status == 403 and page["notices"] == [SIGN_IN["forged"]]
    status, _, page = await call(server, "/api/answer", "tma query_id=1&hash=00", body)  # no Telegram here
    assert status == 403 and memory_store.answers == []


async def test_a_signed_link_shows_the_question_and_answers_it_for_the_chat_too(served, memory_store):
    quiz, server = served
    lid, auth, card = await started_mock(quiz)
    status, headers, page = await call(server, "/api/page", auth)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert page["status"] == "running" and page["question"]["stem"] == card.stem
    assert page["seconds_left"] == 2400 and page["labels"]["submit"] == LABELS["submit"]
    answer = list(range(card.select))
    status, _, page = await call(server, "/api/answer", auth, {"session_id": card.session_id, "position": 0,
                                                               "response": answer})
    assert status == 200 and page["question"]["position"] == 1 and page["navigator"][0]["state"] == "answered"
    assert (await quiz.current(lid)).card.position == 1  # the chat shows the next question
    status, _, page = await call(server, "/api/answer", auth, {"session_id": card.session_id, "position": 0,
                                                               "response": answer})
    assert status == 200 and page["notices"] == [STALE] and len(memory_store.answers) == 1


@pytest.mark.parametrize("body", [
    {"session_id": 1, "position": 0, "response": [True]},  # a JSON true is no option number
    {"session_id": "1", "position": 0, "response": [0]},
    {"session_id": 1, "position": -1, "response": [0]},
    {"session_id": 1, "position": 0, "response": "A"},
    {"session_id": 1, "position": 0, "response": list(range(9))},
    [1, 0, [0]],
])
async def test_a_malformed_answer_is_refused_and_the_page_stays(served, memory_store, body):
    quiz, server = served
    _, auth, card = await started_mock(quiz)
    if isinstance(body, dict) and body.get("session_id") == 1:
        body = {**body, "session_id": card.session_id}
    status, _, page = await call(server, "/api/answer", auth, body)
    assert status == 400 and page["notices"] == [MALFORMED] and page["question"]["position"] == 0
    assert memory_store.answers == []


async def test_a_body_that_is_not_json_or_too_big_changes_nothing(served, memory_store):
    quiz, server = served
    _, auth, _ = await started_mock(quiz)
    status, _, page = await call(server, "/api/answer", auth, raw=b"session_id=1")
    assert status == 400 and page["notices"] == [MALFORMED]
    status, headers, _ = await call(server, "/api/answer", auth, raw=b"{" + b" " * 10_000 + b"}")
    assert status == 413 and "Content-Security-Policy" in headers and memory_store.answers == []


async def test_an_unexpected_error_is_answered_with_the_cores_words_and_the_server_goes_on(served, monkeypatch,
                                                                                           caplog):
    quiz, server = served
    _, auth, _ = await started_mock(quiz)
    real = server.webview.page

    async def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(server.webview, "page", broken)
    status, _, page = await call(server, "/api/page", auth)
    assert status == 500 and page["status"] == "error" and page["notices"] == [FAILED]
    assert [r.message for r in caplog.records if r.levelname == "ERROR"] == ["web view request failed: GET /api/page"]
    monkeypatch.setattr(server.webview, "page", real)
    status, _, page = await call(server, "/api/page", auth)
    assert status == 200 and page["status"] == "running"
