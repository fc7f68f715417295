"""The charts that come with /stats and with a diagnostic's or mock's report: QuizService's pictures.

Kept beside the service (core/quiz/service.py), which mixes this in. What a chart shows is decided in
core/charts; drawing it is the ChartRenderer's (adapters/charts), which runs off the event loop. A chart
that fails to draw is logged and left out: the reply's text, which says everything the chart shows, still
goes, and a finished form's report is never lost to a drawing error.
"""

from __future__ import annotations

import logging

from core.adaptive.practice import Practice
from core.charts import build
from core.charts.model import ProgressChart, Series
from core.exam.bank import Bank
from core.exam.exams import Exams
from core.ports import ChartRenderer, Store
from core.quiz.engine import FULL_LENGTH, Answer, Session
from core.reply import Image

log = logging.getLogger(__name__)


class Pictures:
    """Mixed into QuizService, which provides the attributes declared here (`charts` None: no pictures)."""

    exams: Exams
    store: Store
    charts: ChartRenderer | None
    practice: Practice

    async def _stats_chart(self, bank: Bank, history: list[Answer], forms: list[Session]) -> Image | None:
        """/stats's chart of the learner's progress in `bank`'s exam; none before their first answer in it."""
        if self.charts is None:
            return None
        chart = build.progress_chart(bank, history, forms, await self._estimate(bank, history))
        if chart is None:
            return None
        return await _drawn(self.charts, chart, f"{bank.code}-progress.png")

    async def _report_chart(self, session: Session) -> Image | None:
        """The chart of a finished diagnostic or mock (none for other sessions), with the learner's progress
        in its exam up to it."""
        if self.charts is None or session.mode not in FULL_LENGTH:
            return None
        bank = self.exams[session.exam]
        history = await self.store.history(session.learner_id)
        forms = [s for s in await self.store.forms(session.learner_id) if s.exam == session.exam]
        chart = build.report_chart(bank, session, history, forms, await self._estimate(bank, history))
        return await _drawn(self.charts, chart, f"{bank.code}-{session.mode}-{session.id}.png")

    async def _estimate(self, bank: Bank, history: list[Answer]) -> Series:
        """The pass estimate's trend (core/adaptive/practice.py) as the chart's line."""
        return build.estimate_series(await self.practice.trend(bank, history))


async def _drawn(charts: ChartRenderer, chart: ProgressChart, name: str) -> Image | None:
    """The chart as an Image named `name`; None, logged, when it cannot be drawn."""
    try:
        data = await charts.render(chart)
    except Exception:
        log.exception("the chart %s could not be drawn; the reply goes without it", name)
        return None
    return Image(name, data, chart.alt)
