"""Chart benchmark: milliseconds to draw one progress chart, against an empty figure saved the same way.
Run: .venv/bin/python bench/charts.py [--charts 40]

A heavy learner of the real MLA-C02 bank (1,200 answers over 60 days in every domain, 12 finished mocks and
diagnostics) is turned into /stats's chart and a report's chart (core/charts/build.py, timed on its own), and
each is drawn `--charts` times through MatplotlibCharts.render, the bot's path: on its executor thread, off the
event loop. The baseline, measured in the same run, is an empty Figure of the same size saved to PNG by the
same Agg canvas: the floor of any matplotlib chart on this machine, so the ratio says what the panels cost.
The first chart of a process also imports matplotlib (and, the first time on a machine, builds its font
list): printed apart, it is not in the median. Wall time depends on what else the machine runs (the load
average is printed), so the CPU time of one chart is measured too, drawn directly on the main thread
(time.thread_time). The goal (issue 16) is under 300 ms per chart: the last line judges both the median CPU
time (what the chart costs) and the median wall time through the executor (what a learner waits, which other
jobs on a shared machine stretch). Beside those, in the same rounds: the /stats chart
with a 5 ms ticker on the event loop, which measures how late the loop runs (its lag: the drawing thread holds
the GIL for stretches, and a busy loop slows the drawing in turn), the same two with a process pool as the
executor, and the ticker alone (the lag's baseline). Each round draws each variant once, in turn, so a change
in the machine's load (other jobs) hits them all alike.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import multiprocessing
import os
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.charts.renderer import MatplotlibCharts  # noqa: E402
from core.adaptive.practice import Practice  # noqa: E402
from core.charts import build  # noqa: E402
from core.exam.exams import load_exams  # noqa: E402
from core.ports import ChartRenderer  # noqa: E402
from core.quiz.engine import Answer, Mode, Session  # noqa: E402

GOAL_MS = 300
START = datetime(2026, 10, 1, 7, 0, tzinfo=UTC)


def learner(bank, rng: random.Random) -> tuple[list[Answer], list[Session]]:
    """60 days of study, 20 answers a day, getting better; a 65-question form every five days."""
    ids = sorted(bank.questions)
    history, forms = [], []
    for day in range(60):
        at = START + timedelta(days=day)
        skill = 0.45 + 0.4 * day / 60
        for n in range(20):
            qid = rng.choice(ids)
            history.append(Answer(day, n, 1, qid, [0], rng.random() < skill, at + timedelta(minutes=n), Mode.DRILL))
        if day % 5 == 4:
            picked = rng.sample(ids, 65)
            form = Session(1, Mode.DIAGNOSTIC if day == 4 else Mode.MOCK, picked, [[0]] * 65, at,
                           finished_at=at + timedelta(hours=2), exam=bank.code, id=1000 + day)
            form.answers = [Answer(form.id, p, 1, q, [0], rng.random() < skill, at, form.mode)
                            for p, q in enumerate(picked)]
            forms.append(form)
    return history, forms


def empty_png() -> bytes:
    """The baseline: an empty figure of the chart's size, saved to PNG the same way."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from adapters.charts import figure as charts_figure

    empty = Figure(figsize=(charts_figure.WIDTH, charts_figure.HEIGHT), dpi=charts_figure.DPI)
    FigureCanvasAgg(empty)
    out = io.BytesIO()
    empty.savefig(out, format="png", dpi=charts_figure.DPI)
    return out.getvalue()


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


class _NoTallies:
    """The trend's item difficulties from the authors' levels alone (no other learners): the same work."""

    async def tallies(self) -> dict[str, tuple[int, int]]:
        return {}


class EmptyFigure:
    """The baseline as a renderer: an empty figure saved to PNG, on the same executor as the charts."""

    def __init__(self, executor) -> None:
        self.executor = executor

    async def render(self, chart) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self.executor, empty_png)


