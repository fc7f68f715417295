"""Replies and question cards as Discord messages: pure functions that keep within Discord's limits."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord import ids
from core.commands import action_label
from core.exam.model import QuestionType
from core.quiz import exam_keys
from core.quiz.exam_keys import Act, Key
from core.quiz.grading import LETTERS
from core.reply import ExamScreen, Image, QuestionCard, QuizPoll, Reply

log = logging.getLogger(__name__)

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
EMBED_LIMIT = 6000
TITLE_LIMIT = 256
OPTIONS_LIMIT = 25
ROWS_LIMIT = 5
ALT_LIMIT = 1024  # an attachment's description, its alt text
ROW_WIDTH = 5
BUTTON_LABEL_LIMIT = 80
OPTION_LABEL_LIMIT = 100
OPTION_VALUE_LIMIT = 100
PLACEHOLDER_LIMIT = 150
SLOTS_PER_PAGE = ROWS_LIMIT - 1  # one menu per slot fills a row; the last row holds the page and submit buttons
# The review screen's grid: four rows of five question buttons, the fifth row for the page, back and submit
# buttons (Discord allows five rows of five), so 65 questions take four pages and 85 five.
GRID_PER_PAGE = (ROWS_LIMIT - 1) * ROW_WIDTH
FENCE = "```"
HOW_TO = {
    QuestionType.SINGLE: "Tap the letter of your answer.",
    QuestionType.MULTI: "Pick {select} options in the menu; your answer is sent when the menu closes.",
    QuestionType.ORDERING: "Choose the step for each place in the sequence, then Submit.",
    QuestionType.MATCHING: "Choose the match for each numbered prompt, then Submit.",
}


@dataclass(frozen=True)
class Button:
    custom_id: str
    label: str
    style: discord.ButtonStyle = discord.ButtonStyle.secondary
    disabled: bool = False


@dataclass(frozen=True)
class Link:
    """A button that opens a URL (the web view); Discord opens it without telling the bot."""

    label: str
    url: str


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    default: bool = False


@dataclass(frozen=True)
class Menu:
    """A string select; `picks` is both min_values and max_values, so the learner picks exactly that many."""

    custom_id: str
    placeholder: str
    options: tuple[Option, ...]
    picks: int = 1


Row = tuple[Button | Menu | Link, ...]


@dataclass(frozen=True)
class Chunk:
    """One Discord message: content, an embed, component rows (views.py turns them into items), and the chart
    the embed shows, attached."""

    content: str | None = None
    embed: discord.Embed | None = None
    rows: tuple[Row, ...] = ()
    image: Image | None = None

    def parts(self) -> dict[str, Any]:
        """Keyword arguments of a send or edit for all but the rows: only the parts the message has."""
        kwargs: dict[str, Any] = {}
        if self.content:
            kwargs["content"] = self.content
        if self.embed:
            kwargs["embed"] = self.embed
        if self.image is not None:  # a new File each time: sending reads it to the end
            kwargs["file"] = discord.File(io.BytesIO(self.image.data), filename=self.image.name,
                                          description=clip(self.image.alt, ALT_LIMIT))
        return kwargs


def size(text: str) -> int:
    """Length in UTF-16 code units, which is never less than what Discord counts."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """The text, or as much as fits `limit` with an ellipsis (labels, placeholders, titles)."""
    if size(text) <= limit:
        return text
    text = text[:limit - 1]
    while size(text) > limit - 1:
        text = text[:-1]
    return text.rstrip() + "…"


def escape(text: str) -> str:
    """The core writes plain text; Discord would read its * _ ~ ` | > as markdown."""
    return discord.utils.escape_markdown(text)


def _cut(line: str, room: int) -> tuple[str, str]:
    """The longest head of `line` that fits `room`, ending after a space if one is near; and the rest."""
    end = min(len(line), room)
    while size(line[:end]) > room:
        end -= 1
    space = line.rfind(" ", 0, end)
    if space > end // 2:
        end = space + 1
    return line[:end], line[end:]


def split(text: str, limit: int) -> list[str]:
    """Cut text into pieces of at most `limit`, between lines where it can; a code block cut in two is
    closed and reopened, and a line too long for what is left of a piece fills it and goes on in the next."""
    room = limit - len("\n" + FENCE)  # always leave room to close a code block
    pieces: list[str] = []
    lines: list[str] = []
    inside = False

    def flush() -> None:
        nonlocal lines
        piece = "\n".join(lines + [FENCE] if inside else lines).strip("\n")
        if piece.strip():
            pieces.append(piece)
        lines = [FENCE] if inside else []

    for line in text.split("\n"):
        fence = line.lstrip().startswith(FENCE)
        if fence and inside and size("\n".join([*lines, line])) > room:
            flush()  # the block ends right here: close it, and open no empty one
            lines, inside = [], False
            continue
        while size("\n".join([*lines, line])) > room:
            free = room - size("\n".join([*lines, ""]))
            if free > room // 4:
                head, line = _cut(line, free)
                lines.append(head)
            flush()
        lines.append(line)
        inside = inside != fence
    flush()
    return pieces


# --- replies ---------------------------------------------------------------------------------------


def _rows(items: list[Button]) -> tuple[Row, ...]:
    return tuple(tuple(items[i:i + ROW_WIDTH]) for i in range(0, len(items), ROW_WIDTH))


def action_rows(actions: list[str], answered: tuple[int, int] | None = None) -> tuple[Row, ...]:
    """Suggested next commands as buttons; Explain names the answer it explains, so a late click still fits."""
    return _rows([Button(ids.explain(*answered) if name == "explain" and answered else ids.action(name),
                         action_label(name) or name.title()) for name in actions])


def command_rows(buttons: list[tuple[str, str]]) -> tuple[Row, ...]:
    """The core's (label, command text) buttons; one whose command does not fit a custom_id is left out, and
    so is a repeat (Discord refuses a message with two equal custom_ids)."""
    shown: dict[str, Button] = {}
    for label, text in buttons:
        custom_id = ids.command(text)
        if custom_id is None:
            log.warning("button %r left out: its command does not fit a custom_id", label)
            continue
        shown.setdefault(custom_id, Button(custom_id, clip(label, BUTTON_LABEL_LIMIT), discord.ButtonStyle.primary))
    return _rows(list(shown.values()))


def menu_rows(menu: list[tuple[str, str]]) -> tuple[Row, ...]:
    """The core's choice among commands as one select menu (Discord allows 25 options; more are left out)."""
    if not menu:
        return ()
    options = tuple(Option(value=command[:OPTION_VALUE_LIMIT], label=clip(label, OPTION_LABEL_LIMIT))
                    for label, command in menu[:OPTIONS_LIMIT])
    return ((Menu(ids.COMMAND_MENU, "Pick one", options),),)


def poll_rows(poll: QuizPoll) -> tuple[Row, ...]:
    """A button per option of a question of the day; a click is answered privately and stores nothing."""
    return _rows([Button(ids.poll(poll.question_id, poll.correct, i), clip(option, BUTTON_LABEL_LIMIT),
                         discord.ButtonStyle.primary) for i, option in enumerate(poll.options[:len(LETTERS)])])


def reply_chunks(reply: Reply) -> list[Chunk]:
    """The reply's text in messages of at most 2000 characters, its buttons on the last (the core's command
    buttons, suggested next commands, a question of the day's options), then the card."""
    paragraphs = reply.paragraphs + ([reply.poll.question] if reply.poll is not None else [])
    texts = split(escape("\n\n".join(paragraphs)), CONTENT_LIMIT) if paragraphs else []
    chunks = [Chunk(content=text) for text in texts]
    rows = (menu_rows(reply.menu) + (exam_rows(reply.exam) if reply.exam else command_rows(reply.buttons))
            + (action_rows(reply.actions, reply.answered) if reply.actions else ()))
    if reply.poll is not None:
        rows += poll_rows(reply.poll)
    if rows:
        last = chunks.pop() if chunks else Chunk()
        chunks.append(Chunk(content=last.content, rows=rows[:ROWS_LIMIT]))
    if reply.image is not None:  # the chart, in an embed on the text's last message, above its buttons
        last = chunks.pop() if chunks else Chunk()
        embed = discord.Embed().set_image(url=f"attachment://{reply.image.name}")
        chunks.append(Chunk(content=last.content, embed=embed, rows=last.rows, image=reply.image))
    if reply.card is not None:
        chunks += card_chunks(reply.card)
    return chunks


def _keys(keys: list[Key]) -> list[Button]:
    styles = {Act.CONFIRM: discord.ButtonStyle.danger, Act.SUBMIT: discord.ButtonStyle.success,
              Act.GOTO: discord.ButtonStyle.secondary}
    return [Button(ids.exam_key(k), clip(k.label, BUTTON_LABEL_LIMIT), styles.get(k.act, discord.ButtonStyle.primary))
            for k in keys]


def exam_rows(shown: ExamScreen) -> tuple[Row, ...]:
    """The review screen's page of question buttons and its controls, the submit confirmation, or a recap
    page's Previous and Next (core/quiz/exam_keys.py)."""
    grid, controls = exam_keys.screen_keys(shown, GRID_PER_PAGE)
    return _rows(_keys(grid)) + _rows(_keys(controls))


# --- question cards --------------------------------------------------------------------------------


def _lettered(choices: list[str]) -> str:
    return "\n".join(f"**{LETTERS[i]})** {escape(choice)}" for i, choice in enumerate(choices))


def description(card: QuestionCard) -> str:
    """Case scenario, stem, exhibit in a code block, then the numbered prompts and lettered choices."""
    parts = []
    if card.case_scenario:
        parts.append(f"**Case study: {escape(card.case_title or '')}**\n{escape(card.case_scenario)}")
    parts.append(escape(card.stem))
    if card.exhibit:
        exhibit = card.exhibit.rstrip("\n").replace(FENCE, "`\u200b`\u200b`")  # a fence inside would end the block
        parts.append(f"{FENCE}\n{exhibit}\n{FENCE}")
    if card.kind is QuestionType.MATCHING:
        parts.append("\n".join(f"**{i + 1}.** {escape(p)}" for i, p in enumerate(card.prompts)))
    parts.append(_lettered(card.choices))
    return "\n\n".join(parts)


