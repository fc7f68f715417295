"""The ability model (a Rasch model above a blind guess's chance; the whole rule: core/adaptive/__init__.py):
item difficulties from the author's level and every learner's first answers, and one learner's abilities
per task statement with their uncertainty."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from core.exam.bank import Bank
from core.exam.model import Question, QuestionType
from core.quiz.engine import Answer

AUTHOR_DIFFICULTY = {1: -1.0, 2: 0.0, 3: 1.0}  # the author's level (1-3) as a logit, before any answer
ITEM_SD = 0.7  # how far the answers may move an item from its author's level, as a prior's spread
POPULATION_MEAN = 0.6  # a learner's ability before any answer (about 65% right on a level-2 question)
GENERAL_SD = 1.0  # spread of learners' general ability
TASK_SD = 0.5  # spread of one learner's task statements around their general ability
NEWTON_STEPS = 20

Tallies = Mapping[str, tuple[int, int]]  # question id -> (learners who answered it, of whom right first time)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def blind_guess(q: Question) -> float:
    """The chance a blind guess is right (grading is all or nothing): 1 of 4 options for a single answer,
    1 of C(n, k) for k of n options, 1 of n! for an ordering or a matching of n."""
    if q.type is QuestionType.SINGLE:
        return 1 / len(q.options)
    if q.type is QuestionType.MULTI:
        return 1 / math.comb(len(q.options), len(q.correct))
    return 1 / math.factorial(q.size)


_GUESSES: dict[int, tuple[Bank, dict[str, float]]] = {}  # id(bank) -> (the bank, kept alive; its guesses)


def guesses(bank: Bank) -> dict[str, float]:
    """Every question's blind-guess chance, worked out once per bank (a bank never changes once loaded, and a
    practice pick reads all of them): Bank is an unhashable dataclass, so the cache keys on its identity and
    keeps the bank itself, so that identity cannot be reused by another."""
    kept = _GUESSES.get(id(bank))
    if kept is None or kept[0] is not bank:
        kept = _GUESSES[id(bank)] = (bank, {qid: blind_guess(q) for qid, q in bank.questions.items()})
    return kept[1]


def chance(ability: float, difficulty: float, guess: float) -> tuple[float, float]:
    """(the chance of a right answer, its derivative by ability): a blind guess's chance, plus the Rasch
    chance of knowing it for the rest."""
    known = sigmoid(ability - difficulty)
    return guess + (1 - guess) * known, (1 - guess) * known * (1 - known)


def item_difficulty(q: Question, answered: int, right: int, offset: float = 0.0) -> float:
    """An item's difficulty: the author's level (moved by the population's `offset`), moved by the share of
    learners who got it right first time (a one-parameter MAP fit, by Fisher scoring, that takes the
    answering learners as the average learner)."""
    prior = AUTHOR_DIFFICULTY[q.difficulty] + offset
    guess = blind_guess(q)
    b = prior
    for _ in range(NEWTON_STEPS):
        p, slope = chance(POPULATION_MEAN, b, guess)
        score = -(right - answered * p) * slope / (p * (1 - p)) - (b - prior) / ITEM_SD**2
        info = answered * slope**2 / (p * (1 - p)) + 1 / ITEM_SD**2
        step = score / info
        b += step
        if abs(step) < 1e-9:
            break
    return b


def population_offset(bank: Bank, tallies: Tallies) -> float:
    """How much harder every author level plays for this population than the scale assumes (logits): the
    MAP shift of all the bank's author levels together (prior sd GENERAL_SD) that best explains every first
    answer. Shifting the levels, rather than the learners' prior, keeps the average learner at
    POPULATION_MEAN: a stronger or weaker population than assumed is no bias in anyone's estimate."""
    items = [(AUTHOR_DIFFICULTY[q.difficulty], blind_guess(q), *tallies[qid])
             for qid, q in bank.questions.items() if qid in tallies]
    shift = 0.0
    for _ in range(NEWTON_STEPS):
        score, info = -shift / GENERAL_SD**2, 1 / GENERAL_SD**2
        for level, guess, answered, right in items:
            p, slope = chance(POPULATION_MEAN, level + shift, guess)
            score -= (right - answered * p) * slope / (p * (1 - p))
            info += answered * slope**2 / (p * (1 - p))
        step = score / info
        shift += step
        if abs(step) < 1e-9:
            break
    return shift


def difficulties(bank: Bank, tallies: Tallies) -> dict[str, float]:
    """Every question's difficulty in the bank."""
    offset = population_offset(bank, tallies)
    return {qid: item_difficulty(q, *tallies.get(qid, (0, 0)), offset) for qid, q in bank.questions.items()}


@dataclass(frozen=True)
class Ability:
    """A learner's abilities by task statement (logits) and their posterior covariance, in `tasks` order."""

    tasks: list[str]
    mean: list[float]
    precision: list[list[float]]  # the information at the mode; its inverse is the covariance
    answered: int  # distinct questions of the exam the learner answered
    by_task: dict[str, float]  # the means by task statement

    @cached_property
    def cov(self) -> list[list[float]]:
        """The posterior covariance, inverted when first asked for: only the pass estimate needs it, and a
        practice pick (every /quiz) would otherwise pay for a matrix inverse it never reads."""
        return inverse(self.precision)

    def of(self, task: str) -> float:
        return self.by_task[task]

    def chance(self, q: Question, difficulty: float) -> float:
        """The chance of answering the question right, given its difficulty."""
        return chance(self.of(q.task), difficulty, blind_guess(q))[0]


def latest(bank: Bank, history: list[Answer]) -> dict[str, bool]:
    """Each of the exam's questions the learner answered, with whether their latest answer was right: what
    they know now, and a question answered twice counts once."""
    return {a.question_id: a.correct for a in history if a.question_id in bank.questions}


def _prior_parts(n: int) -> tuple[float, float]:
    """The inverse of GENERAL_SD²·J + TASK_SD²·I (every task shares the general ability), in closed form:
    (its diagonal's own part, the constant every entry adds)."""
    g, d = GENERAL_SD**2, TASK_SD**2
    return 1 / d, -g / (d * (d + n * g))


def _prior_precision(n: int) -> list[list[float]]:
    own, off = _prior_parts(n)
    return [[own + off if i == j else off for j in range(n)] for i in range(n)]


def _solve_diagonal_plus_constant(diagonal: list[float], off: float, b: list[float]) -> list[float]:
    """x with (diag(diagonal) + off·J)·x = b, by Sherman-Morrison in O(n): a Newton step's matrix is the
    prior's (that shape) plus the answers' information, which is diagonal (each answer informs one task)."""
    scaled = [bi / di for bi, di in zip(b, diagonal, strict=True)]
    inverse_sum = sum(1 / di for di in diagonal)
    shift = off * sum(scaled) / (1 + off * inverse_sum)
    return [si - shift / di for si, di in zip(scaled, diagonal, strict=True)]


def solve(a: list[list[float]], b: list[float]) -> list[float]:
    """x with a·x = b for a symmetric positive definite a (Cholesky; the matrices here are 12 by 12)."""
    n = len(b)
    low = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            s = a[i][j] - sum(low[i][k] * low[j][k] for k in range(j))
            low[i][j] = math.sqrt(s) if i == j else s / low[j][j]
    y = [0.0] * n
    for i in range(n):
        y[i] = (b[i] - sum(low[i][k] * y[k] for k in range(i))) / low[i][i]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (y[i] - sum(low[k][i] * x[k] for k in range(i + 1, n))) / low[i][i]
    return x


def inverse(a: list[list[float]]) -> list[list[float]]:
    n = len(a)
    cols = [solve(a, [1.0 if i == j else 0.0 for i in range(n)]) for j in range(n)]
    return [[cols[j][i] for j in range(n)] for i in range(n)]


def estimate(bank: Bank, history: list[Answer], difficulty: Mapping[str, float]) -> Ability:
    """The learner's abilities: the MAP of the likelihood of their latest answers under the hierarchical
    prior (Fisher scoring), and its Laplace covariance (the inverse of the information at the mode)."""
    tasks = sorted(bank.exam.tasks)
    index = {t: i for i, t in enumerate(tasks)}
    seen = latest(bank, history)
    items = [(index[bank[qid].task], difficulty[qid], blind_guess(bank[qid]), right) for qid, right in seen.items()]
    n = len(tasks)
    own, off = _prior_parts(n)
    theta = [POPULATION_MEAN] * n
    info = [0.0] * n
    for _ in range(NEWTON_STEPS):
        total = sum(x - POPULATION_MEAN for x in theta)
        grad = [-(own * (x - POPULATION_MEAN) + off * total) for x in theta]  # the prior's pull
        info = [0.0] * n
        for t, b, guess, right in items:
            p, slope = chance(theta[t], b, guess)
            grad[t] += (right - p) * slope / (p * (1 - p))
            info[t] += slope**2 / (p * (1 - p))
        step = _solve_diagonal_plus_constant([own + i for i in info], off, grad)
        theta = [x + s for x, s in zip(theta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    hess = [[own + off + info[i] if i == j else off for j in range(n)] for i in range(n)]  # at the mode
    return Ability(tasks, theta, hess, len(seen), dict(zip(tasks, theta, strict=True)))
