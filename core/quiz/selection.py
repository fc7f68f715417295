"""Which questions a session gets: a scoped drill's freshest, fresh questions for exam-like forms (/quiz and
the mix drill choose by core/adaptive).

Drills and forms choose whole case studies and lay their questions out by core.quiz.arrange's rule."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from core.exam.bank import Bank
from core.quiz.arrange import Unit, arrange, fill, size, units
from core.quiz.engine import Answer


def last_answers(history: list[Answer]) -> dict[str, Answer]:
    """The latest answer to each question (history is oldest first)."""
    return {a.question_id: a for a in history}


def weakness(bank: Bank, history: list[Answer]) -> dict[str, float]:
    """Smoothed accuracy per task statement: unseen tasks score 0.5, so they are tried early."""
    right: dict[str, int] = defaultdict(int)
    seen: dict[str, int] = defaultdict(int)
    for a in history:
        task = bank.questions[a.question_id].task if a.question_id in bank.questions else None
        if task:
            seen[task] += 1
            right[task] += a.correct
    return {t: (right[t] + 1) / (seen[t] + 2) for t in bank.exam.tasks}


def _freshest(candidates: list[Unit], history: list[Answer], rng: random.Random,
              shown: frozenset[str] = frozenset()) -> list[Unit]:
    """Order candidates: never answered first, then (a tie-break) not shown in an earlier form, then
    longest since answered. A case study counts as answered when any of its questions is, as of its
    latest answer."""
    last = last_answers(history)
    epoch = datetime.min

    def key(unit: Unit) -> tuple[bool, bool, datetime, float]:
        answers = [last[qid] for qid in unit if qid in last]
        latest = max((a.answered_at.replace(tzinfo=None) for a in answers), default=epoch)
        return bool(answers), any(qid in shown for qid in unit), latest, rng.random()

    return sorted(candidates, key=key)


def drill(bank: Bank, scope: str, history: list[Answer], rng: random.Random, count: int = 10) -> list[str]:
    """`count` questions from one domain ("2") or task statement ("2.1"), freshest first, case studies
    whole, then laid out in a random order (core.quiz.arrange)."""
    pool = units(bank, (q.id for q in bank.questions.values() if q.task == scope or str(q.domain) == scope))
    return arrange(bank, fill(_freshest(pool, history, rng), count), rng)


@dataclass(frozen=True)
class FormPick:
    """A mixed form's questions and what the learner should be told about them before it starts."""

    ids: list[str]
    unseen: bool  # every question was never answered before, in any mode (see core.quiz.progress)
    unseen_left: int  # questions a form may use that the learner never answered
    short: dict[int, tuple[int, int]]  # domain -> (never-answered questions it can take, how many it needs)


def _form_units(bank: Bank) -> dict[int, list[Unit]]:
    """What a full-length form may draw, as units (core.quiz.arrange), by the domain of each unit's first
    question: a case study counts whole toward that domain."""
    by_domain: dict[int, list[Unit]] = defaultdict(list)
    for unit in units(bank, (q.id for q in bank.questions.values() if bank.in_forms(q))):
        by_domain[bank[unit[0]].domain].append(unit)
    return by_domain


def unseen_room(bank: Bank, total: int, answered: set[str]) -> tuple[int, dict[int, tuple[int, int]]]:
    """(never-answered questions a form may use, {domain: (never-answered questions it can take, needed)}
    for each domain with too few for a `total`-question form weighted by domain). A case study with an
    answered question is not never-answered: it comes whole or not at all."""
    left, short = 0, {}
    pool = _form_units(bank)
    for domain, count in bank.exam.blueprint(total).items():
        fresh = [unit for unit in pool.get(domain, []) if answered.isdisjoint(unit)]
        left += size(fresh)
        can = size(fill(fresh, count))
        if can < count:
            short[domain] = (can, count)
    return left, short


def form(bank: Bank, total: int, history: list[Answer], shown: frozenset[str], rng: random.Random) -> FormPick:
    """A mixed form weighted by domain: never-answered questions first, spread over task statements, then
    (only when a domain has too few) the ones answered longest ago.

    Questions of an earlier form (`shown`) that the learner did not answer (stopped, or out of time) are
    never answered, so they stay unseen and come before any answered one: an attempt that ends early uses
    up only what was answered. Among never-answered questions, those not shown before go first.

    Case studies come whole (core.quiz.arrange), and the form is laid out without runs of one item type."""
    answered = {a.question_id for a in history}
    pool = _form_units(bank)
    chosen: list[Unit] = []
    for domain, count in bank.exam.blueprint(total).items():
        ranked = _freshest(pool.get(domain, []), history, rng, shown)
        picked = fill(_spread_over_tasks(bank, [u for u in ranked if answered.isdisjoint(u)]), count)
        picked += fill(_spread_over_tasks(bank, [u for u in ranked if not answered.isdisjoint(u)]),
                       count - size(picked))
        chosen += picked
    left, short = unseen_room(bank, total, answered)
    return FormPick(arrange(bank, chosen, rng), not short, left, short)


def _spread_over_tasks(bank: Bank, ranked: list[Unit]) -> list[Unit]:
    """The units round-robin over task statements (a unit's is its first question's), keeping each task's
    own freshness ranking."""
    per_task: dict[str, list[Unit]] = defaultdict(list)
    for unit in ranked:
        per_task[bank[unit[0]].task].append(unit)
    queues = [per_task[t] for t in sorted(per_task)]
    out: list[Unit] = []
    while any(queues):
        for queue in queues:
            if queue:
                out.append(queue.pop(0))
    return out


def weakest_stages(bank: Bank, history: list[Answer], count: int) -> set[str]:
    """The `count` lifecycle stages with the lowest smoothed accuracy."""
    right: dict[str, int] = defaultdict(int)
    seen: dict[str, int] = defaultdict(int)
    for a in history:
        if a.question_id in bank.questions:
            stage = bank[a.question_id].stage.value
            seen[stage] += 1
            right[stage] += a.correct
    stages = {q.stage.value for q in bank.questions.values()}
    return set(sorted(stages, key=lambda s: ((right[s] + 1) / (seen[s] + 2), s))[:count])
