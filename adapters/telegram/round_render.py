"""Group rounds as Telegram HTML: one message per question (live count, then the reveal), and the boards."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.telegram.codec import encode
from adapters.telegram.render import MESSAGE_LIMIT, Fragment, pack, utf16_len
from core.exam.model import QuestionType
from core.quiz.grading import LETTERS
from core.rounds import text as words
from core.rounds.view import Leaderboard, Reveal, RoundCard, RoundSummary


def _fit(head: list[Fragment], optional: list[Fragment], stem: Fragment, rest: list[Fragment]) -> str:
    """One message: drop the optional parts (case scenario, exhibit), then shorten the stem until it fits.

    The options, the answer count and the reveal are never cut: they are what the group acts on.
    """
    def joined(parts: list[Fragment]) -> str:
        return "\n\n".join(f.html() for f in parts)

    for parts in (head + optional + [stem] + rest, head + [stem] + rest):
        if utf16_len(joined(parts)) <= MESSAGE_LIMIT:
            return joined(parts)
    room = MESSAGE_LIMIT - utf16_len(joined(head + rest)) - 4  # two paragraph breaks and the ellipsis
    pieces = stem.cut(room - 1) if room > 1 else None
    short = Fragment(pieces[0].text + "…") if pieces else Fragment("…")
    return joined(head + [short] + rest)


def _question_parts(card: RoundCard) -> tuple[list[Fragment], Fragment, Fragment]:
    optional = []
    if card.case_scenario:
        optional += [Fragment(f"Case study: {card.case_title}", "i"), Fragment(card.case_scenario)]
    if card.exhibit:
        optional.append(Fragment(card.exhibit.rstrip("\n"), "pre"))
    choices = Fragment("\n".join(f"{LETTERS[i]}) {c}" for i, c in enumerate(card.choices)))
    return optional, Fragment(card.stem), choices


def card_text(card: RoundCard) -> str:
    """The open question with its live answer count."""
    head = [Fragment(f"Round · question {card.number} of {card.total} · {card.seconds} s to answer", "b")]
    how = (f"Select {card.select}, then Submit." if card.kind is QuestionType.MULTI else "Tap your answer.")
    tail = [Fragment(f"{how} One answer each, kept private until the reveal.", "i"),
            Fragment(f"👥 {card.answered} answered")]
    optional, stem, choices = _question_parts(card)
    return _fit(head, optional, stem, [choices, *tail])


def card_keyboard(card: RoundCard) -> InlineKeyboardMarkup:
    """The same buttons for everyone; each member's own multi pick lives in the database, not in the buttons."""
    n = len(card.choices)
    if card.kind is QuestionType.MULTI:
        toggles = [InlineKeyboardButton(LETTERS[k], callback_data=encode("g", card.round_id, card.position, k))
                   for k in range(n)]
        submit = InlineKeyboardButton("Submit", callback_data=encode("G", card.round_id, card.position))
        return InlineKeyboardMarkup([toggles, [submit]])
    return InlineKeyboardMarkup([[InlineKeyboardButton(LETTERS[k], callback_data=encode("r", card.round_id,
                                                                                        card.position, k))
                                  for k in range(n)]])


def reveal_text(reveal: Reveal) -> str:
    """The question's message once closed: right answer, why, who got it right, the standings."""
    head = [Fragment(words.closed_title(reveal), "b")]
    tail = [Fragment("✅ " + "\n".join(reveal.correct), "b"), Fragment(reveal.why), Fragment(words.who_got_it(reveal)),
            Fragment("Standings:\n" + words.board(reveal.standings, limit=words.SHOWN_STANDINGS))]
    optional, stem, choices = _question_parts(reveal.card)
    return _fit(head, optional, stem, [choices, *tail])


def summary_messages(end: RoundSummary) -> list[str]:
    """The end of a round: the final leaderboard and the domain to drill."""
    title, final, drill = words.round_end(end)
    return pack([Fragment(f"{words.END_MARK} {title}", "b"), Fragment(final), Fragment(drill)])


def leaderboard_messages(board: Leaderboard) -> list[str]:
    """/leaderboard: the chat's week."""
    return pack([Fragment(f"{words.BOARD_MARK} {words.leaderboard_title(board)}", "b"),
                 Fragment(words.board(board.standings, detail=True))])


def plain(paragraphs: list[str]) -> list[str]:
    return pack([Fragment(p) for p in paragraphs])

