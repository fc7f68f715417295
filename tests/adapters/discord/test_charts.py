"""Charts in Discord: the PNG attached to the message and shown in its embed (attachment://name), with
the text and buttons on the same message; the chart's words go in the attachment's alt text."""

from __future__ import annotations

import io

import discord
import pytest

from adapters.charts.renderer import MatplotlibCharts
from adapters.discord.render import Chunk
from core.exam.exams import Exams
from core.quiz.service import QuizService
from core.reply import Image
from core.review.service import ReviewService
from tests.adapters.discord.fakes import answer, command, key
from tests.charts import png_size
from tests.fakes import InMemoryReviewStore


@pytest.fixture
def service(bank, memory_store, plan_store, clock, rng):
    reviews = ReviewService(Exams.of(bank), InMemoryReviewStore(), plan_store, memory_store, clock=clock)
    quiz = QuizService(Exams.of(bank), memory_store, clock=clock, rng=rng, reviews=reviews, charts=MatplotlibCharts())
    yield quiz
    quiz.charts.executor.shutdown()


def _attached(sent) -> tuple[str, bytes, str]:
    file = sent.kwargs["file"]
    assert isinstance(file, discord.File)
    data = file.fp.read()
    return file.filename, data, file.description


async def test_stats_attaches_the_chart_and_shows_it_in_the_embed(bot, memory_store, bank):
    assert all("file" not in s.kwargs for s in (await command(bot, "stats")).messages())  # no answers: no chart
    card = (await command(bot, "quiz")).card()
    await answer(bot, card, key(memory_store, bank, card))
    stats = await command(bot, "stats")
    [sent] = [s for s in stats.messages() if "file" in s.kwargs]
    name, data, alt = _attached(sent)
    assert name == "mla-c01-progress.png" and png_size(data) == (800, 900)
    assert sent.embed.image.url == "attachment://mla-c01-progress.png"
    assert alt.startswith("Chart: MLA-C01 progress.")
    assert sent.content.startswith("MLA-C01 · Answered 1") and "Diagnostic" in sent.buttons()


async def test_a_mock_report_carries_its_chart(bot, memory_store, bank):
    started = await command(bot, "mock", size=5)
    card = started.card()
    for _ in range(5):
        shown = await answer(bot, card, key(memory_store, bank, card))
        card = next((s for s in shown.messages() if s.embed is not None and s.view is not None
                     and "file" not in s.kwargs), None)
    assert not any("file" in s.kwargs for s in shown.messages())  # the review screen; the report waits for submit
    shown = await command(bot, "submit", confirm="yes")
    report = [s for s in shown.messages() if "file" in s.kwargs]
    assert len(report) == 1 and "mock exam report" in shown.text()
    name, data, _ = _attached(report[0])
    assert name.startswith("mla-c01-mock-") and png_size(data) == (800, 900)
    assert report[0].embed.image.url == f"attachment://{name}"


def test_a_file_is_made_afresh_for_each_send():
    """discord.py reads a File to its end as it sends it: a retried or second send needs a new one."""
    chunk = Chunk(content="x", image=Image("a.png", b"\x89PNG-data", "alt"))
    first, second = chunk.parts()["file"], chunk.parts()["file"]
    assert first is not second and first.fp.read() == second.fp.read() == b"\x89PNG-data"
    assert isinstance(first.fp, io.BytesIO)
