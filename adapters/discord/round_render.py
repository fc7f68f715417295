"""Round layouts from the core as Discord embeds, buttons and messages: the markup and the measure only.

A question's embed must fit 4096 characters of description; the core's `fit` decides what gives way.
The live count carries Discord's own countdown to the deadline, which every client redraws itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

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
from core.rounds.layout import Action, ButtonSpec, Layout, Section, Style, fit

LIVE_COLOUR = discord.Colour.blurple()
REVEALED_COLOUR = discord.Colour.green()
PERMISSIONS = "View Channel, Send Messages and Embed Links"
PER_ROW = 5  # Discord's limit: five buttons a row, five rows a message
BROKEN_FENCE = "`\u200b`\u200b`"  # a fence inside an exhibit, kept from closing the code block


def _bold_lines(text: str) -> str:
    return "\n".join(f"**{escape(line)}**" if line else "" for line in text.split("\n"))


def _markdown(section: Section, closes_at: datetime | None) -> str:
    text = section.text
    if section.style is Style.CODE:
        return f"{FENCE}\n{text.replace(FENCE, BROKEN_FENCE)}\n{FENCE}"
    if section.style in (Style.STRONG, Style.TITLE):
        return _bold_lines(text)
    if section.style is Style.NOTE:
        return f"*{escape(text)}*"
    if section.style is Style.CHOICES:  # the letters in bold: "**A)** the option"
        return "\n".join(f"**{head})**{escape(rest)}" for head, _, rest in (line.partition(")")
                                                                         for line in text.split("\n")))
    if section.style is Style.COUNT and closes_at is not None:
        return f"⏳ closes {discord.utils.format_dt(closes_at, 'R')} · {escape(text)}"
    return escape(text)


def _description(sections: Sequence[Section], closes_at: datetime | None) -> str:
    return "\n\n".join(_markdown(s, closes_at) for s in sections)


def _button(spec: ButtonSpec) -> Button:
    if spec.action is Action.SUBMIT:
        return Button(ids.round_submit(spec.round_id, spec.position), spec.label, discord.ButtonStyle.success)
    assert spec.choice is not None
    if spec.action is Action.TOGGLE:
        return Button(ids.round_toggle(spec.round_id, spec.position, spec.choice), spec.label)
    return Button(ids.round_answer(spec.round_id, spec.position, spec.choice), spec.label,
                  discord.ButtonStyle.primary)


def chunk(layout: Layout) -> Chunk:
    """A question's one message: its title as the embed's title, the rest fitted into the description;
    live (with buttons) in blurple, closed in green."""
    title = next((s.text for s in layout.sections if s.style is Style.TITLE), "")
    body = [s for s in layout.sections if s.style is not Style.TITLE]
    fitted = fit(body, DESCRIPTION_LIMIT, lambda sections: size(_description(sections, layout.closes_at)))
    embed = discord.Embed(title=clip(title, TITLE_LIMIT), description=_description(fitted, layout.closes_at),
                          colour=LIVE_COLOUR if layout.buttons else REVEALED_COLOUR)
    rows: tuple[Row, ...] = tuple(tuple(_button(spec) for spec in row) for row in layout.buttons)
    return Chunk(embed=embed, rows=rows)


def texts(layout: Layout) -> list[str]:
    """Text without buttons (the end of a round, /leaderboard), over as many messages as it needs."""
    return split(_description(layout.sections, None), CONTENT_LIMIT)
