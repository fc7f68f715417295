"""MatplotlibCharts: the core's ChartRenderer, drawing each chart in an executor, off the event loop.

Drawing one chart is CPU work of about 140 ms (bench/charts.py measures it), too long to do on the event
loop that serves every chat, so `render` hands it to an executor: by default one worker thread of its own,
so charts are drawn one at a time, beside the loop. matplotlib is imported there, on the first chart, not
when the bot starts: a console that never draws one starts without it.

A thread shares the GIL with the loop, so while a chart is drawn other chats may wait a little (the bench
prints the loop's lag). A process pool avoids that and works as it is (`draw` and the chart pickle), at the
price of a second process with matplotlib in it and its lifetime to manage; pass one as `executor` (spawn or
forkserver, never fork: a forked child would inherit the SQLite lock file's descriptor) if the lag matters.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor, ThreadPoolExecutor

from core.charts.model import ProgressChart


class MatplotlibCharts:
    """Draws progress charts as PNG in `executor` (a thread of its own unless given one)."""

    def __init__(self, executor: Executor | None = None) -> None:
        self.executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")

    async def render(self, chart: ProgressChart) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self.executor, draw, chart)


def draw(chart: ProgressChart) -> bytes:
    """The chart as PNG bytes; runs in the executor (a plain function of plain data, so a process pool
    could run it as well as a thread)."""
    from adapters.charts import figure  # matplotlib: on the first chart, in the executor

    return figure.draw(chart)
