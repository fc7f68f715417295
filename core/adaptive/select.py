"""Adaptive picks for /quiz and a drill without a scope (the rule: core/adaptive/__init__.py)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta

from core.adaptive.ability import Ability, chance, guesses
from core.exam.bank import Bank
from core.quiz.arrange import Unit, arrange, fill, units
from core.quiz.engine import Answer

RECENT_DAYS = 3  # a question answered this recently is not served while never-answered ones remain
TARGET = 0.7  # the chance of a right answer practice aims at
REVIEW_SHARE = 0.3  # of practice, the share given to due spaced reviews when any is due
SPARE = 4  # a drill ranks this many times its size, so whole case studies can make up the count exactly
JITTER = 0.05  # random slack on the distance to TARGET, so equally fitting questions take turns


def eligible(bank: Bank, history: list[Answer], now: datetime) -> tuple[set[str], set[str]]:
    """(never-answered questions, answered questions that may come back): those not answered in the last
    RECENT_DAYS; once every question of the exam was answered and all of them recently, every one."""
    last = {a.question_id: a.answered_at for a in history if a.question_id in bank.questions}
    fresh = {qid for qid in bank.questions if qid not in last}
    since = now - timedelta(days=RECENT_DAYS)
    back = {qid for qid, at in last.items() if at < since}
    return fresh, back if fresh or back else set(last)


def chances(bank: Bank, ability: Ability, difficulty: Mapping[str, float]) -> dict[str, float]:
    """The learner's chance of answering each question of the exam right (computed once per pick: the task
    weights and the ranking both read it)."""
    guess, of = guesses(bank), ability.by_task
    return {qid: chance(of[q.task], difficulty[qid], guess[qid])[0] for qid, q in bank.questions.items()}


def task_weights(bank: Bank, chance_of: Mapping[str, float]) -> dict[str, float]:
    """How much practice each task statement deserves: its share of the exam (its domain's weight split over
    the domain's task statements) times the share of its questions the learner is expected to miss."""
    out = {}
    for domain in bank.exam.domains:
        for task in domain.tasks:
            qs = bank.by_task(task.id)
            miss = sum(1 - chance_of[q.id] for q in qs) / len(qs) if qs else 0.0
            out[task.id] = domain.weight / len(domain.tasks) * miss
    return out


def ranked(bank: Bank, ability: Ability, difficulty: Mapping[str, float], pool: set[str],
           rng: random.Random, fresh: set[str], limit: int) -> list[str]:
    """The first `limit` questions of the pool in the order picks take them: task statements drawn by weight
    (a drawn one weighs half as much for the next draw, so a drill spreads), and within one the
    never-answered question whose chance is nearest TARGET (then the answered one nearest it)."""
    chance_of = chances(bank, ability, difficulty)
    weights = task_weights(bank, chance_of)
    by_task: dict[str, list[str]] = {}
    for qid in sorted(pool):
        by_task.setdefault(bank[qid].task, []).append(qid)
    ordered: set[str] = set()  # a task statement's questions are put in order when it is first drawn
    out: list[str] = []
    while by_task and len(out) < limit:
        tasks = sorted(by_task)
        task = rng.choices(tasks, [weights[t] + 1e-9 for t in tasks])[0]
        if task not in ordered:
            by_task[task].sort(key=lambda q: (q not in fresh, abs(chance_of[q] - TARGET) + JITTER * rng.random()))
            ordered.add(task)
        out.append(by_task[task].pop(0))
        weights[task] /= 2
        if not by_task[task]:
            del by_task[task]
    return out


def pick(bank: Bank, history: list[Answer], ability: Ability, difficulty: Mapping[str, float],
         due: list[str], count: int, now: datetime, rng: random.Random) -> list[str]:
    """`count` questions (fewer only if the exam has fewer): due reviews first in their share, then adaptive
    picks, case studies whole, laid out by core.quiz.arrange (one question is served as it is)."""
    fresh, back = eligible(bank, history, now)
    pool = fresh | back
    reviews = [qid for qid in due if qid in back]
    wanted = sum(rng.random() < REVIEW_SHARE for _ in range(count)) if reviews else 0
    chosen = reviews[:wanted]
    left = pool - set(chosen)
    order = ranked(bank, ability, difficulty, left, rng, fresh, 1 if count == 1 else SPARE * count)
    if count == 1:
        return (chosen + order)[:1] or [rng.choice(sorted(bank.questions))]
    cases = {bank[qid].case for qid in order} - {None}  # a case study picked comes with its other questions
    order += [qid for qid in bank.questions if qid in left and bank[qid].case in cases and qid not in order]
    taken: list[Unit] = [(qid,) for qid in chosen]
    rest = fill(units(bank, order), count - len(chosen))
    return arrange(bank, taken + rest, rng)
