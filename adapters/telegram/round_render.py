"""Round layouts from the core as Telegram HTML and inline keyboards: the markup and the measure only."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.telegram.codec import encode
from adapters.telegram.render import MESSAGE_LIMIT, Fragment, pack, utf16_len
from core.rounds.layout import Action, Layout, Section, Style, fit

PER_ROW = 8  # Telegram allows more; eight letters still fit a phone's width
TAGS = {Style.TITLE: "b", Style.STRONG: "b", Style.NOTE: "i", Style.CODE: "pre", Style.PLAIN: None,
        Style.COUNT: None, Style.CHOICES: None}
CODES = {Action.ANSWER: "r", Action.TOGGLE: "g", Action.SUBMIT: "G"}


def _fragments(sections: Sequence[Section]) -> list[Fragment]:
    return [Fragment(s.text, TAGS[s.style]) for s in sections]


def _html(sections: Sequence[Section]) -> str:
    return "\n\n".join(f.html() for f in _fragments(sections))


def text(layout: Layout) -> str:
    """A question's one message, cut to Telegram's limit as the core ranks what may give way."""
    return _html(fit(layout.sections, MESSAGE_LIMIT, lambda sections: utf16_len(_html(sections))))


def keyboard(layout: Layout) -> InlineKeyboardMarkup | None:
    """The layout's buttons; none (the buttons taken off) for a reveal."""
    if not layout.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        b.label, callback_data=encode(CODES[b.action], b.round_id, b.position,
                                      "" if b.choice is None else b.choice)) for b in row]
        for row in layout.buttons])


def messages(layout: Layout) -> list[str]:
    """Text without buttons (the end of a round, /leaderboard), over as many messages as it needs."""
    return pack(_fragments(layout.sections))