async def interleaved(variants: dict[str, tuple[ChartRenderer | None, object, bool]], count: int
                      ) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, int]]:
    """`count` rounds, each drawing once per variant, (renderer, chart, whether a 5 ms ticker runs on the loop
    meanwhile), in turn, so that a change in the machine's load hits every variant alike. A variant without a
    renderer only lets the ticker run for 150 ms: the loop's lag with nothing drawn. Returns ms per chart, the
    ticker's lags in ms, and the PNG's size, by variant."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    lags: dict[str, list[float]] = {name: [] for name in variants}
    sizes: dict[str, int] = {}
    current: list[str] = []
    on = asyncio.Event()

    async def ticker() -> None:
        while True:
            await on.wait()
            due = time.perf_counter() + 0.005
            await asyncio.sleep(0.005)
            if current and on.is_set():  # a tick begun for an earlier variant is not this one's
                lags[current[0]].append(1000 * max(0.0, time.perf_counter() - due))

    tick = asyncio.create_task(ticker())
    for _ in range(count):
        for name, (charts, chart, ticking) in variants.items():
            current[:] = [name]
            if ticking:
                on.set()
            began = time.perf_counter()
            if charts is None:
                await asyncio.sleep(0.15)
            else:
                sizes[name] = len(await charts.render(chart))
                times[name].append(1000 * (time.perf_counter() - began))
            on.clear()
            current.clear()
    tick.cancel()
    return times, lags, sizes


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--charts", type=int, default=40)
    count = parser.parse_args().charts
    bank = load_exams(Path(__file__).resolve().parents[1] / "questions")["mla-c02"]
    history, forms = learner(bank, random.Random(16))
    charts = MatplotlibCharts()

    began = time.perf_counter()
    practice = Practice(_NoTallies(), None, lambda: history[-1].answered_at)  # type: ignore[arg-type]
    estimate = build.estimate_series(await practice.trend(bank, history))
    trend_ms = 1000 * (time.perf_counter() - began)
    began = time.perf_counter()
    stats = build.progress_chart(bank, history, forms, estimate)
    report = build.report_chart(bank, forms[-1], history, forms, estimate)
    built_ms = 1000 * (time.perf_counter() - began) / 2
    assert stats is not None
    began = time.perf_counter()
    await charts.render(stats)
    first_ms = 1000 * (time.perf_counter() - began)

    from adapters.charts import figure

    cpu = []
    for _ in range(count):
        began = time.thread_time()
        figure.draw(stats)
        cpu.append(1000 * (time.thread_time() - began))
    # the same charts in a process of their own (no GIL shared with the loop), for comparison
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    apart = MatplotlibCharts(pool)
    await apart.render(stats)  # the worker's start and matplotlib's import, not timed
    times, lags, sizes = await interleaved({
        "baseline, an empty figure saved to PNG": (EmptyFigure(charts.executor), None, False),
        "/stats chart": (charts, stats, False),
        "report chart": (charts, report, False),
        "/stats chart, the loop ticking": (charts, stats, True),
        "/stats chart, process pool": (apart, stats, False),
        "/stats chart, process pool, the loop ticking": (apart, stats, True),
        "nothing drawn, the loop ticking": (None, None, True),
    }, count)
    charts.executor.shutdown()
    pool.shutdown()

    baseline = times.pop("baseline, an empty figure saved to PNG")
    base = statistics.median(baseline)
    print(f"{len(history)} answers, {len(forms)} finished forms; {count} charts of each kind, 800x900 PNG; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"the pass estimate's trend (core, on the loop; {len(estimate.points)} days): {trend_ms:.1f} ms")
    print(f"building the chart's data (core): {built_ms:.1f} ms per chart")
    print(f"first chart of the process (imports matplotlib): {first_ms:.0f} ms")
    print(f"baseline, an empty figure saved to PNG: median {base:.1f} ms, p95 {p95(baseline):.1f} ms")
    print(f"CPU time of one /stats chart: median {statistics.median(cpu):.1f} ms, p95 {p95(cpu):.1f} ms")
    for name, drawn in times.items():
        if not drawn:
            continue
        median = statistics.median(drawn)
        print(f"{name}: median {median:.1f} ms, p95 {p95(drawn):.1f} ms per chart ({median / base:.1f}x the "
              f"baseline), {sizes[name] / 1024:.0f} KB" + (f"; event-loop lag: median "
              f"{statistics.median(lags[name]):.1f} ms, max {max(lags[name]):.1f} ms" if lags[name] else ""))
    idle = lags["nothing drawn, the loop ticking"]
    print(f"event-loop lag with nothing drawn (the lag baseline): median {statistics.median(idle):.1f} ms, "
          f"max {max(idle):.1f} ms")
    worst = max(statistics.median(times[name]) for name in ("/stats chart", "report chart"))
    own = statistics.median(cpu)
    print(f"under {GOAL_MS} ms per chart on this machine? CPU time: {'yes' if own < GOAL_MS else 'NO'} "
          f"({own:.0f} ms); wall time on the bot's thread, the slower kind: {'yes' if worst < GOAL_MS else 'NO'} "
          f"({worst:.0f} ms at load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    asyncio.run(main())
