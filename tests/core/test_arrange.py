"""Forms and drills keep a case study's questions together and in order, count them toward the domain
weights, and never run three questions of one non-single type (three matching, three ordering, three
multiple-response), at the start or anywhere."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.exam.bank import Bank
from core.exam.exams import load_exams
from core.exam.model import Case, Question, QuestionType
from core.quiz import selection
from core.quiz.arrange import arrange, fill, units
from core.quiz.engine import Answer, Mode
from tests.conftest import fixture_questions

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"
SINGLE = QuestionType.SINGLE
CASE = "case-1.1-shop"


def _question(task: str, number: int, kind: str, case: str | None = None) -> Question:
    """A valid question of `kind` for `task`, from the generated bank's templates."""
    template = next(q for q in fixture_questions(task) if q["type"] == kind)
    return Question.model_validate({**template, "id": f"d{task[0]}-{task}-{number:03d}", "case": case})


def _bank(exam, per_task: dict[str, int], cases: dict[str, list[str]] | None = None) -> Bank:
    """Every task of `exam` with per_task[kind] questions of each kind; `cases` adds, to task 1.1, a case
    study per id with questions of the kinds listed, in that order."""
    questions: list[Question] = []
    for task in exam.tasks:
        number = 0
        for kind, count in per_task.items():
            for _ in range(count):
                number += 1
                questions.append(_question(task, number, kind))
        if task == "1.1":
            for case, kinds in (cases or {}).items():
                for kind in kinds:
                    number += 1
                    questions.append(_question(task, number, kind, case))
    return Bank(exam=exam, questions={q.id: q for q in questions},
                cases={c: Case(id=c, title="A shop", scenario="A shop sells things.") for c in cases or {}})


def _types(bank: Bank, ids: list[str]) -> list[QuestionType]:
    return [bank[qid].type for qid in ids]


def _breaks(types: list[QuestionType]) -> list[str]:
    """What is wrong with a layout, said independently of the code under test."""
    out = []
    for i in range(len(types) - 2):
        if types[i] is not SINGLE and types[i] == types[i + 1] == types[i + 2]:
            out.append(f"three {types[i]} from question {i + 1}")
    return out


def _case_sets(bank: Bank) -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    for q in bank.questions.values():  # bank order: the order a case study's questions are written in
        if q.case:
            sets.setdefault(q.case, []).append(q.id)
    return sets


def _split_cases(bank: Bank, ids: list[str], usable=lambda q: True) -> list[str]:
    """Each case study shown only in part, apart, or out of order."""
    out = []
    for case, members in _case_sets(bank).items():
        members = [m for m in members if usable(bank[m])]
        shown = [qid for qid in ids if qid in members]
        if shown and (shown != members or ids[ids.index(shown[0]):][:len(members)] != members):
            out.append(f"{case}: {shown} of {members}")
    return out


def test_fill_takes_whole_units_in_rank_order_up_to_the_count():
    assert fill([("a", "b", "c"), ("d",), ("e", "f")], 4) == [("a", "b", "c"), ("d",)]
    # the set of three would leave a gap of one that nothing after it fills: the pairs make four
    assert fill([("a", "b", "c"), ("d", "e"), ("f", "g")], 4) == [("d", "e"), ("f", "g")]
    assert fill([("a", "b", "c"), ("d", "e")], 4) == [("a", "b", "c")]  # as close as whole units get
    assert fill([("a",), ("b", "c")], 10) == [("a",), ("b", "c")]
    assert fill([("a",)], 0) == []


def test_a_form_heavy_in_matching_and_ordering_never_runs_three_of_them(bank):
    heavy = _bank(bank.exam, {"single": 1, "matching": 2, "ordering": 2, "multi": 1})
    for seed in range(150):
        for total in (20, heavy.exam.questions):
            ids = selection.form(heavy, total, [], frozenset(), random.Random(seed)).ids
            assert len(ids) == total and len(set(ids)) == total
            assert _breaks(_types(heavy, ids)) == [], (seed, total)


