"""Telegram's limits, kept by the renderer: message size, whole tags, callback_data, toast length."""

from __future__ import annotations

from adapters.telegram import codec, render
from adapters.telegram.render import Fragment, pack
from core.model import QuestionType
from core.reply import QuestionCard
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
