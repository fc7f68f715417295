"""Plain-text rendering of the core's replies for a terminal."""

from __future__ import annotations

import textwrap

from core.exam.model import QuestionType
from core.quiz.grading import LETTERS
from core.reply import CHART_SAVED, QuestionCard, Reply


def render_card(card: QuestionCard) -> str:
    parts = [f"── {card.progress} ──"]
    if card.case_scenario:
        parts.append(f"Case study: {card.case_title}\n{card.case_scenario}")
    parts.append(card.stem)
    if card.exhibit:
        parts.append(textwrap.indent(card.exhibit.rstrip("\n"), "    "))
    if card.kind is QuestionType.MATCHING:
        parts.append("\n".join(f"{i + 1}. {p}" for i, p in enumerate(card.prompts)))
    parts.append("\n".join(f"{LETTERS[i]}) {c}" for i, c in enumerate(card.choices)))
    parts.append(f"({card.hint})")
    if card.nav:  # a diagnostic's or mock's moves; typed without the number, they act on the question on screen
        parts.append(" · ".join(f"{label} {command.split()[0]}" for label, command in card.nav))
    if card.web is not None:  # a link for this learner only, signed and expiring: the console is theirs
        parts.append(f"{card.web.label}: {card.web.url}")
    return "\n\n".join(parts)


def render(reply: Reply, chart: str | None = None) -> str:
    """The reply as terminal text; `chart`: where its chart was saved, said after the text."""
    parts = list(reply.paragraphs)
    if chart is not None:
        parts.append(CHART_SAVED.format(path=chart))
    if reply.buttons:
        parts.append("Send: " + " · ".join(_buttons(reply.buttons)))
    if reply.card is not None:
        parts.append(render_card(reply.card))
    return "\n\n".join(parts)


def _buttons(buttons: list[tuple[str, str]]) -> list[str]:
    """Each button as its label and the command to type ("Q3 ○ /goto 3"), as the card's moves line reads.
    A command two buttons share (the review screen's "Q2 ○" and "Back to Q2") is listed once, with the first
    button's label: typed, both would do the same."""
    seen: dict[str, str] = {}
    for label, command in buttons:
        seen.setdefault(command, command if label == command else f"{label} {command}")
    return list(seen.values())