def test_two_multis_to_every_single_are_laid_out_in_the_one_way_that_fits(bank):
    """12 multiple-response and 6 single answers: only pairs of multis between singles fit (M M S M M S ...,
    or starting with a single), and the layout finds such an order every time."""
    mixed = _bank(bank.exam, {"single": 2, "multi": 4})
    ids = [q.id for q in mixed.by_task("1.1") + mixed.by_task("1.2") + mixed.by_task("1.3")]
    for seed in range(100):
        laid = arrange(mixed, units(mixed, ids), random.Random(seed))
        assert sorted(laid) == sorted(ids) and _breaks(_types(mixed, laid)) == [], seed


def test_a_case_study_comes_whole_in_order_and_counts_toward_its_domain(bank):
    cased = _bank(bank.exam, {"single": 2, "multi": 1}, {CASE: ["single", "multi", "single"],
                                                         "case-1.1-lab": ["matching", "matching"]})
    seen_case = 0
    for seed in range(150):
        pick = selection.form(cased, 20, [], frozenset(), random.Random(seed))
        assert _split_cases(cased, pick.ids) == [], seed
        assert Counter(cased[qid].domain for qid in pick.ids) == Counter(cased.exam.blueprint(20)), seed
        assert _breaks(_types(cased, pick.ids)) == [], seed
        seen_case += any(cased[qid].case for qid in pick.ids)
    assert seen_case > 0  # the sets did come up


def test_an_answered_case_study_question_makes_its_set_seen(bank):
    """One question of a case answered: the set is no longer unseen, so an unseen form leaves it out."""
    cased = _bank(bank.exam, {"single": 3, "multi": 1}, {CASE: ["single", "multi", "single"]})
    first = _case_sets(cased)[CASE][0]
    history = [Answer(1, 0, 1, first, [0], True, datetime(2026, 11, 1, tzinfo=UTC), Mode.QUICK)]
    for seed in range(50):
        pick = selection.form(cased, 20, history, frozenset(), random.Random(seed))
        assert pick.unseen and not any(cased[qid].case for qid in pick.ids), seed


def test_a_drill_keeps_a_case_study_whole_and_in_order(bank):
    """Task 1.1 holds eight questions and a case of three: a drill of ten takes the case whole (seven others
    and a part of the case would make ten too), together and in order."""
    cased = _bank(bank.exam, {"single": 4, "ordering": 2, "matching": 2}, {CASE: ["single", "single", "multi"]})
    for seed in range(100):
        ids = selection.drill(cased, "1.1", [], random.Random(seed))
        assert len(ids) == 10 and set(_case_sets(cased)[CASE]) <= set(ids), seed
        assert _split_cases(cased, ids) == [] and _breaks(_types(cased, ids)) == [], seed


@pytest.fixture(scope="module")
def real_exams():
    return load_exams(QUESTIONS)


@pytest.mark.parametrize("code", ["mla-c01", "mla-c02"])
def test_no_form_of_the_real_banks_breaks_the_rules(real_exams, code):
    """Property: over many seeds and histories, every diagnostic, beta form and mock of both exams keeps
    its case studies whole and in order, follows the domain weights and has no run of one type."""
    bank = real_exams[code]
    sizes = [bank.exam.questions, 20] + [f.questions for f in bank.exam.forms]
    every = list(bank.questions)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    for seed in range(60):
        rng = random.Random(seed)
        answered = rng.sample(every, rng.choice([0, 40, len(every) // 2, len(every) - 30]))
        history = [Answer(1, n, 1, qid, [0], True, start + timedelta(minutes=n), Mode.QUICK)
                   for n, qid in enumerate(answered)]
        for total in sizes:
            ids = selection.form(bank, total, history, frozenset(), random.Random(seed)).ids
            where = (code, seed, total, len(answered))
            assert len(ids) == total and len(set(ids)) == total, where
            assert all(bank.in_forms(bank[qid]) for qid in ids), where
            assert Counter(bank[qid].domain for qid in ids) == Counter(bank.exam.blueprint(total)), where
            assert _split_cases(bank, ids, bank.in_forms) == [], where
            assert _breaks(_types(bank, ids)) == [], where
