"""The platform-neutral round layout: what gives way when a message is too long, and button rows."""

from __future__ import annotations

from datetime import UTC, datetime

from core.exam.model import QuestionType
from core.rounds.layout import Action, Cut, Section, card_buttons, card_layout, fit
from core.rounds.view import RoundCard

CARD_FIELDS = dict(round_id=7, position=2, total=5, stem="Which store?", select=2, answered=3,
                   closes_at=datetime(2026, 12, 7, tzinfo=UTC), seconds=45)


def length(sections) -> int:
    return sum(len(s.text) for s in sections) + 2 * (len(sections) - 1)


SECTIONS = [Section("Title"), Section("x" * 300, cut=Cut.DROP), Section("The stem " * 40, cut=Cut.SHORTEN),
            Section("A) one\nB) two"), Section("👥 3 answered")]


def test_everything_stays_when_it_fits():
    assert fit(SECTIONS, 10_000, length) == SECTIONS


def test_the_optional_parts_go_first_then_the_stem_is_shortened_never_the_options_or_the_count():
    without = fit(SECTIONS, length(SECTIONS) - 1, length)
    assert [s.text for s in without] == [SECTIONS[0].text, *(s.text for s in SECTIONS[2:])]
    for limit in (200, 100, 60):
        cut = fit(SECTIONS, limit, length)
        assert length(cut) <= limit
        assert cut[1].text.endswith("…") and cut[1].text.startswith("The stem")
        assert [s.text for s in cut[2:]] == ["A) one\nB) two", "👥 3 answered"]
    tightest = fit(SECTIONS, length(fit(SECTIONS, 60, length)), length)
    assert length(tightest) == length(fit(SECTIONS, 60, length))  # the longest head that fits, not less


def test_a_six_option_multi_question_keeps_within_five_buttons_a_row():
    card = RoundCard(kind=QuestionType.MULTI, choices=[f"c{k}" for k in range(6)], **CARD_FIELDS)
    rows = card_buttons(card, per_row=5)
    assert [[b.label for b in row] for row in rows] == [["A", "B", "C", "D", "E"], ["F"], ["Submit"]]
    assert {b.action for b in rows[0] + rows[1]} == {Action.TOGGLE} and rows[2][0].action is Action.SUBMIT
    assert [len(row) for row in card_buttons(card, per_row=8)] == [6, 1]


def test_a_single_answer_card_answers_in_one_tap_and_carries_its_deadline():
    card = RoundCard(kind=QuestionType.SINGLE, choices=["a", "b", "c", "d"], **CARD_FIELDS)
    shown = card_layout(card, per_row=5)
    assert [(b.label, b.action, b.choice) for b in shown.buttons[0]] == [
        ("A", Action.ANSWER, 0), ("B", Action.ANSWER, 1), ("C", Action.ANSWER, 2), ("D", Action.ANSWER, 3)]
    assert shown.closes_at == CARD_FIELDS["closes_at"]
    assert shown.sections[0].text == "Round · question 3 of 5 · 45 s to answer"
    assert shown.sections[-1].text == "👥 3 answered"