def slot_names(card: QuestionCard) -> list[str]:
    """What each slot menu asks for: a place in the sequence, or a matching prompt."""
    if card.kind is QuestionType.MATCHING:
        return [f"{i + 1}. {prompt}" for i, prompt in enumerate(card.prompts)]
    return [f"Step {i + 1}" for i in range(len(card.choices))]


def slots_per_page(card: QuestionCard) -> int:
    """Slot menus a message holds: one row fewer under a diagnostic or mock question, for its moves."""
    return SLOTS_PER_PAGE - 1 if card.nav else SLOTS_PER_PAGE


def pages(card: QuestionCard) -> int:
    """How many messages' worth of slot menus the question needs."""
    return -(-len(card.choices) // slots_per_page(card))


def _options(card: QuestionCard, chosen: str = "") -> tuple[Option, ...]:
    return tuple(Option(LETTERS[i], clip(f"{LETTERS[i]}) {choice}", OPTION_LABEL_LIMIT), LETTERS[i] == chosen)
                 for i, choice in enumerate(card.choices))


def card_rows(card: QuestionCard, picks: str | None = None, page: int = 0) -> tuple[Row, ...]:
    """The answer components, and the web view's link when the card has one: beside the buttons of the last
    row while it has room, else on a row of its own (Discord allows five rows; a full set is left as it is);
    under a diagnostic or mock question, its moves on the last row (Flag, Previous, Skip, Review, Submit)."""
    rows = _answer_rows(card, picks, page)
    moves = _rows(_keys(exam_keys.card_keys(card)))[:1] if card.nav else ()
    room = ROWS_LIMIT - len(moves)
    if card.web is None:
        return rows + moves
    link = Link(clip(card.web.label, BUTTON_LABEL_LIMIT), card.web.url)
    last = rows[-1] if rows else ()
    if last and len(last) < ROW_WIDTH and not any(isinstance(item, Menu) for item in last):
        return (*rows[:-1], (*last, link), *moves)
    return (*rows, (link,), *moves) if len(rows) < room else rows + moves


def _answer_rows(card: QuestionCard, picks: str | None, page: int) -> tuple[Row, ...]:
    """Answer components: a button per letter, one multi-select, or a menu per slot with page and submit buttons.

    Ordering and matching use one menu per slot (a place in the sequence, or a prompt) because Discord does not
    promise that a menu's values arrive in the order they were picked, so one multi-select cannot carry a
    sequence. Each pick edits the message and re-encodes the picks so far into every custom_id.
    """
    sid, pos = card.session_id, card.position
    if card.kind is QuestionType.SINGLE:
        return _rows([Button(ids.answer(sid, pos, i), LETTERS[i]) for i in range(len(card.choices))])
    if card.kind is QuestionType.MULTI:
        return ((Menu(ids.multi(sid, pos), f"Pick {card.select}", _options(card), card.select),),)
    picks = picks or ids.no_picks(len(card.choices))
    page, per_page = max(0, min(page, pages(card) - 1)), slots_per_page(card)
    first, names = page * per_page, slot_names(card)
    shown = range(first, min(first + per_page, len(names)))
    rows: list[Row] = [(Menu(ids.slot(sid, pos, i, picks), clip(names[i], PLACEHOLDER_LIMIT),
                             _options(card, picks[i])),) for i in shown]
    nav = []
    if page > 0:
        nav.append(Button(ids.page(sid, pos, page - 1, picks), f"◀ {first - per_page + 1}–{first}"))
    if shown.stop < len(names):
        nav.append(Button(ids.page(sid, pos, page + 1, picks),
                          f"{shown.stop + 1}–{min(shown.stop + per_page, len(names))} ▶"))
    nav.append(Button(ids.submit(sid, pos, picks), "Submit", discord.ButtonStyle.success, ids.NONE in picks))
    return (*rows, tuple(nav))


def picks_line(picks: str, prefix: str = "Your picks so far") -> str:
    """The slot picks in one line, since a page shows only some of the menus."""
    return f"{prefix}: " + " · ".join(f"{i + 1} {letter if letter != ids.NONE else '–'}"
                                      for i, letter in enumerate(picks))


def card_chunks(card: QuestionCard, picks: str | None = None, page: int = 0) -> list[Chunk]:
    """The card as embeds of at most 4096 characters each; the components and the picks so far go on the last."""
    pieces = split(description(card), DESCRIPTION_LIMIT)
    title = clip(card.progress, TITLE_LIMIT)
    embeds = [discord.Embed(title=title, description=piece) for piece in pieces]
    chunks = [Chunk(embed=embed) for embed in embeds]
    last = embeds[-1]
    last.set_footer(text=HOW_TO[card.kind].format(select=card.select))
    content = picks_line(picks) if picks and picks != ids.no_picks(len(picks)) else None
    chunks[-1] = Chunk(content=content, embed=last, rows=card_rows(card, picks, page))
    return chunks


def forget_rows(user_id: int) -> tuple[Row, ...]:
    """Erase or Cancel, for the user who asked only."""
    return ((Button(ids.forget(user_id, True), "Erase everything", discord.ButtonStyle.danger),
             Button(ids.forget(user_id, False), "Cancel")),)
