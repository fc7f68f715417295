"""Rendering: Discord's size limits, splitting without losing text, escaping, and the custom_id codec."""

from __future__ import annotations

import pytest

from adapters.discord import ids, render, views
from core.exam.model import QuestionType
from core.reply import QuestionCard, Reply

BIG_SESSION, BIG_POSITION = 10**18, 9999
SHAPES = {QuestionType.SINGLE: 4, QuestionType.MULTI: 6, QuestionType.ORDERING: 5, QuestionType.MATCHING: 7}


def card(kind: QuestionType = QuestionType.SINGLE, size: int = 4, text: int = 40, **extra) -> QuestionCard:
    fields = {
        "session_id": BIG_SESSION, "position": BIG_POSITION, "total": 65, "progress": "Q 12/65 · 1:47:03 left",
        "kind": kind, "stem": "Which option fits best? " + "x" * text, "choices": [f"Choice {i} " + "y" * text
                                                                                  for i in range(size)],
        "prompts": [f"Prompt {i} " + "z" * text for i in range(size)] if kind is QuestionType.MATCHING else [],
        "select": 3 if kind is QuestionType.MULTI else 1,
    }
    return QuestionCard(**{**fields, **extra})


def words(text: str) -> list[str]:
    return text.replace("```", " ").split()


def components(chunk: render.Chunk):
    return [spec for row in chunk.rows for spec in row]


def test_long_text_splits_at_lines_within_the_limit_and_loses_nothing():
    text = "\n\n".join(f"Paragraph {n}: " + "word " * 150 for n in range(20))
    pieces = render.split(text, render.CONTENT_LIMIT)
    assert len(pieces) > 1 and all(render.size(p) <= render.CONTENT_LIMIT for p in pieces)
    assert words("\n".join(pieces)) == words(text)


def test_a_line_longer_than_a_message_is_cut():
    pieces = render.split("a" * 4500, render.CONTENT_LIMIT)
    assert [len(p) for p in pieces] == [1996, 1996, 508]


def test_a_code_block_cut_in_two_is_closed_and_reopened():
    exhibit = "\n".join(f"line {n}: " + "metric=0.9 " * 10 for n in range(100))
    pieces = render.split(f"Look at this:\n```\n{exhibit}\n```\nThen answer.", render.DESCRIPTION_LIMIT)
    assert len(pieces) > 1
    for piece in pieces:
        assert render.size(piece) <= render.DESCRIPTION_LIMIT
        assert sum(line.startswith("```") for line in piece.split("\n")) % 2 == 0
    assert words("\n".join(pieces)) == words(f"Look at this:\n{exhibit}\nThen answer.")


def test_utf16_units_are_counted_not_characters():
    pieces = render.split("🧪" * 1500, render.CONTENT_LIMIT)  # each emoji is two UTF-16 units
    assert [len(p) for p in pieces] == [998, 502]


def test_reply_text_is_escaped_split_and_ends_with_its_actions_then_the_card():
    reply = Reply(["Path s3://my_bucket/*.csv"] + ["Long. " * 300] * 3, card=card(), actions=["explain", "quiz"])
    chunks = render.reply_chunks(reply)
    texts = [c for c in chunks if c.content]
    assert len(texts) == 3 and all(render.size(c.content) <= render.CONTENT_LIMIT for c in texts)
    assert texts[0].content.startswith(r"Path s3://my\_bucket/\*.csv")
    assert all(c.rows == () for c in texts[:-1])
    assert words(" ".join(c.content for c in texts)).count("Long.") == 900
    assert [b.label for b in components(texts[-1])] == ["Explain", "Quick question"]
    assert chunks[-1].embed.title == "Q 12/65 · 1:47:03 left"


def test_a_card_is_an_embed_with_the_case_stem_exhibit_and_lettered_choices():
    shown = render.card_chunks(card(case_title="Fleet", case_scenario="A *fleet* of trucks.",
                                    exhibit="a_b *c* ```x```"))
    (only,) = shown
    description = only.embed.description
    assert description.startswith(r"**Case study: Fleet**" + "\nA \\*fleet\\* of trucks.")
    assert "```\na_b *c* `\u200b`\u200b`x`\u200b`\u200b`\n```" in description  # raw inside the block
    assert "**A)** Choice 0" in description and "**D)** Choice 3" in description
    assert only.embed.footer.text == "Tap the letter of your answer."


