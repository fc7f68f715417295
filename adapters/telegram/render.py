"""Replies as Telegram HTML messages and inline keyboards, within Telegram's size limits."""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from adapters.telegram import codec
from adapters.telegram.codec import encode
from core.commands import action_label
from core.exam.model import QuestionType
from core.quiz import exam_keys
from core.quiz.exam_keys import Key
from core.quiz.grading import LETTERS
from core.reply import ExamScreen, QuestionCard, Reply

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024  # a photo's caption
CALLBACK_TEXT_LIMIT = 200
# The review screen's grid: Telegram allows 100 buttons a message; 5 rows of 8 stay readable on a phone, so
# 65 questions take two pages and 85 three, with the page, back and submit buttons below.
GRID_WIDTH, GRID_PER_PAGE = 8, 40


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Fragment:
    """A paragraph of plain text with an optional wrapping tag; split only between whole characters."""

    text: str
    tag: str | None = None

    def html(self) -> str:
        return f"<{self.tag}>{esc(self.text)}</{self.tag}>" if self.tag else esc(self.text)

    def size(self) -> int:
        return utf16_len(self.html())

    def cut(self, room: int) -> tuple[Fragment, Fragment] | None:
        """The longest head that fits `room`, cut at a line break, else a sentence, else a space."""
        low, high = 0, len(self.text)
        while low < high:  # binary search on the plain-text length whose escaped HTML fits
            mid = (low + high + 1) // 2
            if Fragment(self.text[:mid], self.tag).size() <= room:
                low = mid
            else:
                high = mid - 1
        if low == 0:
            return None
        at = low
        for sep in ("\n", ". ", " "):
            found = self.text.rfind(sep, 0, low)
            if found > low // 2:
                at = found + len(sep)
                break
        return Fragment(self.text[:at].rstrip("\n"), self.tag), Fragment(self.text[at:], self.tag)


def _join(current: str, chunk: str) -> str:
    return f"{current}\n\n{chunk}" if current else chunk


