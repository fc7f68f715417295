"""The words of a round (who got it right, standings, the end-of-round summary), shared by every chat."""

from __future__ import annotations

from core.rounds.view import Leaderboard, Reason, Reveal, RoundSummary, Standing
from core.text import plural

SHOWN_STANDINGS = 10  # under a reveal; the final and weekly boards show everyone
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
END_MARK, BOARD_MARK = "🏁", "🏆"  # shown before the (emphasised) end-of-round and leaderboard titles
CLOSED = {Reason.TIME: "⏰ time is up", Reason.EVERYONE: "everyone answered", Reason.STOPPED: "round stopped"}


def standing(place: int, s: Standing, detail: bool = False) -> str:
    line = f"{MEDALS.get(place, f'{place}.')} {s.name}: {s.score}"
    if detail:
        line += f" ({s.right} right, {s.time_ms / 1000:.1f} s)"
    return line


def board(standings: list[Standing], detail: bool = False, limit: int | None = None) -> str:
    return "\n".join(standing(i, s, detail) for i, s in enumerate(standings[:limit], start=1))


def who_got_it(reveal: Reveal) -> str:
    if reveal.right:
        names = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in reveal.right)
        return f"Right ({len(reveal.right)} of {reveal.answered}): {names}"
    if reveal.answered:
        return f"Nobody got it right ({reveal.answered} answered)."
    return "No answers."


def closed_title(reveal: Reveal) -> str:
    card = reveal.card
    return f"Round · question {card.number} of {card.total} · closed ({CLOSED[reveal.reason]})"


def round_end(end: RoundSummary) -> tuple[str, str, str]:
    """(title, final leaderboard, what to practise next)."""
    name = f"{end.exam} round" if end.exam else "Round"
    if end.stopped and end.asked < end.total:
        title = f"{name} stopped after {end.asked} of {plural(end.total, 'question')}."
    else:
        title = f"{name} over: {plural(end.asked, 'question')}."
    if end.missed is not None:
        drill = (f"The group missed domain {end.missed.domain}, {end.missed.name}, most "
                 f"({end.missed.misses} missed). Practise it: {end.missed.drill}")
    else:
        drill = "No misses at all. Next: /round again, or /leaderboard for the week."
    return title, "Final leaderboard:\n" + board(end.standings, detail=True), drill


def leaderboard_title(lb: Leaderboard) -> str:
    return f"Leaderboard, last {plural(lb.days, 'day')} ({plural(lb.rounds, 'round')})"
