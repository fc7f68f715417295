"""Group rounds as Discord messages: one embed per question (live count, then the reveal) and the boards.

Pure functions, like render.py. A question's embed must fit 4096 characters: the case scenario and the
exhibit go first, then the stem is shortened; the options, the count and the reveal are never cut.
"""

from __future__ import annotations

import discord

from adapters.discord import ids
from adapters.discord.render import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    FENCE,
    TITLE_LIMIT,
    Button,
    Chunk,
    Row,
    clip,
    escape,
    size,
    split,
)
from core.exam.model import QuestionType
from core.quiz.grading import LETTERS
from core.rounds import text as words
from core.rounds.view import Leaderboard, Reveal, RoundCard, RoundSummary

LIVE_COLOUR = discord.Colour.blurple()
REVEALED_COLOUR = discord.Colour.green()
PERMISSIONS = "View Channel, Send Messages and Embed Links"


def _fit(optional: list[str], stem: str, rest: list[str], limit: int = DESCRIPTION_LIMIT) -> str:
    """Everything that fits: without the optional parts if need be, then with the stem cut short."""
    for parts in (optional + [stem] + rest, [stem] + rest):
        text = "\n\n".join(parts)
        if size(text) <= limit:
            return text
    room = limit - size("\n\n".join(["", *rest]))
    return "\n\n".join([clip(stem, room) if room > 1 else "…", *rest])


def _question(card: RoundCard) -> tuple[list[str], str, str]:
    """(the optional parts, the stem, the lettered choices), escaped for Discord markdown."""
    optional = []
    if card.case_scenario:
        optional.append(f"**Case study: {escape(card.case_title or '')}**\n{escape(card.case_scenario)}")
    if card.exhibit:
        exhibit = card.exhibit.rstrip("\n").replace(FENCE, "`\u200b`\u200b`")
        optional.append(f"{FENCE}\n{exhibit}\n{FENCE}")
    choices = "\n".join(f"**{LETTERS[i]})** {escape(choice)}" for i, choice in enumerate(card.choices))
    return optional, escape(card.stem), choices


def card_rows(card: RoundCard) -> tuple[Row, ...]:
    """The same buttons for everyone; a member's own multi-response pick is stored, not shown."""
    n = len(card.choices)
    if card.kind is QuestionType.MULTI:
        toggles = tuple(Button(ids.round_toggle(card.round_id, card.position, k), LETTERS[k]) for k in range(n))
        return (toggles, (Button(ids.round_submit(card.round_id, card.position), "Submit",
                                 discord.ButtonStyle.success),))
    return (tuple(Button(ids.round_answer(card.round_id, card.position, k), LETTERS[k],
                         discord.ButtonStyle.primary) for k in range(n)),)


def card_chunk(card: RoundCard) -> Chunk:
    """The open question with its live answer count and a countdown Discord draws itself."""
    how = f"Select {card.select}, then Submit." if card.kind is QuestionType.MULTI else "Tap your answer."
    tail = [f"*{how} One answer each, kept private until the reveal.*",
            f"⏳ closes {discord.utils.format_dt(card.closes_at, 'R')} · 👥 {card.answered} answered"]
    optional, stem, choices = _question(card)
    title = f"Round · question {card.number} of {card.total} · {card.seconds} s to answer"
    embed = discord.Embed(title=clip(title, TITLE_LIMIT), description=_fit(optional, stem, [choices, *tail]),
                          colour=LIVE_COLOUR)
    return Chunk(embed=embed, rows=card_rows(card))


def reveal_chunk(reveal: Reveal) -> Chunk:
    """The question's message once closed: the right answer, why, who got it right, the standings; no buttons."""
    board = escape(words.board(reveal.standings, limit=words.SHOWN_STANDINGS))
    tail = ["✅ **" + escape("\n".join(reveal.correct)).replace("\n", "**\n**") + "**", escape(reveal.why),
            escape(words.who_got_it(reveal))]
    if board:
        tail.append("**Standings**\n" + board)
    optional, stem, choices = _question(reveal.card)
    embed = discord.Embed(title=clip(words.closed_title(reveal), TITLE_LIMIT),
                          description=_fit(optional, stem, [choices, *tail]), colour=REVEALED_COLOUR)
    return Chunk(embed=embed)


def summary_texts(end: RoundSummary) -> list[str]:
    """The end of a round: the final leaderboard and the domain to drill, as plain messages."""
    title, final, drill = words.round_end(end)
    return split(f"{words.END_MARK} **{escape(title)}**\n\n{escape(final)}\n\n{escape(drill)}", CONTENT_LIMIT)


def leaderboard_texts(board: Leaderboard) -> list[str]:
    """/leaderboard: the channel's week."""
    lines = escape(words.board(board.standings, detail=True))
    return split(f"{words.BOARD_MARK} **{escape(words.leaderboard_title(board))}**\n\n{lines}", CONTENT_LIMIT)


def plain(paragraphs: list[str]) -> list[str]:
    return split(escape("\n\n".join(paragraphs)), CONTENT_LIMIT)
