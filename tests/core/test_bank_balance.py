"""The shipped banks give a test-wise learner no shortcut, and MLA-C02 is weighted and covered as the exam is.

These guard the content rules: a batch that makes the correct option habitually the longest (or never),
that lets "always"/"never" mark the wrong options, or that leaves a skill of the exam without questions,
fails here before it reaches a learner.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from core.exam.bank import load_bank
from core.exam.cues import cues, echoes
from core.exam.model import Option, Question, QuestionType, Stage

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"
EXAMS = sorted(p.parent.name for p in QUESTIONS.glob("*/exam.yaml"))


@pytest.fixture(scope="module", params=EXAMS)
def bank(request):
    return load_bank(QUESTIONS / request.param)


def test_option_length_gives_nothing_away(bank):
    c = cues(bank)
    assert 0.15 <= c.longest / c.singles <= 0.30
    assert c.shortest / c.singles <= 0.30


def test_absolute_words_do_not_mark_the_wrong_options(bank):
    c = cues(bank)
    assert c.absolute_wrong <= max(c.absolute_right, 5)


def test_no_correct_option_alone_echoes_the_stem(bank):
    assert cues(bank).echoes == []


def test_mla_c02_domain_shares_are_the_exam_weights_and_every_skill_has_three_questions():
    bank = load_bank(QUESTIONS / "mla-c02")
    shares = Counter(q.domain for q in bank.questions.values())
    total = sum(shares.values())
    for domain in bank.exam.domains:
        assert abs(100 * shares[domain.number] / total - domain.weight) <= 2, domain.number
    per_skill = Counter(s for q in bank.questions.values() for s in q.skills)
    assert [s for s in bank.exam.skills if per_skill[s] < 3] == []
    assert sum(1 for q in bank.questions.values() if bank.in_forms(q)) >= 650  # ten full forms' worth


def _single(stem: str, right: str, *wrong: str) -> Question:
    return Question(id="d1-1.1-001", task="1.1", stage=Stage.DATA, type=QuestionType.SINGLE, difficulty=2,
                    services=["Amazon Forecast"], stem=stem,
                    options=[Option(text=right, correct=True, why="w"), *(Option(text=t, correct=False, why="w")
                                                                            for t in wrong)],
                    explanation="e. e.", takeaway="t", references=["https://docs.aws.amazon.com/x"])


def test_an_echo_is_caught_and_a_shared_term_is_not():
    stem = "A retailer needs nightly demand forecasts for thousands of products with minimal effort."
    assert echoes(_single(stem, "Generate nightly demand forecasts for the products", "Use Glue", "Use EMR",
                          "Use Redshift"))
    assert not echoes(_single(stem, "Generate nightly demand forecasts", "Run nightly demand scripts on EC2",
                              "Use EMR", "Use Redshift"))
