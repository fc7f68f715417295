"""Charts in the console: a terminal shows no pictures, so the chart is saved as a PNG file under the data
folder and the reply says where."""

from __future__ import annotations

import io
import re
from pathlib import Path

from adapters.charts.renderer import MatplotlibCharts
from adapters.console.chat import ConsoleChat
from core.dispatch import Dispatcher
from core.plan.service import PlanService
from core.quiz.service import QuizService
from tests.answers import as_text, right_response
from tests.charts import RecordingCharts, png_size
from tests.fakes import InMemoryPlanStore

SAVED = re.compile(r"Chart saved: (\S+\.png) \(open it with any image viewer\)\.")


def _chat(bank, store, clock, rng, charts, folder: Path | None) -> tuple[ConsoleChat, io.StringIO]:
    quiz = QuizService(bank, store, clock=clock, rng=rng, charts=charts)
    out = io.StringIO()
    return ConsoleChat(Dispatcher(quiz, PlanService(quiz, InMemoryPlanStore(), clock=clock)), io.StringIO(), out,
                       charts=folder), out


async def _answer_quick(chat: ConsoleChat, bank, store) -> None:
    card = (await chat.handle("/quiz")).card
    session = store.sessions[card.session_id]
    q = bank[session.question_ids[0]]
    chat.say(await chat.handle(as_text(q.type, right_response(q, session.orders[0]))))


async def test_stats_saves_the_chart_and_prints_the_path_of_a_png(bank, memory_store, clock, rng, tmp_path):
    charts = MatplotlibCharts()
    chat, out = _chat(bank, memory_store, clock, rng, charts, tmp_path / "data" / "charts")
    await chat.start()
    chat.say(await chat.handle("/stats"))
    assert "No MLA-C01 answers yet" in out.getvalue() and not SAVED.search(out.getvalue())  # no chart yet
    await _answer_quick(chat, bank, memory_store)
    chat.say(await chat.handle("/stats"))
    [path] = SAVED.findall(out.getvalue())
    assert path == str((tmp_path / "data" / "charts" / "mla-c01-progress.png").resolve())
    assert png_size(Path(path).read_bytes()) == (800, 900)
    assert out.getvalue().index("Answered 1") < out.getvalue().index("Chart saved")  # after the text it shows
    assert [p.name for p in (tmp_path / "data" / "charts").iterdir()] == ["mla-c01-progress.png"]  # no .part
    await chat.stop()
    charts.executor.shutdown()


async def test_a_chart_that_cannot_be_saved_leaves_the_text(bank, memory_store, clock, rng, tmp_path, caplog):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder would go")
    chat, out = _chat(bank, memory_store, clock, rng, RecordingCharts(), blocked / "charts")
    await chat.start()
    await _answer_quick(chat, bank, memory_store)
    chat.say(await chat.handle("/stats"))
    assert "Answered 1" in out.getvalue() and "Chart saved" not in out.getvalue()
    assert "could not save the chart" in caplog.text
    await chat.stop()


async def test_without_a_folder_nothing_is_saved(bank, memory_store, clock, rng):
    chat, out = _chat(bank, memory_store, clock, rng, RecordingCharts(), None)
    await chat.start()
    await _answer_quick(chat, bank, memory_store)
    chat.say(await chat.handle("/stats"))
    assert "Answered 1" in out.getvalue() and "Chart saved" not in out.getvalue()
    await chat.stop()
