"""Which questions a session gets: weakest areas for practice, fresh questions for exam-like forms."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from core.exam.bank import Bank
from core.quiz.engine import Answer

RECENT = 30  # a quick question avoids the last this-many answered questions


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


def quick(bank: Bank, history: list[Answer], rng: random.Random) -> str:
    """One question from the weakest task statement that has one not answered recently."""
    recent = {a.question_id for a in history[-RECENT:]}
    answered = {a.question_id for a in history}
    score = weakness(bank, history)
    for task in sorted(score, key=lambda t: (score[t], rng.random())):
        pool = [q.id for q in bank.by_task(task) if q.id not in recent]
        if pool:
            fresh = [qid for qid in pool if qid not in answered]
            return rng.choice(fresh or pool)
    return rng.choice(list(bank.questions))


def _freshest(ids: list[str], history: list[Answer], rng: random.Random, shown: frozenset[str] = frozenset()
              ) -> list[str]:
    """Order candidates: never answered first, then (a tie-break) not shown in an earlier form, then
    longest since answered."""
    last = last_answers(history)
    epoch = datetime.min

    def key(qid: str) -> tuple[bool, bool, datetime, float]:
        answer = last.get(qid)
        return (qid in last, qid in shown, answer.answered_at.replace(tzinfo=None) if answer else epoch,
                rng.random())

    return sorted(ids, key=key)


def drill(bank: Bank, scope: str, history: list[Answer], rng: random.Random, size: int = 10) -> list[str]:
    """`size` questions from one domain ("2") or task statement ("2.1"), freshest first, then shuffled."""
    pool = [q.id for q in bank.questions.values() if q.task == scope or str(q.domain) == scope]
    chosen = _freshest(pool, history, rng)[:size]
    rng.shuffle(chosen)
    return chosen


@dataclass(frozen=True)
class FormPick:
    """A mixed form's questions and what the learner should be told about them before it starts."""

    ids: list[str]
    unseen: bool  # every question was never answered before, in any mode (see core.quiz.progress)
    unseen_left: int  # questions a form may use that the learner never answered
    short: dict[int, tuple[int, int]]  # domain -> (never-answered questions, how many the form needs)


def unseen_room(bank: Bank, total: int, answered: set[str]) -> tuple[int, dict[int, tuple[int, int]]]:
    """(never-answered questions a form may use, {domain: (never answered, needed)} for each domain with
    too few for a `total`-question form weighted by domain)."""
    left, short = 0, {}
    for domain, count in bank.exam.blueprint(total).items():
        fresh = sum(1 for q in bank.by_domain(domain) if bank.in_forms(q) and q.id not in answered)
        left += fresh
        if fresh < count:
            short[domain] = (fresh, count)
    return left, short


def form(bank: Bank, total: int, history: list[Answer], shown: frozenset[str], rng: random.Random) -> FormPick:
    """A mixed form weighted by domain: never-answered questions first, spread over task statements, then
    (only when a domain has too few) the ones answered longest ago.

    Questions of an earlier form (`shown`) that the learner did not answer (stopped, or out of time) are
    never answered, so they stay unseen and come before any answered one: an attempt that ends early uses
    up only what was answered. Among never-answered questions, those not shown before go first."""
    answered = {a.question_id for a in history}
    chosen: list[str] = []
    for domain, count in bank.exam.blueprint(total).items():
        ranked = _freshest([q.id for q in bank.by_domain(domain) if bank.in_forms(q)], history, rng, shown)
        picked = _spread_over_tasks(bank, [qid for qid in ranked if qid not in answered], count)
        picked += _spread_over_tasks(bank, [qid for qid in ranked if qid in answered], count - len(picked))
        chosen += picked
    rng.shuffle(chosen)
    left, short = unseen_room(bank, total, answered)
    return FormPick(chosen, not short, left, short)


def _spread_over_tasks(bank: Bank, ranked: list[str], count: int) -> list[str]:
    """Take `count` ids round-robin over task statements, keeping each task's own freshness ranking."""
    per_task: dict[str, list[str]] = defaultdict(list)
    for qid in ranked:
        per_task[bank[qid].task].append(qid)
    queues = [per_task[t] for t in sorted(per_task)]
    out: list[str] = []
    while len(out) < count and any(queues):
        for queue in queues:
            if queue and len(out) < count:
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
