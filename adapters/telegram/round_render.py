"""Group rounds as Telegram HTML: one message per question (live count, then the reveal), and the boards."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.telegram.codec import encode
from adapters.telegram.render import MESSAGE_LIMIT, Fragment, pack, utf16_len
from core.grading import LETTERS
from core.model import QuestionType
from core.round import Leaderboard, Reason, Reveal, RoundCard, RoundSummary, Standing

SHOWN_STANDINGS = 10  # under a reveal; the final and weekly boards show everyone (split if they must)
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
_CLOSED = {Reason.TIME: "⏰ time is up", Reason.EVERYONE: "everyone answered", Reason.STOPPED: "round stopped"}


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


def _standing(place: int, s: Standing, detail: bool = False) -> str:
    line = f"{MEDALS.get(place, f'{place}.')} {s.name}: {s.score}"
    if detail:
        line += f" ({s.right} right, {s.time_ms / 1000:.1f} s)"
    return line


def reveal_text(reveal: Reveal) -> str:
    """The question's message once closed: right answer, why, who got it right, the standings."""
    card = reveal.card
    head = [Fragment(f"Round · question {card.number} of {card.total} · closed ({_CLOSED[reveal.reason]})", "b")]
    if reveal.right:
        names = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in reveal.right)
        who = f"Right ({len(reveal.right)} of {reveal.answered}): {names}"
    elif reveal.answered:
        who = f"Nobody got it right ({reveal.answered} answered)."
    else:
        who = "No answers."
    board = "\n".join(_standing(i, s) for i, s in enumerate(reveal.standings[:SHOWN_STANDINGS], start=1))
    tail = [Fragment("✅ " + "\n".join(reveal.correct), "b"), Fragment(reveal.why), Fragment(who),
            Fragment("Standings:\n" + board)]
    optional, stem, choices = _question_parts(card)
    return _fit(head, optional, stem, [choices, *tail])


def summary_messages(end: RoundSummary) -> list[str]:
    """The end of a round: the final leaderboard and the domain to drill."""
    if end.stopped and end.asked < end.total:
        title = f"🏁 Round stopped after {end.asked} of {end.total} questions."
    else:
        title = f"🏁 Round over: {end.asked} questions."
    parts = [Fragment(title, "b"), Fragment("Final leaderboard:\n" + "\n".join(
        _standing(i, s, detail=True) for i, s in enumerate(end.standings, start=1)))]
    if end.missed is not None:
        parts.append(Fragment(f"The group missed domain {end.missed.domain}, {end.missed.name}, most "
                              f"({end.missed.misses} missed). Practise it: {end.missed.drill}"))
    else:
        parts.append(Fragment("No misses at all. Next: /round again, or /leaderboard for the week."))
    return pack(parts)


def leaderboard_messages(board: Leaderboard) -> list[str]:
    """/leaderboard: the chat's week."""
    rounds = "round" if board.rounds == 1 else "rounds"
    return pack([Fragment(f"🏆 Leaderboard, last {board.days} days ({board.rounds} {rounds})", "b"),
                 Fragment("\n".join(_standing(i, s, detail=True) for i, s in enumerate(board.standings, start=1)))])


def plain(paragraphs: list[str]) -> list[str]:
    return pack([Fragment(p) for p in paragraphs])

