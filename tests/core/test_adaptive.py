"""Adaptive practice (core/adaptive): what /quiz and /drill mix serve, and how the ability model moves."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from core.adaptive import ability, select
from core.quiz.engine import Answer, Mode
from core.quiz.service import QuizService
from core.review.service import ReviewService
from tests.answers import as_text, right_response, wrong_response
from tests.fakes import InMemoryPlanStore, InMemoryReviewStore


def answered(qid: str, right: bool, at, n: int = 0, learner: int = 1) -> Answer:
    return Answer(n, 0, learner, qid, [], right, at, Mode.QUICK)


def test_a_pick_never_serves_a_question_answered_in_the_last_days_while_others_remain(bank, clock):
    ids = sorted(bank.questions)
    now = clock()
    recent = ids[:40]  # answered within the last RECENT_DAYS, some wrong, so their cards are due
    old = ids[40:60]  # answered long ago
    history = [answered(q, n % 2 == 0, now - timedelta(hours=n + 1), n) for n, q in enumerate(recent)]
    history = [answered(q, False, now - timedelta(days=select.RECENT_DAYS, minutes=n + 1), n)
               for n, q in enumerate(old)] + history
    difficulty = ability.difficulties(bank, {})
    learner = ability.estimate(bank, history, difficulty)
    due = recent[::2] + old[:5]  # due reviews: misses in both sets
    served = []
    for seed in range(300):
        rng = random.Random(seed)
        for count in (1, 10):
            picked = select.pick(bank, history, learner, difficulty, due, count, now, rng)
            assert len(picked) == count and len(set(picked)) == count
            assert not set(picked) & set(recent)
            served += picked
    assert set(served) & set(old[:5]) and set(served) - set(old)  # due reviews mixed in, fresh ones too


def test_once_everything_was_answered_the_ones_answered_longest_ago_come_back(bank, clock):
    ids = sorted(bank.questions)
    now = clock()
    history = [answered(q, True, now - timedelta(days=5 if n < 10 else 1), n) for n, q in enumerate(ids)]
    difficulty = ability.difficulties(bank, {})
    learner = ability.estimate(bank, history, difficulty)
    for seed in range(100):
        assert set(select.pick(bank, history, learner, difficulty, [], 1, now, random.Random(seed))) <= set(ids[:10])
    everything_recent = [answered(q, True, now - timedelta(hours=1), n) for n, q in enumerate(ids)]
    assert select.pick(bank, everything_recent, learner, difficulty, [], 10, now, random.Random(1))  # not stuck


async def test_quick_questions_and_their_reviews_never_repeat_within_days_while_unseen_remain(bank, memory_store,
                                                                                            clock):
    reviews = ReviewService(bank, InMemoryReviewStore(), InMemoryPlanStore(), memory_store, clock=clock)
    quiz = QuizService(bank, memory_store, clock=clock, rng=random.Random(11), reviews=reviews)
    lid = await quiz.learner("console", "x")
    rng = random.Random(5)
    last: dict[str, object] = {}
    for _ in range(2 * len(bank.questions)):
        card = (await quiz.quick(lid)).card
        session = memory_store.sessions[card.session_id]
        qid = session.question_ids[0]
        if len(last) < len(bank.questions):  # unseen remain: nothing answered within RECENT_DAYS comes back
            assert qid not in last or clock() - last[qid] >= timedelta(days=select.RECENT_DAYS)
        q = bank[qid]
        response = (right_response if rng.random() < 0.6 else wrong_response)(q, session.orders[0])
        await quiz.answer_text(lid, as_text(q.type, response))
        last[qid] = clock()
        clock.advance(hours=1)
    assert len(last) == len(bank.questions)  # every question came, between the due reviews


async def test_a_mix_drill_serves_ten_at_the_learners_level_and_the_menu_offers_it(bank, memory_store, clock):
    quiz = QuizService(bank, memory_store, clock=clock, rng=random.Random(2))
    lid = await quiz.learner("console", "x")
    menu = await quiz.drill(lid, None)
    assert "/drill mix: 10 questions across the exam, chosen for your level" in menu.text
    assert menu.menu[0] == ("Mix: chosen for your level", "/drill mix")
    started = await quiz.drill(lid, "MIX")
    assert "MLA-C01 drill on the whole exam, at your level: 10 questions." in started.text
    session = memory_store.sessions[started.card.session_id]
    assert session.scope is None and len(set(session.question_ids)) == 10


def test_ability_moves_the_right_way(bank, clock):
    difficulty = ability.difficulties(bank, {})
    tasks = bank.by_task("2.1")
    base = ability.estimate(bank, [], difficulty)
    right = ability.estimate(bank, [answered(q.id, True, clock(), n) for n, q in enumerate(tasks)], difficulty)
    wrong = ability.estimate(bank, [answered(q.id, False, clock(), n) for n, q in enumerate(tasks)], difficulty)
    assert wrong.of("2.1") < base.of("2.1") < right.of("2.1")
    # the other task statements borrow some of it, less than the one answered
    assert base.of("3.1") < right.of("3.1") < right.of("2.1")
    assert right.answered == len(tasks) and base.answered == 0
    # an answer given again counts once, as its latest verdict
    again = [answered(tasks[0].id, False, clock(), 0), answered(tasks[0].id, True, clock(), 1)]
    once = ability.estimate(bank, again[1:], difficulty)
    assert ability.estimate(bank, again, difficulty).of("2.1") == once.of("2.1")


def test_item_difficulty_starts_at_the_authors_level_and_learns_from_first_answers(bank):
    by_level = {q.difficulty: q for q in bank.questions.values() if q.type.value == "single"}
    easy, medium, hard = by_level[1], by_level[2], by_level[3]
    difficulty = ability.item_difficulty
    assert difficulty(easy, 0, 0) < difficulty(medium, 0, 0) < difficulty(hard, 0, 0)
    easy_in_practice = difficulty(hard, 50, 48)
    hard_in_practice = difficulty(easy, 50, 5)
    assert easy_in_practice < difficulty(hard, 0, 0) and hard_in_practice > difficulty(easy, 0, 0)
    assert easy_in_practice < hard_in_practice  # enough answers outweigh the author's level
    assert difficulty(medium, 500, 450) < difficulty(medium, 5, 4.5) < difficulty(medium, 0, 0)


def test_a_blind_guess_is_the_floor_of_every_chance(bank):
    for q in bank.questions.values():
        floor = ability.blind_guess(q)
        assert 0 < floor <= 0.25 and ability.chance(-20, 0, floor)[0] == pytest.approx(floor)
    assert {ability.blind_guess(q) for q in bank.by_task("1.1")} == {1 / 4, 1 / 10, 1 / 24, 1 / 6}


def test_practice_aims_at_the_weak_task_statements(bank, clock):
    difficulty = ability.difficulties(bank, {})
    history = [answered(q.id, q.task != "1.1", clock() - timedelta(days=10), n)
               for n, q in enumerate(bank.questions.values()) if q.domain == 1]
    learner = ability.estimate(bank, history, difficulty)
    counts = {"1.1": 0, "1.2": 0}
    for seed in range(300):
        task = bank[select.pick(bank, history, learner, difficulty, [], 1, clock(), random.Random(seed))[0]].task
        counts[task] = counts.get(task, 0) + 1
    assert counts["1.1"] > 1.5 * counts["1.2"]  # missed everywhere there: half again as many picks or more


async def test_item_difficulties_learn_from_every_learner_and_are_reread_after_a_while(bank, memory_store, clock):
    quiz = QuizService(bank, memory_store, clock=clock, rng=random.Random(2))
    qid = sorted(bank.questions)[0]
    before = (await quiz.practice.difficulty(bank))[qid]
    memory_store.answers += [answered(qid, False, clock(), 0, learner) for learner in range(1, 30)]
    assert (await quiz.practice.difficulty(bank))[qid] == before  # cached
    clock.advance(minutes=11)
    assert (await quiz.practice.difficulty(bank))[qid] > before  # everyone missed it: harder


def test_a_weaker_population_makes_every_question_harder_together(bank):
    assert ability.population_offset(bank, {}) == 0.0
    weak = {qid: (40, 12) for qid in bank.questions}
    strong = {qid: (40, 36) for qid in bank.questions}
    assert ability.population_offset(bank, weak) > 0.5 > -0.5 > ability.population_offset(bank, strong)
    qid = sorted(bank.questions)[0]
    assert ability.difficulties(bank, weak)[qid] > ability.difficulties(bank, {})[qid]
