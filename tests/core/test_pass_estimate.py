"""The pass estimate (core/adaptive/estimate.py): shown from 20 questions answered, never lowered by a right
answer, wide while data is thin; in /stats and a diagnostic's or mock's report, for the exam studied."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from core.adaptive import ability, estimate
from core.quiz.engine import Answer, Mode
from core.quiz.service import QuizService
from tests.answers import any_valid, submit_if_last
from tests.conftest import RETAGGED


def answered(qid: str, right: bool, at, n: int, learner: int = 1) -> Answer:
    return Answer(n, 0, learner, qid, [], right, at, Mode.QUICK)


def chance(bank, history) -> estimate.PassEstimate:
    difficulty = ability.difficulties(bank, {})
    return estimate.pass_estimate(bank, ability.estimate(bank, history, difficulty), difficulty)


def line(bank, history) -> str:
    difficulty = ability.difficulties(bank, {})
    return estimate.estimate_line(bank, ability.estimate(bank, history, difficulty), difficulty)


def test_below_twenty_questions_it_says_how_many_more(bank, clock):
    ids = sorted(bank.questions)
    assert line(bank, []) == "Pass estimate: answer 20 more questions to see your estimate."
    nineteen = [answered(q, True, clock(), n) for n, q in enumerate(ids[:19])]
    repeats = [answered(ids[0], False, clock(), 19 + n) for n in range(5)]  # the same question again counts once
    assert line(bank, nineteen + repeats) == "Pass estimate: answer 1 more question to see your estimate."
    shown = line(bank, nineteen + [answered(ids[19], True, clock(), 19)])
    assert shown.startswith("Pass estimate: ") and "% chance of 720 or more; expected scaled score " in shown
    assert "from 20 questions answered" in shown


@pytest.mark.parametrize("seed", range(40))
def test_more_right_answers_never_lower_it(bank, clock, seed):
    rng = random.Random(seed)
    ids = sorted(bank.questions)
    rng.shuffle(ids)
    size = rng.randint(20, len(ids) - 1)
    history = [answered(q, rng.random() < rng.random(), clock(), n) for n, q in enumerate(ids[:size])]
    before = chance(bank, history)
    for n, a in enumerate(history):
        if not a.correct:  # a wrong answer turned right
            flipped = history[:n] + [answered(a.question_id, True, clock(), n)] + history[n + 1:]
            after = chance(bank, flipped)
            assert after.chance >= before.chance - 1e-12 and after.expected >= before.expected
            break
    more = chance(bank, history + [answered(ids[size], True, clock(), size)])  # one more, right
    assert more.chance >= before.chance - 1e-12 and more.expected >= before.expected
    everything_right = chance(bank, [answered(q, True, clock(), n) for n, q in enumerate(ids[:size])])
    assert everything_right.chance >= before.chance


def test_the_range_is_wide_while_data_is_thin(bank, clock):
    ids = sorted(bank.questions)
    few = chance(bank, [answered(q, n % 4 != 0, clock(), n) for n, q in enumerate(ids[:20])])
    many = chance(bank, [answered(q, n % 4 != 0, clock(), n) for n, q in enumerate(ids)])
    assert few.high - few.low > many.high - many.low
    assert 100 <= few.low <= few.expected <= few.high <= 1000


async def _finish_form(quiz: QuizService, lid: int, start) -> str:
    reply = await start
    while reply.card is not None:
        reply = await quiz.answer_text(lid, any_valid(reply.card))
    return (await submit_if_last(quiz, lid, reply)).text


async def test_stats_and_the_mock_report_show_it_beside_readiness(bank, memory_store, clock):
    quiz = QuizService(bank, memory_store, clock=clock, rng=random.Random(3))
    lid = await quiz.learner("console", "x")
    assert "Pass estimate: answer 20 more questions to see your estimate." in (await quiz.stats(lid)).paragraphs
    text = await _finish_form(quiz, lid, quiz.mock(lid, 5))
    assert "Pass estimate: answer 15 more questions to see your estimate." in text
    assert text.index("readiness") < text.index("Pass estimate") < text.index("Next: drill")
    text = await _finish_form(quiz, lid, quiz.mock(lid, 20))
    assert "% chance of 720 or more" in text and "from 25 questions answered" in text
    stats = (await quiz.stats(lid)).paragraphs
    readiness = next(i for i, p in enumerate(stats) if p.startswith("Readiness"))
    assert stats[readiness + 1].startswith("Pass estimate: ") and "% chance of 720 or more" in stats[readiness + 1]


async def test_the_diagnostic_report_shows_it(bank, memory_store, clock):
    quiz = QuizService(bank, memory_store, clock=clock, rng=random.Random(4))
    lid = await quiz.learner("console", "x")
    text = await _finish_form(quiz, lid, quiz.diagnostic(lid))
    assert "Pass estimate: " in text and "from 65 questions answered" in text


async def test_both_exams_each_counts_its_own_questions(exams, memory_store, clock):
    quiz = QuizService(exams, memory_store, clock=clock, rng=random.Random(5))
    lid = await quiz.learner("console", "x")
    c01, c02 = exams["mla-c01"], exams["mla-c02"]
    only_c01 = [q for q in c01.questions if q not in c02.questions]
    shared = [q for q in c01.questions if q in c02.questions and q != RETAGGED]
    memory_store.answers += [answered(q, True, clock() - timedelta(days=9), 10_000 + n, lid)
                             for n, q in enumerate(only_c01 + shared[:10])]
    await quiz.store.set_exam(lid, "mla-c02")
    assert "Pass estimate: answer 10 more questions to see your estimate." in (await quiz.stats(lid)).paragraphs
    for _ in range(5):  # practice serves the exam studied, and none of what was answered
        card = (await quiz.drill(lid, "mix")).card
        ids = memory_store.sessions[card.session_id].question_ids
        assert set(ids) <= set(c02.questions) and not set(ids) & set(shared[:10])
    await quiz.store.set_exam(lid, "mla-c01")
    assert any("MLA-C01" in p for p in (await quiz.stats(lid)).paragraphs)
    assert any(p.startswith("Pass estimate: ") and "chance of 720" in p for p in (await quiz.stats(lid)).paragraphs)


def test_a_near_certainty_is_not_worded_as_a_certainty(bank, clock):
    ids = sorted(bank.questions)
    assert "over 99% chance of 720" in line(bank, [answered(q, True, clock(), n) for n, q in enumerate(ids)])
    assert "under 1% chance of 720" in line(bank, [answered(q, False, clock(), n) for n, q in enumerate(ids)])
