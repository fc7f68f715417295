"""The data a progress chart draws: three panels, each a plain value an adapter renders as it likes.

The core decides what a chart shows and every word on it (titles, labels, the empty panels' notes, the alt
text); a renderer behind core.ports.ChartRenderer (adapters/charts) only draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

Point = tuple[datetime, float]  # (when, value), UTC


@dataclass(frozen=True)
class Series:
    """One line of a panel, its points oldest first."""

    label: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Bar:
    """One lifecycle stage: how many of its questions were answered right, of how many."""

    label: str
    right: int
    total: int

    @property
    def percent(self) -> float:
        return 100 * self.right / self.total if self.total else 0.0

    @property
    def text(self) -> str:
        """What the bar says beside it: "75% (30/40)", or that none was asked."""
        return f"{round(self.percent)}% ({self.right}/{self.total})" if self.total else "none asked"


@dataclass(frozen=True)
class Panel:
    """A panel's title, its value axis's label, and what it says when it has nothing to draw."""

    title: str
    unit: str
    empty: str


@dataclass(frozen=True)
class ProgressChart:
    """Accuracy by domain over time (percent), the score trend (scaled score, with the pass mark: the pass
    estimate's expected score day by day as a line, each diagnostic's and mock's score as a dot) and the
    lifecycle stages (bars); `alt` says in words what the picture shows, for captions and screen readers."""

    title: str
    domains: tuple[Series, ...]
    domains_panel: Panel
    estimate: Series  # the pass estimate's expected scaled score at the end of each day studied
    scores: Series  # each diagnostic's and mock's scaled score, as its report states it
    scores_panel: Panel
    score_range: tuple[int, int]  # the exam's scaled-score scale, e.g. (100, 1000)
    passing: int
    pass_label: str  # on the pass mark's line: "pass 720"
    stages: tuple[Bar, ...]
    stages_panel: Panel
    alt: str
