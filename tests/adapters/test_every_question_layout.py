"""Every question of every exam in questions/, drawn by both chat adapters as a quiz card and as a round
question (live and revealed): within each platform's limits, and accepted by the real chat libraries.

Discord refuses a sixth button in a row ("item would not fit at row 0 (6 > 5 width)"): a six-option
multi-response question once kept a round from starting. discord.py's View is built here for real, so a
layout it would refuse fails this test; Telegram's callback_data is encoded for real (64 bytes at most).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.discord import render as discord_render
from adapters.discord import round_render as discord_rounds
from adapters.discord import views
from adapters.discord.rounds import DYNAMIC_ITEMS as ROUND_ITEMS
from adapters.telegram import render as telegram_render
from adapters.telegram import round_render as telegram_rounds
from core.exam.bank import load_bank
from core.exam.model import Question, QuestionType
from core.quiz import engine
from core.reply import Reply
from core.rounds import layout
from core.rounds.view import Reason, Reveal, RoundCard, Standing

NOW = datetime(2026, 12, 7, tzinfo=UTC)
EXAMS = sorted(p.parent for p in (Path(__file__).parents[2] / "questions").glob("*/exam.yaml"))
BIG = 10**11  # a long-lived database's ids: the custom_ids and callback_data must still fit


def _discord_ok(chunk: discord_render.Chunk, items=views.DYNAMIC_ITEMS) -> None:
    assert len(chunk.rows) <= discord_render.ROWS_LIMIT
    for row in chunk.rows:
        assert len(row) <= discord_render.ROW_WIDTH
        assert all(len(item.custom_id) <= 100 for item in row)
    if chunk.rows:
        views.build(chunk.rows, items)  # discord.py itself refuses a row that is too wide
    if chunk.embed is not None:
        assert discord_render.size(chunk.embed.description or "") <= discord_render.DESCRIPTION_LIMIT
        assert len(chunk.embed) <= discord_render.EMBED_LIMIT
    if chunk.content is not None:
        assert discord_render.size(chunk.content) <= discord_render.CONTENT_LIMIT


def _telegram_ok(text: str, keyboard) -> None:
    assert telegram_render.utf16_len(text) <= telegram_render.MESSAGE_LIMIT
    if keyboard is not None:
        assert all(len(b.callback_data.encode()) <= 64 for row in keyboard.inline_keyboard for b in row)


def _round_card(q: Question) -> RoundCard:
    return RoundCard(round_id=BIG, position=19, total=20, kind=q.type, stem=q.stem,
                     choices=[o.text for o in q.options], select=sum(o.correct for o in q.options), answered=0,
                     closes_at=NOW, seconds=45, exhibit=q.exhibit)


@pytest.mark.parametrize("folder", EXAMS, ids=lambda p: p.name)
def test_every_question_fits_both_adapters_as_a_quiz_card_and_a_round_question(folder):
    bank = load_bank(folder)
    ids = list(bank.questions)
    session = engine.Session(learner_id=1, mode=engine.Mode.DRILL, question_ids=ids,
                             orders=[list(range(bank[i].size)) for i in ids], started_at=NOW, id=BIG)
    six = 0
    for position, q in enumerate(bank[i] for i in ids):
        card = engine.card(session, bank, NOW, position)
        for chunk in discord_render.card_chunks(card):
            _discord_ok(chunk)
        for text, keyboard in telegram_render.messages(Reply(card=card)):
            _telegram_ok(text, keyboard)
        if q.type not in (QuestionType.SINGLE, QuestionType.MULTI):
            continue  # rounds ask single- and multiple-answer questions only
        six += len(q.options) == 6
        live = _round_card(q)
        reveal = Reveal(card=live, reason=Reason.TIME, correct=["A) " + q.options[0].text], why=q.explanation,
                        right=[("Ann", 1.5)], answered=1, standings=[Standing(1, "Ann", 100, 1, 1, 1500)])
        for shown in (layout.card_layout(live, discord_rounds.PER_ROW), layout.reveal_layout(reveal)):
            _discord_ok(discord_rounds.chunk(shown), ROUND_ITEMS)
        for shown in (layout.card_layout(live, telegram_rounds.PER_ROW), layout.reveal_layout(reveal)):
            _telegram_ok(telegram_rounds.text(shown), telegram_rounds.keyboard(shown))
    assert six > 0  # the bank has six-option questions, the case Discord once refused