def pack(fragments: list[Fragment], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Fill messages up to `limit`, breaking between paragraphs; a paragraph is cut only when it is
    longer than a whole message. Each piece is escaped and wrapped on its own, so no message ends
    inside a tag or an entity."""
    messages: list[str] = []
    current = ""
    queue = list(fragments)
    while queue:
        fragment = queue.pop(0)
        room = limit - utf16_len(current) - (2 if current else 0)
        if fragment.size() <= room:
            current = _join(current, fragment.html())
            continue
        if fragment.size() > limit and (pieces := fragment.cut(room)) is not None:
            head, fragment = pieces
            current = _join(current, head.html())
        queue.insert(0, fragment)
        messages.append(current)
        current = ""
    if current:
        messages.append(current)
    return [m for m in messages if m]


def card_fragments(card: QuestionCard, state: str = "", instructions: bool = True) -> list[Fragment]:
    """The card's paragraphs; `instructions` (how to answer, the picks so far) only while it is pending."""
    out = [Fragment(card.progress, "b")]
    if card.case_scenario:
        out += [Fragment(f"Case study: {card.case_title}", "i"), Fragment(card.case_scenario)]
    out.append(Fragment(card.stem))
    if card.exhibit:
        out.append(Fragment(card.exhibit.rstrip("\n"), "pre"))
    if card.kind is QuestionType.MATCHING:
        out.append(Fragment("\n".join(f"{i + 1}. {p}" for i, p in enumerate(card.prompts))))
    out.append(Fragment("\n".join(f"{LETTERS[i]}) {c}" for i, c in enumerate(card.choices))))
    if not instructions:
        return out
    if card.kind is QuestionType.ORDERING:
        out.append(Fragment("Tap the steps in order, first step first."
                            + (f"\nYour order so far: {' → '.join(state)}" if state else ""), "i"))
    elif card.kind is QuestionType.MATCHING:
        done = " ".join(f"{i + 1}{letter}" for i, letter in enumerate(state))
        now = (f"Pick the match for {len(state) + 1}. {card.prompts[len(state)]}" if len(state) < len(card.prompts)
               else "All matched: Submit, or Undo to change.")
        out.append(Fragment((f"Your matches: {done}\n" if done else "") + now, "i"))
    elif card.kind is QuestionType.MULTI:
        out.append(Fragment(f"Select {card.select}, then Submit.", "i"))
    return out


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def _rows(buttons: list[InlineKeyboardButton], width: int = 4) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


def card_keyboard(card: QuestionCard, state: str = "", private: bool = False) -> InlineKeyboardMarkup:
    """Buttons for the card; `state` is the partial choice so far (multi: a bitmask; others: letters). In a
    private chat a card with a web view gets the button that opens it as a Mini App: Telegram allows web_app
    buttons in private chats only, and the page is the learner's own."""
    rows = _answer_rows(card, state) + _key_rows(exam_keys.card_keys(card), 3)
    if card.web is not None and private:
        rows.append([InlineKeyboardButton(card.web.label, web_app=WebAppInfo(card.web.app_url))])
    return InlineKeyboardMarkup(rows)


def _answer_rows(card: QuestionCard, state: str) -> list[list[InlineKeyboardButton]]:
    sid, pos, n = card.session_id, card.position, len(card.choices)
    if card.kind is QuestionType.SINGLE:
        return _rows([_button(LETTERS[k], encode("a", sid, pos, k)) for k in range(n)])
    if card.kind is QuestionType.MULTI:
        mask = int(state or 0)
        toggles = [_button(("☑ " if mask >> k & 1 else "☐ ") + LETTERS[k], encode("t", sid, pos, mask ^ (1 << k)))
                   for k in range(n)]
        chosen = bin(mask).count("1")
        return _rows(toggles, 3) + [[_button(f"Submit ({chosen}/{card.select} selected)", encode("s", sid, pos, mask))]]
    pick, submit = ("o", "O") if card.kind is QuestionType.ORDERING else ("m", "M")
    total = n if card.kind is QuestionType.ORDERING else len(card.prompts)
    rows = _rows([_button(LETTERS[k], encode(pick, sid, pos, state + LETTERS[k]))
                  for k in range(n) if LETTERS[k] not in state]) if len(state) < total else []
    controls = []
    if state:
        controls.append(_button("↩ Undo", encode(pick, sid, pos, state[:-1])))
    if len(state) == total:
        controls.append(_button("Submit", encode(submit, sid, pos, state)))
    return rows + ([controls] if controls else [])


def _key_rows(keys: list[Key], width: int) -> list[list[InlineKeyboardButton]]:
    return _rows([_button(k.label, codec.key(k)) for k in keys], width)


def exam_keyboard(shown: ExamScreen) -> InlineKeyboardMarkup:
    """The review screen's grid page and its controls, the submit confirmation, or a recap page's buttons."""
    grid, controls = exam_keys.screen_keys(shown, GRID_PER_PAGE)
    return InlineKeyboardMarkup(_key_rows(grid, GRID_WIDTH) + _key_rows(controls, 4))


def actions_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if reply.exam is not None:
        return exam_keyboard(reply.exam)
    buttons = [_button(label, encode("k", value=command)) for label, command in reply.buttons]
    for action in reply.actions:
        if action == "explain":
            if reply.answered is not None:
                buttons.append(_button("Explain", encode("x", *reply.answered)))
        elif (label := action_label(action)) is not None:
            buttons.append(_button(label, encode("c", value=action)))
    return InlineKeyboardMarkup(_rows(buttons, 3)) if buttons else None


def messages(reply: Reply, private: bool = False) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The reply as Telegram messages. The card gets messages of its own, so its buttons sit under it
    (`private`: the chat is the learner's own, where the card's web view button may go)."""
    out: list[tuple[str, InlineKeyboardMarkup | None]] = []
    text = [Fragment(p) for p in reply.paragraphs]
    if text:
        chunks = pack(text)
        keyboard = actions_keyboard(reply)
        out += [(chunk, None) for chunk in chunks[:-1]] + [(chunks[-1], keyboard if reply.card is None else
                                                            _explain_only(keyboard))]
    if reply.card is not None:
        chunks = pack(card_fragments(reply.card))
        out += [(chunk, None) for chunk in chunks[:-1]] + [(chunks[-1], card_keyboard(reply.card, private=private))]
    return out


def caption(reply: Reply) -> str | None:
    """The reply's text as its photo's caption, when it fits one (1024 characters) and there is no card
    (a card's buttons need a message of its own); None when the text goes in messages after the photo."""
    if reply.card is not None or not reply.paragraphs:
        return None
    chunks = pack([Fragment(p) for p in reply.paragraphs], CAPTION_LIMIT)
    return chunks[0] if len(chunks) == 1 else None


def alt_caption(alt: str) -> str:
    """A chart's caption when the reply's text goes in messages of its own: what the chart shows."""
    return esc(alt if utf16_len(alt) <= CAPTION_LIMIT else alt[:CAPTION_LIMIT // 2 - 1] + "…")


def _explain_only(keyboard: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """Above a new question, keep only the Explain button of the verdict (mode buttons would distract)."""
    if keyboard is None:
        return None
    kept = [b for row in keyboard.inline_keyboard for b in row if b.text == "Explain"]
    return InlineKeyboardMarkup([kept]) if kept else None


def verdict_message(reply: Reply) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """The answered question with its verdict underneath, to replace the question's message in place (one
    edit instead of an edit and a new message); None when there is no such card or it would not fit one
    message. A next question is not part of it: it goes below, as a message of its own."""
    if reply.answered_card is None or reply.image is not None:  # a picture goes below, with the text
        return None
    chunks = pack(card_fragments(reply.answered_card, instructions=False) + [Fragment(p) for p in reply.paragraphs])
    if len(chunks) != 1:
        return None
    keyboard = actions_keyboard(reply)
    return chunks[0], keyboard if reply.card is None else _explain_only(keyboard)


def card_message(card: QuestionCard, state: str = "", private: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """The card edited in place while the learner builds a multi-step answer (it must fit one message)."""
    chunks = pack(card_fragments(card, state))
    return chunks[-1], card_keyboard(card, state, private)


def toast(text: str) -> str:
    """answerCallbackQuery text is at most 200 characters."""
    return text if len(text) <= CALLBACK_TEXT_LIMIT else text[: CALLBACK_TEXT_LIMIT - 1] + "…"
