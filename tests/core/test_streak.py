"""The study streak: local days in a row with an answer, worded as an invitation, never a reproach."""

from __future__ import annotations

from datetime import date, timedelta

from core.review.streak import streak, streak_line

TODAY = date(2026, 12, 3)


def days_back(*offsets: int) -> set[date]:
    return {TODAY - timedelta(days=n) for n in offsets}


def test_days_in_a_row_ending_today():
    assert streak(days_back(0, 1, 2), TODAY) == 3
    assert streak_line(3, today_done=True) == "🔥 3-day streak."


def test_an_open_today_keeps_yesterdays_streak():
    assert streak(days_back(1, 2), TODAY) == 2
    assert streak_line(2, today_done=False) == "🔥 2-day streak: one question today keeps it going."


def test_a_missed_day_resets_it():
    assert streak(days_back(2, 3, 4), TODAY) == 0
    assert streak(days_back(0, 2, 3), TODAY) == 1
    assert streak_line(0, today_done=False) == "Start a new streak today: one answered question counts."
