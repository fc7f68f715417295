"""The keys a chat draws for a diagnostic or mock (core/quiz/exam_keys.py): the moves under a question, the
review screen's grid paged at a chat's size, the confirmation and recap controls, and press() refusing a key
drawn for another attempt, another learner or a question moved away from; and the binding of an answer to
the question a chat showed (core/quiz/binding.py)."""

from __future__ import annotations

import pytest

from core.exam.exams import Exams
from core.quiz import exam_keys, key_press
from core.quiz.binding import Binding, Sent, bind_shown, tapped
from core.quiz.exam_keys import Act, Key
from core.quiz.exam_service import ExamService
from core.quiz.service import QuizService
from core.reply import ExamScreen


@pytest.fixture
def quiz(bank, memory_store, clock, rng) -> QuizService:
    return QuizService(Exams.of(bank), memory_store, clock=clock, rng=rng)


async def test_a_question_card_carries_its_moves_as_keys(quiz):
    lid = await quiz.learner("console", "ann")
    card = (await quiz.mock(lid)).card
    assert [(k.label, k.act, k.number) for k in exam_keys.card_keys(card)] == [
        ("⚑ Flag", Act.FLAG, 1), ("Skip ▶", Act.SKIP, 1), ("Review screen", Act.REVIEW, 1),
        ("Submit attempt", Act.SUBMIT, 1)]
    flagged = await ExamService(quiz).flag(lid)
    assert [k.act for k in exam_keys.card_keys(flagged.card)][0] is Act.UNFLAG
    drill = (await quiz.drill(await quiz.learner("console", "bob"), "1.1")).card
    assert exam_keys.card_keys(drill) == []  # a drill moves forward only


def test_the_review_grid_pages_at_the_chats_size():
    shown = ExamScreen("review", 7, 65, 12, answered=(1, 2, 12), flagged=(2, 40))
    grid, controls = exam_keys.screen_keys(shown, 40)
    assert [k.label for k in grid[:3]] == ["1✓", "2✓⚑", "3"] and grid[11].label == "▸12✓" and len(grid) == 40
    assert all(k.act is Act.GOTO and k.session == 7 for k in grid)
    assert [(k.label, k.act, k.number) for k in controls] == [
        ("41–65 ▶", Act.PAGE, 1), ("Back to Q12", Act.RETURN, 0), ("Submit attempt", Act.SUBMIT, 0)]
    grid, controls = exam_keys.screen_keys(ExamScreen("review", 7, 65, 12, page=3), 20)
    assert [k.number for k in grid] == [61, 62, 63, 64, 65] and controls[0].label == "◀ 41–60"
    grid, controls = exam_keys.screen_keys(ExamScreen("review", 7, 65, 12, page=99), 20)  # a forged page: the last
    assert grid[0].number == 61
    assert exam_keys.screen_keys(ExamScreen("confirm", 7, 65, 12), 20) == (
        [], [Key("Yes, submit", Act.CONFIRM, 7), Key("Keep going", Act.RETURN, 7)])
    assert [k.label for k in exam_keys.screen_keys(ExamScreen("recap", 3, 20, 1), 20)[1]] == ["Next ▶", "All attempts"]


async def test_press_refuses_another_attempts_or_learners_key_and_changes_nothing(quiz, memory_store):
    ann, bob = await quiz.learner("console", "ann"), await quiz.learner("console", "bob")
    exam = ExamService(quiz)
    sid = (await quiz.mock(ann)).card.session_id
    for who, act, session, number in ((bob, Act.CONFIRM, sid, 0), (ann, Act.GOTO, sid + 1, 3),
                                      (ann, Act.RECAP, sid, 1), (bob, Act.FLAG, sid, 1)):
        refused = await key_press.press(exam, who, act, session, number)
        assert refused.refused and refused.paragraphs == [exam_keys.STALE_KEY]
    await key_press.press(exam, ann, Act.FLAG, sid, 1)
    again = await key_press.press(exam, ann, Act.FLAG, sid, 1)  # a second Flag drawn before the first tap
    assert again.refused and again.paragraphs == ["Question 1 is flagged already. Nothing was changed."]
    page = await key_press.press(exam, ann, Act.PAGE, sid, 1)
    assert page.exam is not None and page.exam.page == 1 and page.exam.flagged == (1,)
    session = await memory_store.active_session(ann)
    assert (session.flags, session.position, session.finished) == ([0], 0, False)


async def test_an_answer_is_bound_to_the_question_the_chat_showed(quiz, memory_store, clock):
    lid = await quiz.learner("telegram", "ann")
    sid = (await quiz.diagnostic(lid)).card.session_id
    await ExamService(quiz).goto(lid, 5)  # another window moved the session on
    session = await memory_store.active_session(lid)
    assert bind_shown(session, Sent(form=(sid, 1)), clock()) is Binding.PENDING and session.position == 1
    session = await memory_store.active_session(lid)
    assert bind_shown(session, Sent(form=(sid + 9, 1)), clock()) is Binding.PENDING and session.position == 4
    assert bind_shown(session, Sent(form=(sid, 70)), clock()) is Binding.PENDING and session.position == 4
    assert tapped(session, sid, 2, clock()) and session.position == 2
    assert not tapped(session, sid + 1, 2, clock()) and not tapped(session, sid, 65, clock())
    assert not tapped(session, sid, 3, clock(), shown=False) and session.position == 2  # the page: refused
    bob = await quiz.learner("telegram", "bob")
    drill = (await quiz.drill(bob, "1.1")).card
    other = await memory_store.active_session(bob)
    assert not tapped(other, drill.session_id, 3, clock()) and other.position == 0  # a drill never moves back