def test_a_huge_card_spreads_over_embeds_with_the_components_on_the_last():
    shown = render.card_chunks(card(case_title="Long", case_scenario="Scenario sentence. " * 700))
    assert len(shown) == 4
    for chunk in shown:
        assert len(chunk.embed.description) <= render.DESCRIPTION_LIMIT
        assert len(chunk.embed) <= render.EMBED_LIMIT
        assert chunk.embed.title == "Q 12/65 · 1:47:03 left"
    assert [bool(c.rows) for c in shown] == [False, False, False, True]
    assert [bool(c.embed.footer.text) for c in shown] == [False, False, False, True]
    assert words(" ".join(c.embed.description for c in shown)).count("sentence.") == 700


@pytest.mark.parametrize("kind", list(SHAPES))
def test_every_shape_fits_discords_component_limits(kind):
    big = card(kind, SHAPES[kind], text=400)
    for page in range(render.pages(big)):
        rows = render.card_rows(big, ids.no_picks(SHAPES[kind]), page)
        assert len(rows) <= render.ROWS_LIMIT
        for row in rows:
            menus = [s for s in row if isinstance(s, render.Menu)]
            assert len(row) <= render.ROW_WIDTH and (not menus or len(row) == 1)  # a menu fills its row
        for spec in (s for row in rows for s in row):
            assert len(spec.custom_id) <= ids.MAX_LENGTH
            if isinstance(spec, render.Menu):
                assert len(spec.options) <= render.OPTIONS_LIMIT and len(spec.placeholder) <= render.PLACEHOLDER_LIMIT
                assert all(len(o.label) <= render.OPTION_LABEL_LIMIT for o in spec.options)
            else:
                assert len(spec.label) <= render.BUTTON_LABEL_LIMIT
        assert len(views.build(rows).to_components()) == len(rows)  # discord.py accepts the layout


def test_seven_prompts_take_two_pages_and_submit_waits_for_every_pick():
    big = card(QuestionType.MATCHING, 7)
    first, second = render.card_rows(big, "AB-----", 0), render.card_rows(big, "AB-----", 1)
    assert [m.placeholder[:2] for (m,) in first[:-1]] == ["1.", "2.", "3.", "4."]
    assert [b.label for b in first[-1]] == ["5–7 ▶", "Submit"] and first[-1][-1].disabled
    assert [m.placeholder[:2] for (m,) in second[:-1]] == ["5.", "6.", "7."]
    assert [b.label for b in second[-1]] == ["◀ 1–4", "Submit"]
    assert [o.value for o in first[1][0].options if o.default] == ["B"]
    assert not render.card_rows(big, "ABCDEFG", 1)[-1][-1].disabled


def test_picks_move_rather_than_repeat():
    assert ids.with_pick("AB--", 2, "A") == "-BA-"
    assert ids.with_pick("-BA-", 2, "C") == "-BC-"
    assert ids.positions("C-DB") == [2, 3, 1] and ids.positions(["A", "AB", "Z"]) == [0]
    assert ids.fits("C-DB", 4) and not ids.fits("C-DB", 5) and not ids.fits("CCDB", 4) and not ids.fits("E---", 4)


def test_the_cores_buttons_become_command_buttons_within_discords_limits():
    reply = Reply(["Pick one."], buttons=[("Pause", "/pause"), ("Again", "/pause"), ("07:00", "/time 07:00"),
                                          ("Too long", "/time " + "9" * 99), ("x" * 120, "/classify 12 3 data")],
                  actions=["quiz", "stats"])
    [chunk] = render.reply_chunks(reply)
    assert chunk.content == "Pick one."
    assert [[(b.custom_id, b.label) for b in row] for row in chunk.rows] == [
        [("mla:k:/pause", "Pause"), ("mla:k:/time 07:00", "07:00"), ("mla:k:/classify 12 3 data", "x" * 79 + "…")],
        [("mla:do:quiz", "Quick question"), ("mla:do:stats", "Stats")]]
    view = views.build(chunk.rows)
    assert [type(item).__name__ for item in view.children] == ["CommandButton"] * 3 + ["ActionButton"] * 2


def test_many_buttons_keep_to_five_rows():
    reply = Reply(["x"], buttons=[(str(n), f"/time 0{n % 10}:{n:02d}") for n in range(40)])
    assert len(render.reply_chunks(reply)[-1].rows) == render.ROWS_LIMIT
