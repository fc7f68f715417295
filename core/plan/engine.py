"""The seven-day study plan and the daily push clock, as pure functions of dates and settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.quiz.engine import Answer, Mode, Session

DEFAULT_TIME = "09:00"
DEFAULT_TIMEZONE = "UTC"
DRILL_TARGET = 10  # answers in the day's domain that make a drill day done
REVIEW_TARGET = 5


@dataclass(frozen=True)
class Activity:
    """What a day is for, and the session that opens it."""

    title: str
    mode: Mode | None  # None: no session (exam day)
    scope: str | None = None  # a drill's domain or task statement
    domains: tuple[str, ...] = ()  # a day that merges several domains' drills (a short plan): all of them


PLAN = {
    7: Activity("Full-length diagnostic: 65 questions, 130 minutes; your misses get tagged by lifecycle stage.",
                Mode.DIAGNOSTIC),
    6: Activity("Data preparation drills: leakage, feature engineering, imbalance, labeling, data quality.",
                Mode.DRILL, "1"),
    5: Activity("Model development: training, tuning, metrics, evaluation, experiment tracking, model registry.",
                Mode.DRILL, "2"),
    4: Activity("Deployment and orchestration: endpoints, batch transform, pipelines, release patterns.",
                Mode.DRILL, "3"),
    3: Activity("Monitoring, drift, explainability, security, IAM, encryption and cost.", Mode.DRILL, "4"),
    2: Activity("A timed mixed set (20 questions, 40 minutes); then sort each miss: data, model, deployment or "
                "monitoring issue? (/classify)", Mode.MOCK),
    1: Activity("Final review of your weakest lifecycle stages only; no new material.", Mode.REVIEW),
}
EXAM_DAY = Activity("Exam day: no new material. Rest, read your takeaways, and trust your preparation.", None)
AFTER_EXAM = Activity("One review question a day keeps it fresh (/pause to stop).", Mode.QUICK)


def weak_drill(task: str, days_to_go: int) -> Activity:
    """Before Day 7: a drill on the weakest task statement (on the eve of Day 7, a warm-up for it)."""
    if days_to_go == 8:
        return Activity(f"Your plan starts tomorrow; warm up with a mixed drill aimed at your weakest task "
                        f"statement, {task}.", Mode.DRILL, task)
    return Activity(f"More than a week to go: a mixed drill aimed at your weakest task statement, {task}.",
                    Mode.DRILL, task)


def days_left(today: date, exam_date: date) -> int:
    return (exam_date - today).days


def activity_for(today: date, exam_date: date, weakest_task: str,
                 days: dict[int, Activity] | None = None) -> tuple[int | None, Activity]:
    """(plan day number or None, today's activity). Day N is N days before the exam, Day 1 the eve; `days`
    is the plan (the seven-day PLAN unless it was fitted into fewer days)."""
    left = days_left(today, exam_date)
    days = PLAN if days is None else days
    if left > 7:
        return None, weak_drill(weakest_task, left)
    if left >= 1:
        return left, days.get(left, PLAN[left])
    return None, EXAM_DAY if left == 0 else AFTER_EXAM


def implicit_exam_date(today: date) -> date:
    """Without an exam date the plan starts tomorrow: Day 7 is tomorrow, so the exam is in eight days."""
    return today + timedelta(days=8)


def local_time(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone))


def local_date(instant: datetime, zone: str) -> date:
    return local_time(instant, zone).date()


def done_on(day: date, activity: Activity, zone: str, answers: list[Answer], forms: list[Session],
            domain_of: dict[str, int]) -> bool:
    """Whether the learner did `activity` on local date `day` (from what they actually did)."""
    if activity.mode in (Mode.DIAGNOSTIC, Mode.MOCK):
        return any(s.mode is activity.mode and s.finished_at is not None and local_date(s.finished_at, zone) == day
                   for s in forms)
    todays = [a for a in answers if local_date(a.answered_at, zone) == day]
    if activity.mode is Mode.REVIEW:
        return sum(a.mode is Mode.REVIEW for a in todays) >= REVIEW_TARGET
    drilled = [str(domain_of.get(a.question_id)) for a in todays]
    return all(drilled.count(domain) >= DRILL_TARGET for domain in activity.domains or (str(activity.scope),))


# --- settings and the push clock --------------------------------------------------------------------

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SettingError(ValueError):
    """A setting the learner typed is not valid; the message says what would be."""


def parse_time(text: str) -> str:
    m = _TIME.match(text.strip())
    if not m:
        raise SettingError("Give the time as HH:MM in 24-hour form, for example /time 07:30.")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def parse_timezone(text: str) -> str:
    name = text.strip()
    try:
        if not name or name.startswith(("/", ".")) or ".." in name:
            raise ZoneInfoNotFoundError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(f"Unknown time zone {name!r}. Use an IANA name such as Europe/Berlin, "
                           "America/New_York or Asia/Kolkata.") from None
    return name


def parse_date(text: str, example: date) -> date:
    """The exam date typed; a malformed one is refused with `example` (a date computed from today)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise SettingError(f"Give the exam date as YYYY-MM-DD, for example /examdate {example}.") from None


@dataclass(frozen=True)
class PushTarget:
    """Where a daily push goes (a learner's private chat, or a group), with the settings chosen there."""

    channel: str
    learner_id: int | None  # None for a group's question of the day
    push_time: str = DEFAULT_TIME
    timezone: str = DEFAULT_TIMEZONE
    paused: bool = False
    unreachable: bool = False
    next_push_at: datetime | None = None
    last_pushed: date | None = None  # the local date of the last claimed push

    @property
    def is_group(self) -> bool:
        return self.learner_id is None


def private_zone(targets: list[PushTarget]) -> str:
    """A learner's time zone: the one set for their private chat's push (a group's is the group's), UTC if
    none."""
    private = [t for t in targets if not t.is_group]
    return private[0].timezone if private else DEFAULT_TIMEZONE


def push_instant(day: date, push_time: str, zone: str) -> datetime:
    """The instant of `push_time` on local date `day` (zoneinfo resolves DST gaps and folds)."""
    hour, minute = map(int, push_time.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


def schedule(target: PushTarget, now: datetime) -> PushTarget:
    """Set next_push_at: today's push if today has not been pushed yet (even if its time has passed, so a
    missed tick catches up the same local day), otherwise tomorrow's."""
    today = local_date(now, target.timezone)
    day = today if target.last_pushed is None or target.last_pushed < today else today + timedelta(days=1)
    instant = push_instant(day, target.push_time, target.timezone)
    if day == today and target.last_pushed is None and instant < now:
        day += timedelta(days=1)  # a brand-new target: its first push is the next occurrence, not a catch-up
        instant = push_instant(day, target.push_time, target.timezone)
    return replace(target, next_push_at=instant)


def due_date(target: PushTarget, now: datetime) -> date | None:
    """The local date a due target should be pushed for now, or None if its day was missed entirely."""
    if target.next_push_at is None or target.next_push_at > now:
        return None
    wanted = local_date(target.next_push_at, target.timezone)
    return wanted if wanted == local_date(now, target.timezone) else None
