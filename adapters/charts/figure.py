"""The core's ProgressChart as a PNG, drawn with matplotlib's Agg renderer (adapters/charts/renderer.py runs
`draw` off the event loop).

Each chart is its own `matplotlib.figure.Figure` with an Agg canvas, and no global setting (pyplot's current
figure, rcParams) is read from or written to across threads: pyplot is never imported. The text is set in
matplotlib's default font, the DejaVu Sans it ships, so nothing is looked up on the system or fetched.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from matplotlib import dates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from core.charts.model import Panel, ProgressChart

WIDTH, HEIGHT, DPI = 8.0, 9.0, 100  # 800 x 900 pixels: readable on a phone, small as a PNG
PASS_COLOUR, SCORE_COLOUR, FORM_COLOUR, GRID = "#c0392b", "#1f5fa8", "#222222", "#dddddd"
MIN_SPAN = timedelta(days=2)
MARGINS = {"left": 0.14, "right": 0.97, "top": 0.93, "bottom": 0.06, "hspace": 0.5}
STAGE_COLOURS = ("#2e86ab", "#a23b72", "#f18f01", "#3b8b5a")  # data, model, deployment, monitoring


def draw(chart: ProgressChart) -> bytes:
    """The chart as PNG bytes."""
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)  # fixed margins: a layout engine doubles the time
    FigureCanvasAgg(figure)
    figure.suptitle(chart.title, fontsize=13, fontweight="bold")
    domains, scores, stages = figure.subplots(3, 1, height_ratios=(3, 2.2, 1.8), gridspec_kw=MARGINS)
    _domains(domains, chart)
    _scores(scores, chart)
    _stages(stages, chart)
    out = io.BytesIO()
    # zlib level 1: a third less CPU than the default 6 for a file a few percent larger (bench/charts.py)
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    return out.getvalue()


def _empty(axes: Axes, panel: Panel) -> None:
    axes.text(0.5, 0.5, panel.empty, ha="center", va="center", transform=axes.transAxes, color="#666666")
    axes.set_xticks([])
    axes.set_yticks([])


def _dated(axes: Axes, times: list[datetime]) -> None:
    """Dates along the x axis, at least MIN_SPAN wide around the points (one day's alone would span years)."""
    middle, half = min(times) + (max(times) - min(times)) / 2, max((max(times) - min(times)) / 2, MIN_SPAN / 2)
    axes.set_xlim(float(dates.date2num(middle - half * 1.05)), float(dates.date2num(middle + half * 1.05)))
    locator = dates.AutoDateLocator(minticks=3, maxticks=7)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))


def _domains(axes: Axes, chart: ProgressChart) -> None:
    axes.set_title(chart.domains_panel.title, loc="left", fontsize=11)
    if not chart.domains:
        _empty(axes, chart.domains_panel)
        return
    for series in chart.domains:
        when = dates.date2num([t for t, _ in series.points])
        axes.plot(when, [v for _, v in series.points], marker="o", markersize=4, linewidth=1.6,
                  label=series.label[:40])
    axes.set_ylim(0, 105)
    axes.set_ylabel(chart.domains_panel.unit)
    axes.grid(True, color=GRID)
    axes.legend(loc="lower left", fontsize=8, ncols=2, frameon=False)
    _dated(axes, [t for series in chart.domains for t, _ in series.points])


def _scores(axes: Axes, chart: ProgressChart) -> None:
    axes.set_title(chart.scores_panel.title, loc="left", fontsize=11)
    low, high = chart.score_range
    if not chart.estimate.points and not chart.scores.points:
        _empty(axes, chart.scores_panel)
        return
    if chart.estimate.points:
        when = dates.date2num([t for t, _ in chart.estimate.points])
        axes.plot(when, [v for _, v in chart.estimate.points], color=SCORE_COLOUR, linewidth=1.8,
                  label=chart.estimate.label)
    if chart.scores.points:
        when = dates.date2num([t for t, _ in chart.scores.points])
        axes.plot(when, [v for _, v in chart.scores.points], linestyle="none", marker="o", color=FORM_COLOUR,
                  label=chart.scores.label)
    axes.axhline(chart.passing, color=PASS_COLOUR, linestyle="--", linewidth=1.2)
    axes.annotate(chart.pass_label, (0, chart.passing), xycoords=("axes fraction", "data"),
                  xytext=(4, 3), textcoords="offset points", color=PASS_COLOUR, fontsize=8)
    axes.set_ylim(low, high)
    axes.set_ylabel(chart.scores_panel.unit)
    axes.grid(True, color=GRID)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    _dated(axes, [t for series in (chart.estimate, chart.scores) for t, _ in series.points])


def _stages(axes: Axes, chart: ProgressChart) -> None:
    axes.set_title(chart.stages_panel.title, loc="left", fontsize=11)
    bars = chart.stages
    if not any(b.total for b in bars):
        _empty(axes, chart.stages_panel)
        return
    rows = range(len(bars))
    axes.barh(rows, [b.percent for b in bars], color=STAGE_COLOURS[:len(bars)], height=0.6)
    for row, bar in zip(rows, bars, strict=True):  # the figures beside the bar, or inside a long one
        inside = bar.percent > 75
        axes.text(bar.percent + (-1 if inside else 1), row, bar.text, va="center", fontsize=9,
                  ha="right" if inside else "left", color="white" if inside else "black")
    axes.set_yticks(list(rows), [b.label for b in bars])
    axes.invert_yaxis()  # the lifecycle reads top to bottom
    axes.set_xlim(0, 100)
    axes.set_xlabel(chart.stages_panel.unit)
    axes.grid(True, axis="x", color=GRID)
