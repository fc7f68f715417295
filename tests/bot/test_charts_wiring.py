"""The composition root draws charts with matplotlib, and the console saves them in data/charts/, beside
its log and the SQLite file."""

from __future__ import annotations

from pathlib import Path

from adapters.charts.renderer import MatplotlibCharts
from adapters.console.chat import ConsoleChat
from bot.bootstrap import bootstrap, chat_adapters
from bot.config import Settings
from tests.charts import RecordingCharts
from tests.fakes import InMemoryPlanStore, InMemoryReviewStore, InMemoryRoundStore, InMemoryStore


def _services(bank, settings: Settings, **ports):
    return bootstrap(settings, exams=bank, store=InMemoryStore(), plan_store=InMemoryPlanStore(),
                     round_store=InMemoryRoundStore(), review_store=InMemoryReviewStore(), **ports)


def test_charts_are_drawn_by_matplotlib_unless_a_renderer_is_given(bank):
    default = _services(bank, Settings())
    assert isinstance(default.quiz.charts, MatplotlibCharts)
    default.quiz.charts.executor.shutdown()
    given = RecordingCharts()
    assert _services(bank, Settings(), charts=given).quiz.charts is given


def test_the_console_saves_charts_beside_its_database(bank, tmp_path):
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/study/mla.db")
    [console] = chat_adapters(settings, _services(bank, settings, charts=RecordingCharts()))
    assert isinstance(console, ConsoleChat) and console.charts == tmp_path / "study" / "charts"
    default = Settings()
    [console] = chat_adapters(default, _services(bank, default, charts=RecordingCharts()))
    assert console.charts == Path("data") / "charts"
