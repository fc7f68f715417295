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
from core.grading import LETTERS
from core.model import QuestionType
from core.round import Leaderboard, Reason, Reveal, RoundCard, RoundSummary, Standing

SHOWN_STANDINGS = 10  # under a reveal; the final and weekly boards show everyone (split if they must)
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
CLOSED = {Reason.TIME: "⏰ time is up", Reason.EVERYONE: "everyone answered", Reason.STOPPED: "round stopped"}
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


def _standing(place: int, s: Standing, detail: bool = False) -> str:
    line = f"{MEDALS.get(place, f'{place}.')} {escape(s.name)}: {s.score}"
    if detail:
        line += f" ({s.right} right, {s.time_ms / 1000:.1f} s)"
    return line


def reveal_chunk(reveal: Reveal) -> Chunk:
    """The question's message once closed: the right answer, why, who got it right, the standings; no buttons."""
    card = reveal.card
    if reveal.right:
        names = ", ".join(f"{escape(name)} {seconds:.1f} s" for name, seconds in reveal.right)
        who = f"Right ({len(reveal.right)} of {reveal.answered}): {names}"
    elif reveal.answered:
        who = f"Nobody got it right ({reveal.answered} answered)."
    else:
        who = "No answers."
    board = "\n".join(_standing(i, s) for i, s in enumerate(reveal.standings[:SHOWN_STANDINGS], start=1))
    tail = ["✅ **" + escape("\n".join(reveal.correct)).replace("\n", "**\n**") + "**", escape(reveal.why), who]
    if board:
        tail.append("**Standings**\n" + board)
    optional, stem, choices = _question(card)
    title = f"Round · question {card.number} of {card.total} · closed ({CLOSED[reveal.reason]})"
    embed = discord.Embed(title=clip(title, TITLE_LIMIT), description=_fit(optional, stem, [choices, *tail]),
                          colour=REVEALED_COLOUR)
    return Chunk(embed=embed)


def summary_texts(end: RoundSummary) -> list[str]:
    """The end of a round: the final leaderboard and the domain to drill, as plain messages."""
    if end.stopped and end.asked < end.total:
        title = f"🏁 **Round stopped after {end.asked} of {end.total} questions.**"
    else:
        title = f"🏁 **Round over: {end.asked} questions.**"
    board = "\n".join(_standing(i, s, detail=True) for i, s in enumerate(end.standings, start=1))
    parts = [title, "Final leaderboard:\n" + board]
    if end.missed is not None:
        parts.append(f"The group missed domain {end.missed.domain}, {escape(end.missed.name)}, most "
                     f"({end.missed.misses} missed). Practise it: {end.missed.drill}")
    else:
        parts.append("No misses at all. Next: /round again, or /leaderboard for the week.")
    return split("\n\n".join(parts), CONTENT_LIMIT)


def leaderboard_texts(board: Leaderboard) -> list[str]:
    """/leaderboard: the channel's week."""
    rounds = "round" if board.rounds == 1 else "rounds"
    lines = "\n".join(_standing(i, s, detail=True) for i, s in enumerate(board.standings, start=1))
    return split(f"🏆 **Leaderboard, last {board.days} days ({board.rounds} {rounds})**\n\n{lines}", CONTENT_LIMIT)


def plain(paragraphs: list[str]) -> list[str]:
    return split(escape("\n\n".join(paragraphs)), CONTENT_LIMIT)
