"""The study streak: local days in a row with at least one answered question, worded without shaming."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def streak(days: Iterable[date], today: date) -> int:
    """Days in a row with an answer, ending today, or yesterday while today is still open (a streak is
    not lost before the day is over); 0 once a whole day went by without one."""
    studied = set(days)
    day = today if today in studied else today - timedelta(days=1)
    count = 0
    while day in studied:
        count += 1
        day -= timedelta(days=1)
    return count


def streak_line(count: int, today_done: bool) -> str:
    """What /stats and the daily push say: the count, or an invitation; never what was missed."""
    if count == 0:
        return "Start a new streak today: one answered question counts."
    if today_done:
        return f"🔥 {count}-day streak."
    return f"🔥 {count}-day streak: one question today keeps it going."
