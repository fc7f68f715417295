"""The matplotlib renderer: a real PNG of sensible size for a learner with data and for panels with none,
drawn in the injected executor (off the event loop), without pyplot."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from adapters.charts import renderer
from adapters.charts.renderer import MatplotlibCharts
from core.charts import build
from core.charts.model import Series
from core.quiz.engine import Answer, Mode, Session
from tests.charts import png_size

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


class RecordingExecutor(ThreadPoolExecutor):
    """A one-thread pool that remembers what it was given to run."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.submitted: list[tuple[object, tuple]] = []

    def submit(self, fn, /, *args, **kwargs):
        self.submitted.append((fn, args))
        return super().submit(fn, *args, **kwargs)


@pytest.fixture
def executor():
    pool = RecordingExecutor()
    yield pool
    pool.shutdown()


def _studied(bank) -> tuple[list[Answer], list[Session]]:
    """Four weeks of answers in every domain, better each week, and a finished mock each week."""
    history, forms = [], []
    ids = sorted(bank.questions)
    for week in range(4):
        day = START + timedelta(days=7 * week)
        for n, qid in enumerate(ids):
            history.append(Answer(week, n, 1, qid, [0], (n + week) % 4 != 0, day + timedelta(minutes=n), Mode.DRILL))
        mock = Session(1, Mode.MOCK, ids[:20], [[0]] * 20, day, finished_at=day + timedelta(hours=1),
                       exam=bank.code, id=100 + week)
        mock.answers = [Answer(100 + week, p, 1, q, [0], p < 10 + 3 * week, day, Mode.MOCK)
                        for p, q in enumerate(ids[:20])]
        forms.append(mock)
    return history, forms


def _trend(forms) -> Series:
    """A pass-estimate line beside the forms' dots: a point a week, rising."""
    return build.estimate_series((s.finished_at, 600.0 + 30 * n) for n, s in enumerate(forms))


def _sensible(data: bytes) -> None:
    width, height = png_size(data)
    assert (width, height) == (800, 900)
    assert 5_000 < len(data) < 500_000


async def test_a_learners_progress_is_a_png_of_sensible_size(bank, executor):
    history, forms = _studied(bank)
    chart = build.progress_chart(bank, history, forms, _trend(forms))
    assert chart is not None and len(chart.domains) == 4 and len(chart.scores.points) == 4
    data = await MatplotlibCharts(executor).render(chart)
    _sensible(data)
    report = build.report_chart(bank, forms[-1], history, forms, _trend(forms))
    _sensible(await MatplotlibCharts(executor).render(report))


async def test_a_learner_with_answers_but_no_form_gets_panels_that_say_so(bank, executor):
    """The least a drawn chart has: one answer, no diagnostic or mock (a brand-new learner gets no chart at
    all, see tests/core/test_charts.py); each empty panel is drawn with its note, still a whole PNG."""
    qid = sorted(bank.questions)[0]
    chart = build.progress_chart(bank, [Answer(1, 0, 1, qid, [1], False, START, Mode.QUICK)], [],
                                 build.estimate_series(()))
    assert chart is not None and chart.scores.points == () and chart.estimate.points == ()
    _sensible(await MatplotlibCharts(executor).render(chart))


async def test_drawing_goes_through_the_injected_executor(bank, executor):
    history, forms = _studied(bank)
    chart = build.progress_chart(bank, history, forms, _trend(forms))
    charts = MatplotlibCharts(executor)
    await charts.render(chart)
    await charts.render(chart)
    assert executor.submitted == [(renderer.draw, (chart,)), (renderer.draw, (chart,))]


def test_without_an_executor_it_gets_one_thread_of_its_own():
    executor = MatplotlibCharts().executor
    assert isinstance(executor, ThreadPoolExecutor) and executor._max_workers == 1
    executor.shutdown()


def test_drawing_never_imports_pyplot_and_the_bot_starts_without_matplotlib():
    """pyplot keeps a global current figure (unsafe across threads); the composition root imports the
    renderer, and matplotlib itself waits for the first chart. Checked in a fresh interpreter."""
    script = (
        "import sys\n"
        "import bot.bootstrap\n"
        "assert 'matplotlib' not in sys.modules, 'imported at start'\n"
        "from adapters.charts import figure\n"
        "from core.charts.model import Panel, ProgressChart, Series\n"
        "p = Panel('t', 'u', 'none')\n"
        "none = Series('s', ())\n"
        "figure.draw(ProgressChart('t', (), p, none, none, p, (100, 1000), 720, 'pass', (), p, 'alt'))\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
