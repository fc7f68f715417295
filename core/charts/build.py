"""A learner's progress chart from their answers and finished diagnostics and mocks (core/charts/model.py).

- Accuracy by domain over time: for each day the learner answered questions of a domain, the share right of
  that domain's last WINDOW answers up to the end of that day. A window rather than all answers so far, so the
  line shows where the learner stands now: a month-old start no longer holds it down.
- The score trend, two series on one scaled-score axis with the pass mark: the pass estimate's expected
  scaled score at the end of each day the learner studied (core/adaptive: computed by the caller, since it
  needs every learner's answers for the item difficulties, and passed in as `estimate`), and as dots
  `score_trend`, the estimated scaled score each finished diagnostic or mock report states (core/quiz/report.py:
  the exam's linear scaling of the share right, unanswered counted wrong), for the forms that ended properly
  as readiness means it (core/quiz/progress.py): a form stopped before the end, or out of time with less than
  80% answered, would plot a drop that says nothing about the learner.
- The lifecycle stages: the share right by stage, of every answer (/stats) or of the form a report is about.

A learner with no answers in the exam gets no chart (`progress_chart` returns None): /stats already tells
them what to do first, and a picture of empty axes would say nothing more.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from core.charts.model import Bar, Panel, Point, ProgressChart, Series
from core.exam.bank import Bank
from core.exam.model import Stage
from core.quiz import progress
from core.quiz.engine import Answer, Mode, Session
from core.text import plural

WINDOW = 20  # a domain's accuracy on a day: its last 20 answers up to that day

DOMAINS = Panel(f"Accuracy by domain (last {WINDOW} answers in each)", "% right", "No answers yet.")
SCORES = Panel("Pass estimate (line) and diagnostic and mock scores (dots)", "scaled score",
               "No estimate yet (it needs 20 answered questions) and no diagnostic or mock: try /diagnostic.")
ESTIMATE = "Pass estimate: expected scaled score"
FORMS = "Diagnostic and mock scores"


def domain_series(bank: Bank, history: Iterable[Answer]) -> tuple[Series, ...]:
    """One line per domain the learner answered, points at the last answer of each day (UTC)."""
    answered: dict[int, list[Answer]] = defaultdict(list)
    for a in history:
        if a.question_id in bank.questions:
            answered[bank[a.question_id].domain].append(a)
    out = []
    for d in bank.exam.domains:
        points: list[Point] = []
        answers = answered[d.number]
        for i, a in enumerate(answers):
            if i + 1 < len(answers) and answers[i + 1].answered_at.date() == a.answered_at.date():
                continue  # not the day's last answer
            window = answers[max(0, i + 1 - WINDOW):i + 1]
            points.append((a.answered_at, 100 * sum(w.correct for w in window) / len(window)))
        if points:
            out.append(Series(f"{d.number}. {d.name}", tuple(points)))
    return tuple(out)


def ended_properly(session: Session) -> bool:
    """Every question answered, or the time ran out with at least 80% of them answered."""
    answered, total = len(session.answers), session.total
    return answered == total or (progress.timed_out(session) and answered >= math.ceil(progress.MIN_ANSWERED * total))


def score_trend(bank: Bank, forms: Iterable[Session]) -> Series:
    """The estimated scaled score of each diagnostic and mock of the bank's exam that ended properly, as its
    report states it, at the time it ended."""
    scoring = bank.exam.scoring
    points = [(s.finished_at, float(scoring.scaled(progress.score(s))))
              for s in forms if s.finished_at is not None and s.exam == bank.code and ended_properly(s)]
    return Series(FORMS, tuple(sorted(points)))


def stage_bars(bank: Bank, results: Iterable[tuple[str, bool]]) -> tuple[Bar, ...]:
    """Right and asked by lifecycle stage, every stage in lifecycle order, from (question id, right) pairs."""
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for qid, ok in results:
        if qid in bank.questions:
            stage = bank[qid].stage
            total[stage] += 1
            right[stage] += ok
    return tuple(Bar(s.value, right[s], total[s]) for s in Stage)


def estimate_series(points: Iterable[Point]) -> Series:
    """The pass estimate's trend: (end of a day studied, expected scaled score) points, oldest first."""
    return Series(ESTIMATE, tuple(sorted(points)))


def progress_chart(bank: Bank, history: list[Answer], forms: list[Session],
                   estimate: Series) -> ProgressChart | None:
    """/stats: the learner's progress in the bank's exam; None before their first answer in it."""
    if not any(a.question_id in bank.questions for a in history):
        return None
    stages = stage_bars(bank, ((a.question_id, a.correct) for a in history))
    return _chart(bank, f"{bank.exam.code} progress", history, forms, estimate, stages,
                  "All answers by lifecycle stage")


def report_chart(bank: Bank, session: Session, history: list[Answer], forms: list[Session],
                 estimate: Series) -> ProgressChart:
    """A finished diagnostic or mock: the learner's progress with this form in it, and its stages."""
    right = {a.position for a in session.answers if a.correct}
    stages = stage_bars(bank, ((qid, pos in right) for pos, qid in enumerate(session.question_ids)))
    name = "diagnostic" if session.mode is Mode.DIAGNOSTIC else "mock exam"
    when = session.finished_at or session.started_at
    forms = [s for s in forms if s.id != session.id] + [session]  # as it ended, whatever the store read
    return _chart(bank, f"{bank.exam.code} {name}, {when:%d %b %Y}", history, forms, estimate, stages,
                  f"This {name} by lifecycle stage (unanswered count as wrong)")


def _chart(bank: Bank, title: str, history: list[Answer], forms: list[Session], estimate: Series,
           stages: tuple[Bar, ...], stages_title: str) -> ProgressChart:
    domains = domain_series(bank, history)
    scores = score_trend(bank, forms)
    scoring = bank.exam.scoring
    return ProgressChart(
        title=title, domains=domains, domains_panel=DOMAINS, estimate=estimate, scores=scores, scores_panel=SCORES,
        score_range=(scoring.min, scoring.max), passing=scoring.passing, pass_label=f"pass {scoring.passing}",
        stages=stages, stages_panel=Panel(stages_title, "% right", "No answers yet."),
        alt=_alt(title, domains, estimate, scores, stages, scoring.passing))


def _alt(title: str, domains: tuple[Series, ...], estimate: Series, scores: Series, stages: tuple[Bar, ...],
         passing: int) -> str:
    """The chart in one paragraph: each domain's latest accuracy, the estimate's trend, the latest score, each
    stage."""
    parts = [f"Chart: {title}."]
    if domains:
        parts.append("Latest accuracy by domain: "
                     + "; ".join(f"{s.label.split('.')[0]}: {round(s.points[-1][1])}%" for s in domains) + ".")
    if estimate.points:
        parts.append(f"Pass estimate over {plural(len(estimate.points), 'day')}: expected scaled score "
                     f"{round(estimate.points[0][1])}, now {round(estimate.points[-1][1])}.")
    if scores.points:
        parts.append(f"Estimated scaled score over {plural(len(scores.points), 'attempt')}, latest "
                     f"{round(scores.points[-1][1])} (pass mark {passing}).")
    parts.append("By stage: " + "; ".join(
        f"{b.label} {round(b.percent)}% of {b.total}" if b.total else f"{b.label} none" for b in stages) + ".")
    return " ".join(parts)
