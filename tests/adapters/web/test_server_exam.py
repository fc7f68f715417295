"""The web view's exam-day endpoints without a browser: each checks who calls, refuses a malformed body with
the core's words and changes nothing, and answers with the page that follows."""

from __future__ import annotations

import pytest

from core.webview.view import MALFORMED, SIGN_IN
from tests.adapters.web.test_server import call, served, started_mock  # noqa: F401 (the fixture)


@pytest.mark.parametrize("path, body", [
    ("/api/goto", {"session_id": 1, "position": "2"}), ("/api/goto", {"position": 2}),
    ("/api/flag", [1, 2]), ("/api/submit", {"session_id": 1, "confirm": "yes"}),
    ("/api/recap", {"attempt": -1, "number": 0}),
])
async def test_a_malformed_move_is_refused_and_changes_nothing(served, path, body):  # noqa: F811
    quiz, server = served
    lid, auth, card = await started_mock(quiz)
    status, _, page = await call(server, path, auth, body)
    assert status == 400 and page["notices"] == [MALFORMED] and page["question"]["position"] == 0
    session = await quiz.store.active_session(lid)
    assert session.position == 0 and session.flags == [] and not session.finished


@pytest.mark.parametrize("path", ["/api/goto", "/api/flag", "/api/review", "/api/submit", "/api/recap"])
async def test_every_move_needs_a_sign_in(served, path):  # noqa: F811
    quiz, server = served
    await started_mock(quiz)
    status, headers, page = await call(server, path, "Link forged", {"session_id": 1, "position": 1})
    assert status == 403 and page["notices"] == [SIGN_IN["forged"]] and "Content-Security-Policy" in headers


async def test_goto_flag_review_submit_and_recap_over_http(served):  # noqa: F811
    quiz, server = served
    lid, auth, card = await started_mock(quiz)
    sid = card.session_id
    _, _, page = await call(server, "/api/goto", auth, {"session_id": sid, "position": 4})
    assert page["status"] == "running" and page["question"]["position"] == 4 and page["session_id"] == sid
    _, _, page = await call(server, "/api/flag", auth, {"session_id": sid, "position": 4})
    assert page["question"]["flagged"] and page["navigator"][4]["flagged"]
    _, _, page = await call(server, "/api/review", auth, {})
    assert page["status"] == "review" and page["review"]["flagged"] == [5] and page["review"]["confirm"] is None
    _, _, page = await call(server, "/api/submit", auth, {"session_id": sid, "confirm": False})
    assert page["review"]["confirm"].startswith("Submit your MLA-C02 mock exam now? 20 questions are unanswered")
    _, _, page = await call(server, "/api/submit", auth, {"session_id": sid, "confirm": True})
    assert page["status"] == "finished" and page["attempt"] == 1
    _, _, page = await call(server, "/api/recap", auth, {"attempt": 1, "number": 5})
    assert page["status"] == "recap" and page["recap"]["paragraphs"][0].startswith(
        "Attempt 1 · MLA-C02 mock exam · question 5 of 20") and "⚑ flagged" in page["recap"]["paragraphs"][0]
