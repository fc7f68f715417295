"""Which questions a session gets: weakest areas for practice, fresh questions for exam-like forms."""

from __future__ import annotations

import random
from collections import defaultdict
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


def _freshest(ids: list[str], history: list[Answer], avoid: set[str], rng: random.Random) -> list[str]:
    """Order candidates: never answered, then not in an earlier form, then longest since answered."""
    last = last_answers(history)
    epoch = datetime.min

    def key(qid: str) -> tuple[bool, bool, datetime, float]:
        answer = last.get(qid)
        return (qid in last, qid in avoid, answer.answered_at.replace(tzinfo=None) if answer else epoch,
                rng.random())

    return sorted(ids, key=key)


def drill(bank: Bank, scope: str, history: list[Answer], rng: random.Random, size: int = 10) -> list[str]:
    """`size` questions from one domain ("2") or task statement ("2.1"), freshest first, then shuffled."""
    pool = [q.id for q in bank.questions.values() if q.task == scope or str(q.domain) == scope]
    chosen = _freshest(pool, history, set(), rng)[:size]
    rng.shuffle(chosen)
    return chosen


def form(
    bank: Bank, total: int, history: list[Answer], earlier_forms: set[str], rng: random.Random
) -> tuple[list[str], bool]:
    """A mixed form weighted by domain, avoiding questions of earlier forms while unseen ones remain.

    Returns the ids and whether the form is unseen (no question was in an earlier diagnostic or mock).
    """
    chosen: list[str] = []
    for domain, count in bank.exam.blueprint(total).items():
        pool = [q.id for q in bank.by_domain(domain) if bank.in_forms(q)]
        ranked = _freshest(pool, history, earlier_forms, rng)
        chosen += _spread_over_tasks(bank, ranked, count)
    rng.shuffle(chosen)
    return chosen, not (set(chosen) & earlier_forms)


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
