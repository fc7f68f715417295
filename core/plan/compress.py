"""Fitting the seven-day plan into fewer days, for an exam date set (or a diagnostic taken) less than a
week ahead: the diagnostic first, a timed mixed set last, the four domains' drills merged in between."""

from __future__ import annotations

from datetime import date, timedelta

from core.plan.engine import DRILL_TARGET, PLAN, Activity, SettingError
from core.quiz.engine import Mode

PLAN_DAYS = 7
MAX_DAYS_AHEAD = 365  # a plan counts down days; a date years away is a typo or not a plan yet
DOMAIN_DAYS = {"1": PLAN[6], "2": PLAN[5], "3": PLAN[4], "4": PLAN[3]}
SHORT_NAMES = {"1": "data preparation", "2": "model development", "3": "deployment and orchestration",
               "4": "monitoring and security"}


def check_exam_date(exam_date: date, today: date) -> None:
    """Refuse an exam date that has passed, is today or is more than a year away, with an example."""
    example = today + timedelta(days=14)
    if exam_date < today:
        raise SettingError(f"That date has passed. Give a future exam date, for example /examdate {example}.")
    if exam_date == today:
        raise SettingError("Your exam is today: no plan left to fit. Good luck! Read your takeaways, and rest.")
    if (exam_date - today).days > MAX_DAYS_AHEAD:
        raise SettingError(f"That is more than a year away. Set a date within {MAX_DAYS_AHEAD} days "
                           f"(by {today + timedelta(days=MAX_DAYS_AHEAD)}), for example /examdate {example}.")


def plan_length(today: date, exam_date: date, diagnosed_on: list[date]) -> int:
    """How many days the plan has: seven when it could start a week before the exam; otherwise the days
    from the first diagnostic in that week, or from today while none was taken (so the plan stays the
    same from one day to the next once it started, and the diagnostic stays first until it is done)."""
    start = exam_date - timedelta(days=PLAN_DAYS)
    if today <= start:
        return PLAN_DAYS
    taken = [d for d in diagnosed_on if start <= d <= today]
    return max(1, min(PLAN_DAYS, (exam_date - min(taken, default=today)).days))


def fit(length: int) -> dict[int, Activity]:
    """Day number (days to go) to activity for a plan of `length` days ending the eve of the exam."""
    if length >= PLAN_DAYS:
        return dict(PLAN)
    if length <= 1:  # one day: the timed mixed set, whose misses show what to read tonight
        return {1: PLAN[2]}
    middle = [_drills(group) for group in _groups(["1", "2", "3", "4"], length - 2)]
    activities = [PLAN[7], *middle, PLAN[2]]
    return {length - i: activity for i, activity in enumerate(activities)}


def _groups(domains: list[str], days: int) -> list[list[str]]:
    """The domains over `days` days in order, later days taking one more when they do not divide evenly."""
    if days <= 0:
        return []
    days = min(days, len(domains))
    size, extra = divmod(len(domains), days)
    out, at = [], 0
    for n in range(days):
        width = size + (1 if n >= days - extra else 0)
        out.append(domains[at:at + width])
        at += width
    return out


def _drills(domains: list[str]) -> Activity:
    if len(domains) == 1:
        return DOMAIN_DAYS[domains[0]]
    names = [f"{SHORT_NAMES[d]} (/drill {d})" for d in domains]
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return Activity(f"Drills on {listed}: {DRILL_TARGET} questions each.", Mode.DRILL, domains[0], tuple(domains))
