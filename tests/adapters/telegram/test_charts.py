"""Charts in Telegram: /stats comes as a photo with its text as the caption; a report too long for a
caption comes as the photo, captioned with what it shows, then the report's messages."""

from __future__ import annotations

import random
import re

import pytest

from adapters.charts.renderer import MatplotlibCharts
from adapters.telegram.app import TelegramAdapter
from core.exam.exams import Exams
from core.quiz.service import QuizService
from core.reply import Image, Reply
from tests.adapters.telegram.conftest import Chat, World, build
from tests.adapters.telegram.test_flows import answer_right
from tests.charts import png_size


@pytest.fixture
async def charted(standin, bank, memory_store, clock):
    """The Telegram world with charts drawn by the real renderer."""
    service = QuizService(Exams.of(bank), memory_store, clock=clock, rng=random.Random(11), charts=MatplotlibCharts())
    app = build(standin, service, clock)
    await app.initialize()
    yield World(standin, app, service)
    await app.shutdown()
    service.charts.executor.shutdown()


async def test_stats_is_a_photo_with_the_text_as_its_caption_and_the_buttons_under_it(charted):
    ann = Chat(charted, 601)
    await ann.say("/stats")
    assert charted.standin.photos == []  # nothing answered yet: the text alone
    assert "No MLA-C01 answers yet" in charted.texts(601)[-1]
    await ann.say("/quiz")
    await answer_right(charted, ann)
    sent = len(charted.standin.calls_to("sendMessage"))
    await ann.say("/stats")
    [(chat, name, data, caption)] = charted.standin.photos
    assert chat == 601 and name == "mla-c01-progress.png"
    assert png_size(data) == (800, 900)
    assert caption.startswith("MLA-C01 · Answered 1 · accuracy 100%") and "Readiness: not yet" in caption
    assert len(charted.standin.calls_to("sendMessage")) == sent  # the caption carried the whole text
    [photo] = charted.standin.calls_to("sendPhoto")
    labels = [b["text"] for row in photo["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["Diagnostic", "Review misses"]


async def test_a_text_longer_than_a_caption_follows_its_photo(charted):
    adapter = TelegramAdapter(charted.app)
    report = ["Line of a long report. " * 20] * 4  # about 1,900 characters: more than a caption's 1,024
    image = Image("mla-c01-mock-7.png", b"\x89PNG\r\n\x1a\n-not-drawn-", "Chart: MLA-C01 mock exam, 28 Nov 2026.")
    assert await adapter.deliver("telegram:602", Reply(report, actions=["stats"], image=image))
    calls = [name for name, params in charted.standin.calls if name.startswith("send")]
    assert calls == ["sendPhoto", "sendMessage"]
    [(_, name, data, caption)] = charted.standin.photos
    assert (name, data, caption) == (image.name, image.data, image.alt)
    [message] = charted.standin.calls_to("sendMessage")
    assert message["text"].startswith("Line of a long report.") and message["reply_markup"]  # buttons at the end


async def test_a_submitted_mock_brings_its_report_with_the_chart(charted):
    bo = Chat(charted, 603)
    await bo.say("/mock 5")
    for _ in range(5):
        await answer_right(charted, bo)
    assert charted.standin.photos == []  # the last answer opens the review screen; the report waits for submit
    await bo.say("/submit yes")
    [(chat, name, data, caption)] = charted.standin.photos
    assert chat == 603 and re.fullmatch(r"mla-c01-mock-\d+\.png", name) and png_size(data) == (800, 900)
    assert "mock exam report: 5/5 (100%) correct" in caption  # a short report fits the caption
    assert not any("mock exam report" in t for t in charted.texts(603)[:-1])  # and is not sent twice
    assert [b["text"] for row in charted.standin.calls_to("sendPhoto")[0]["reply_markup"]["inline_keyboard"]
            for b in row][:2] == [f"Drill {t}" for t in re.findall(r"here, (\S+) and (\S+), then", caption)[0]]
