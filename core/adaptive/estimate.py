"""The pass estimate: the chance of a scaled score at or above the pass mark, and the expected scaled score
with a range, from the ability model (core/adaptive/ability.py) and the exam's domain weights."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from core.adaptive.ability import Ability, blind_guess, chance
from core.exam.bank import Bank
from core.text import plural

MIN_ANSWERED = 20  # distinct questions answered before the estimate is shown
RANGE_Z = 1.2816  # the range shown is the central 80% of exam-day outcomes


@dataclass(frozen=True)
class PassEstimate:
    chance: float  # probability of scaled >= the pass mark, 0..1
    expected: int  # expected scaled score
    low: int
    high: int


def _norm_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def expected_fraction(bank: Bank, ability: Ability, difficulty: Mapping[str, float]) -> tuple[float, list[float]]:
    """The expected share right on a form weighted by domain (each domain's questions a form may draw, equally
    likely), and its gradient by task statement."""
    index = {t: i for i, t in enumerate(ability.tasks)}
    total, grad = 0.0, [0.0] * len(ability.tasks)
    for domain in bank.exam.domains:
        pool = [q for q in bank.by_domain(domain.number) if bank.in_forms(q)]
        if not pool:
            continue
        share = domain.weight / 100 / len(pool)
        for q in pool:
            p, slope = chance(ability.mean[index[q.task]], difficulty[q.id], blind_guess(q))
            total += share * p
            grad[index[q.task]] += share * slope
    return total, grad


def pass_estimate(bank: Bank, ability: Ability, difficulty: Mapping[str, float]) -> PassEstimate:
    """The estimate for a standard full-length form. Two uncertainties add up: what we do not know about the
    learner (the ability's covariance, through the gradient: wide while answers are few) and exam day's own
    luck (which questions come, and each answer's chance: a binomial share over the form's length)."""
    exam, scoring = bank.exam, bank.exam.scoring
    mean, grad = expected_fraction(bank, ability, difficulty)
    known = sum(grad[i] * ability.cov[i][j] * grad[j] for i in range(len(grad)) for j in range(len(grad)))
    luck = mean * (1 - mean) / exam.questions
    sd = math.sqrt(known + luck)
    # the lowest share right that scales to a pass, less half a question (the count is whole)
    needed = next(k for k in range(exam.questions + 1) if scoring.scaled(k / exam.questions) >= scoring.passing)
    cut = (needed - 0.5) / exam.questions
    chance = 1 - _norm_cdf((cut - mean) / sd)

    def scaled(fraction: float) -> int:
        return scoring.scaled(min(1.0, max(0.0, fraction)))

    return PassEstimate(chance, scaled(mean), scaled(mean - RANGE_Z * sd), scaled(mean + RANGE_Z * sd))


def estimate_line(bank: Bank, ability: Ability, difficulty: Mapping[str, float]) -> str:
    """The words every surface shows beside the readiness rule."""
    if ability.answered < MIN_ANSWERED:
        return (f"Pass estimate: answer {plural(MIN_ANSWERED - ability.answered, 'more question')} "
                "to see your estimate.")
    e = pass_estimate(bank, ability, difficulty)
    passing = bank.exam.scoring.passing
    chance = "over 99" if e.chance > 0.995 else "under 1" if e.chance < 0.005 else str(round(100 * e.chance))
    return (f"Pass estimate: {chance}% chance of {passing} or more; expected scaled score "
            f"{e.expected} (likely {e.low}–{e.high}), from {plural(ability.answered, 'question')} answered. "
            "A model's estimate, not AWS's scoring.")
