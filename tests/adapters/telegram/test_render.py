"""Telegram's limits, kept by the renderer: message size, whole tags, callback_data, toast length."""

from __future__ import annotations

from adapters.telegram import codec, render
from adapters.telegram.render import Fragment, pack
from core.exam.model import QuestionType
from core.reply import QuestionCard, Reply
from tests.adapters.telegram.standin import parse_html


def test_long_text_is_split_at_paragraphs_and_every_piece_is_valid_html():
    paragraphs = [Fragment("x" * 3000), Fragment("<y> & z " * 100), Fragment("line\n" * 1500, "pre")]
    messages = pack(paragraphs)
    assert len(messages) >= 3
    shown = []
    for message in messages:
        error, text = parse_html(message)
        assert error is None and render.utf16_len(text) <= 4096 and render.utf16_len(message) <= 4096
        shown.append(text)
    assert "".join(shown).replace("\n", "").count("line") == 1500
    assert messages[0] == "x" * 3000  # the second paragraph would not fit beside it, and is not cut


def test_emoji_count_twice_toward_the_limit():
    messages = pack([Fragment("😀" * 3000)])
    assert len(messages) == 2 and all(render.utf16_len(m) <= 4096 for m in messages)


def test_callback_data_stays_within_64_bytes_and_rejects_forgeries():
    card = QuestionCard(session_id=10**11, position=64, total=65, progress="Q 65/65", kind=QuestionType.ORDERING,
                        stem="s", choices=list("abcde"))
    keyboard = render.card_keyboard(card, "EDCB")
    datas = [b.callback_data for row in keyboard.inline_keyboard for b in row]
    assert datas and all(len(d.encode()) <= 64 for d in datas)
    assert all(codec.decode(d) is not None for d in datas)
    for forged in ("", "a", "a:1", "a:x:0:1", "t:1:0:abc", "x:1:0:1", "c:format", "D:../../etc", "a:1:0:1:2"):
        assert codec.decode(forged) is None, forged


def test_toast_is_cut_to_200_characters():
    assert len(render.toast("w" * 500)) == 200 and render.toast("short") == "short"


def test_verdict_goes_under_its_question_only_when_both_fit_one_message():
    card = QuestionCard(session_id=3, position=0, total=10, progress="Q 1/10", kind=QuestionType.MULTI,
                        stem="Pick two <services> & why", choices=["SageMaker", "Glue", "EMR"], select=2)
    short = Reply(["❌ Not quite. Correct: A C."], actions=["explain"], answered=(3, 0), answered_card=card,
                  card=QuestionCard(session_id=3, position=1, total=10, progress="Q 2/10",
                                    kind=QuestionType.SINGLE, stem="next", choices=["a", "b"]))
    text, keyboard = render.verdict_message(short)
    error, shown = parse_html(text)
    assert error is None and shown.startswith("Q 1/10\n\nPick two <services> & why")
    assert shown.endswith("C) EMR\n\n❌ Not quite. Correct: A C.") and "Submit" not in shown  # no how-to-answer
    assert [b.text for row in keyboard.inline_keyboard for b in row] == ["Explain"]  # the next card is separate
    too_long = Reply(["why " * 1100], answered=(3, 0), answered_card=card)
    assert render.verdict_message(too_long) is None  # sent as messages of its own instead
    assert render.verdict_message(Reply(["Answer recorded."])) is None  # timed modes: no verdict to place
