"""A round's messages as platform-neutral layouts: sections ranked by what may be cut, and button specs.

Telegram and Discord draw the same question message, live count and reveal; only the markup and the limits
differ (4096 UTF-16 units of HTML in Telegram, a 4096-character embed description in Discord; five buttons
a row in Discord). So the core decides what a message says and what gives way first when it is too long
(the case scenario and the exhibit, then the stem is shortened; the options, the count and the reveal are
never cut), and each adapter supplies only its markup and its measure to `fit`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum, StrEnum

from core.exam.model import QuestionType
from core.quiz.grading import LETTERS
from core.rounds import text as words
from core.rounds.view import Leaderboard, Reveal, RoundCard, RoundSummary

ELLIPSIS = "…"


class Style(StrEnum):
    """How a section is drawn; each adapter maps these to its markup."""

    TITLE = "title"  # the message's heading (Telegram: bold line; Discord: the embed title)
    PLAIN = "plain"
    STRONG = "strong"
    NOTE = "note"  # an aside, such as how to answer (italic)
    CODE = "code"  # an exhibit, kept verbatim in a code block
    CHOICES = "choices"  # lettered options, one a line: "A) ..."
    COUNT = "count"  # the live answer count (Discord adds its self-updating countdown)


class Cut(Enum):
    """What may give way when a message is too long, in this order."""

    KEEP = "keep"
    DROP = "drop"  # left out first (case scenario, exhibit)
    SHORTEN = "shorten"  # then shortened with an ellipsis (the stem)


@dataclass(frozen=True)
class Section:
    text: str
    style: Style = Style.PLAIN
    cut: Cut = Cut.KEEP


class Action(StrEnum):
    ANSWER = "answer"  # a single-answer option: one tap answers
    TOGGLE = "toggle"  # add or remove an option from the member's multi-response pick
    SUBMIT = "submit"  # submit the stored multi-response pick


@dataclass(frozen=True)
class ButtonSpec:
    label: str
    action: Action
    round_id: int
    position: int
    choice: int | None = None


@dataclass(frozen=True)
class Layout:
    """One message: its sections in order, its button rows, and the deadline a platform may count down to."""

    sections: list[Section]
    buttons: list[list[ButtonSpec]] = field(default_factory=list)
    closes_at: datetime | None = None


Measure = Callable[[Sequence[Section]], int]


def fit(sections: Sequence[Section], limit: int, measure: Measure) -> list[Section]:
    """The sections as they fit `limit` by the platform's `measure` of the drawn message: all of them if
    they fit; else without the DROP sections; else with the SHORTEN section cut (at a word where one is near)
    to the longest head that fits, followed by an ellipsis."""
    if measure(sections) <= limit:
        return list(sections)
    kept = [s for s in sections if s.cut is not Cut.DROP]
    if measure(kept) <= limit:
        return kept
    where = next((i for i, s in enumerate(kept) if s.cut is Cut.SHORTEN), None)
    if where is None:
        return kept
    full = kept[where].text

    def cut_to(n: int) -> list[Section]:
        head = full[:n]
        space = head.rfind(" ")
        if n < len(full) and space > n * 3 // 4:
            head = head[:space]
        return kept[:where] + [replace(kept[where], text=head.rstrip() + ELLIPSIS)] + kept[where + 1:]

    low, high = 0, len(full) - 1  # the longest n whose cut fits: binary search, as measure is monotone in n
    while low < high:
        mid = (low + high + 1) // 2
        if measure(cut_to(mid)) <= limit:
            low = mid
        else:
            high = mid - 1
    return cut_to(low)


def _question(card: RoundCard) -> list[Section]:
    parts = []
    if card.case_scenario:
        parts += [Section(f"Case study: {card.case_title}", Style.NOTE, Cut.DROP),
                  Section(card.case_scenario, Style.PLAIN, Cut.DROP)]
    if card.exhibit:
        parts.append(Section(card.exhibit.rstrip("\n"), Style.CODE, Cut.DROP))
    parts.append(Section(card.stem, Style.PLAIN, Cut.SHORTEN))
    parts.append(Section("\n".join(f"{LETTERS[i]}) {c}" for i, c in enumerate(card.choices)), Style.CHOICES))
    return parts


def card_buttons(card: RoundCard, per_row: int) -> list[list[ButtonSpec]]:
    """The same buttons for everyone, `per_row` at most in a row; a member's own multi pick is stored, not shown."""
    n = len(card.choices)
    action = Action.TOGGLE if card.kind is QuestionType.MULTI else Action.ANSWER
    options = [ButtonSpec(LETTERS[k], action, card.round_id, card.position, k) for k in range(n)]
    rows = [options[i:i + per_row] for i in range(0, n, per_row)]
    if card.kind is QuestionType.MULTI:
        rows.append([ButtonSpec("Submit", Action.SUBMIT, card.round_id, card.position)])
    return rows


def card_layout(card: RoundCard, per_row: int) -> Layout:
    """The open question with its live answer count."""
    how = f"Select {card.select}, then Submit." if card.kind is QuestionType.MULTI else "Tap your answer."
    return Layout(
        [Section(f"Round · question {card.number} of {card.total} · {card.seconds} s to answer", Style.TITLE),
         *_question(card),
         Section(f"{how} One answer each, kept private until the reveal.", Style.NOTE),
         Section(f"👥 {card.answered} answered", Style.COUNT)],
        card_buttons(card, per_row), card.closes_at)


def reveal_layout(reveal: Reveal) -> Layout:
    """The question's message once closed: the right answer, why, who got it right, the standings; no buttons."""
    sections = [Section(words.closed_title(reveal), Style.TITLE), *_question(reveal.card),
                Section("✅ " + "\n".join(reveal.correct), Style.STRONG), Section(reveal.why),
                Section(words.who_got_it(reveal))]
    board = words.board(reveal.standings, limit=words.SHOWN_STANDINGS)
    if board:
        sections.append(Section("Standings:\n" + board))
    return Layout(sections)


def summary_layout(end: RoundSummary) -> Layout:
    """The end of a round: the final leaderboard and the domain to drill."""
    title, final, drill = words.round_end(end)
    return Layout([Section(f"{words.END_MARK} {title}", Style.STRONG), Section(final), Section(drill)])


def leaderboard_layout(board: Leaderboard) -> Layout:
    """/leaderboard: the chat's week."""
    return Layout([Section(f"{words.BOARD_MARK} {words.leaderboard_title(board)}", Style.STRONG),
                   Section(words.board(board.standings, detail=True))])


def plain_layout(paragraphs: Sequence[str]) -> Layout:
    return Layout([Section(p) for p in paragraphs])
