"""How a session's questions hang together: case studies as whole sets, and an order without runs of one
item type.

A case study's questions share one scenario and build on one another, so a form or drill that shows one of
them shows all it may use, together and in the bank's order: the set is one unit, chosen whole and counted
whole toward the domain of its first question (each bundled case stays within one task statement).

A session is laid out so that no RUN (3) questions in a row share a type other than single answer (three
matching grids, three orderings, three multiple-response), from its start to its end, whenever its
questions allow it: the first minutes of a diagnostic should not be three matching grids. Singles, most of
every exam, may follow one another as on the real exam.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence

from core.exam.bank import Bank
from core.exam.model import QuestionType

Unit = tuple[str, ...]  # one question, or a case study's questions in the bank's order
RUN = 3
TRIES = 12  # layouts tried before the one with the fewest faults is kept; the first one fits on real banks
SINGLE = QuestionType.SINGLE


def units(bank: Bank, ids: Iterable[str]) -> list[Unit]:
    """`ids` as units, in their order: the questions of one case study among them make one unit, placed
    where the first of them comes; every other question is a unit of its own."""
    ids = list(ids)
    sets: dict[str, list[str]] = {}
    for qid in ids:
        case = bank[qid].case
        if case is not None:
            sets.setdefault(case, []).append(qid)
    rank = {qid: n for n, qid in enumerate(bank.questions)} if sets else {}
    out: list[Unit] = []
    for qid in ids:
        case = bank[qid].case
        if case is None:
            out.append((qid,))
        elif sets[case][0] == qid:  # the set's first question in `ids` places it
            out.append(tuple(sorted(sets[case], key=rank.__getitem__)))
    return out


def size(chosen: Iterable[Unit]) -> int:
    return sum(len(unit) for unit in chosen)


def fill(ranked: Sequence[Unit], count: int) -> list[Unit]:
    """Units in rank order that add up to `count` questions, or to as many as whole units can make: a unit
    that would overshoot, or leave a gap the units after it cannot fill exactly, is passed over."""
    if count <= 0:
        return []
    cap = (1 << (count + 1)) - 1
    # makes[i] has bit s set when some of ranked[i:] add up to exactly s questions
    makes = [1] * (len(ranked) + 1)
    for i in range(len(ranked) - 1, -1, -1):
        makes[i] = (makes[i + 1] | makes[i + 1] << len(ranked[i])) & cap
    room = makes[0].bit_length() - 1
    out = []
    for i, unit in enumerate(ranked):
        if room == 0:
            break
        if len(unit) <= room and makes[i + 1] >> (room - len(unit)) & 1:
            out.append(unit)
            room -= len(unit)
    return out


def faults(types: Sequence[QuestionType]) -> int:
    """Where a layout breaks the rule: each window of RUN questions of one non-single type."""
    return sum(1 for i in range(len(types) - RUN + 1) if types[i] is not SINGLE and len(set(types[i:i + RUN])) == 1)


def arrange(bank: Bank, chosen: Sequence[Unit], rng: random.Random) -> list[str]:
    """The chosen units in a random order, each case study's questions together, laid out by the rule when
    they allow it (else the layout with the fewest faults of TRIES)."""
    kinds = {unit: [bank[qid].type for qid in unit] for unit in chosen}
    best: list[Unit] = []
    least = -1
    for _ in range(TRIES):
        order = _lay_out(list(chosen), kinds, rng)
        found = faults([t for unit in order for t in kinds[unit]])
        if least < 0 or found < least:
            best, least = order, found
        if not found:
            break
    return [qid for unit in best for qid in unit]


def _lay_out(pool: list[Unit], kinds: dict[Unit, list[QuestionType]], rng: random.Random) -> list[Unit]:
    """A shuffle, then unit by unit the first that adds no fault and leaves the rest separable; failing
    that the first that adds no fault; failing that the first."""
    rng.shuffle(pool)
    left = Counter(t for unit in pool for t in kinds[unit])
    laid: list[QuestionType] = []
    out: list[Unit] = []
    while pool:
        pick = (next((u for u in pool if _fits(laid, kinds[u], left)), None)
                or next((u for u in pool if _fits(laid, kinds[u], None)), pool[0]))
        pool.remove(pick)
        out.append(pick)
        laid += kinds[pick]
        left.subtract(kinds[pick])
    return out


def _fits(laid: list[QuestionType], adding: list[QuestionType], left: Counter[QuestionType] | None) -> bool:
    """Whether `adding` after `laid` adds no fault; given `left` (the types still to lay, these included),
    also whether no non-single type is left with more questions than the others can separate."""
    if faults(laid[-(RUN - 1):] + adding):  # every window it could break holds one of its questions
        return False
    if left is not None:
        rest = left - Counter(adding)
        others = sum(rest.values())
        if any(t is not SINGLE and n > (RUN - 1) * (others - n + 1) for t, n in rest.items()):
            return False
    return True
