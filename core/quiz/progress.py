"""A learner's progress: accuracy by domain and task statement, recent forms, and exam readiness."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from core.exam.bank import Bank
from core.quiz.engine import Answer, Mode, Session

READY_SCORE = 0.75  # each of the last attempts must reach this
READY_ATTEMPTS = 3  # how many unseen mixed attempts count
MIN_MOCK_SIZE = 20  # a mock shorter than this is not evidence of readiness


def score(session: Session) -> float:
    return sum(a.correct for a in session.answers) / session.total if session.total else 0.0


def counts_for_readiness(session: Session) -> bool:
    """An unseen, mixed, finished attempt long enough to say something: a diagnostic or a 20+ mock."""
    long_enough = session.mode is Mode.DIAGNOSTIC or (session.mode is Mode.MOCK and session.total >= MIN_MOCK_SIZE)
    return session.finished and session.unseen and long_enough


@dataclass(frozen=True)
class Readiness:
    ready: bool
    message: str


def readiness(forms: list[Session]) -> Readiness:
    """'Probably ready' when the last three unseen mixed attempts each scored at least 75%."""
    attempts = [s for s in forms if counts_for_readiness(s)][-READY_ATTEMPTS:]
    below = [s for s in attempts if score(s) < READY_SCORE]
    if len(attempts) == READY_ATTEMPTS and not below:
        return Readiness(True, "Readiness: probably ready. Your last three unseen mixed attempts each scored "
                               "75% or more.")
    missing = []
    if len(attempts) < READY_ATTEMPTS:
        missing.append(f"{READY_ATTEMPTS - len(attempts)} more unseen mixed attempt(s) "
                       f"(/diagnostic, or /mock of {MIN_MOCK_SIZE}+ questions)")
    if below:
        missing.append(f"{len(below)} of your last attempts scored under 75%: "
                       + ", ".join(f"{round(100 * score(s))}%" for s in below))
    return Readiness(False, "Readiness: not yet. Missing: " + "; ".join(missing) + ".")


def stats(bank: Bank, history: list[Answer], forms: list[Session]) -> list[str]:
    """The /stats text for the bank's exam, oldest data first in `history` and `forms`: answers to questions
    of other exams only are left out; a question both exams share counts, whichever exam showed it."""
    code = bank.exam.code
    history = [a for a in history if a.question_id in bank.questions]
    if not history:
        return [f"No {code} answers yet. Try /quiz, /drill or /diagnostic.", readiness(forms).message]
    right = sum(a.correct for a in history)
    out = [f"{code} · Answered {len(history)} · accuracy {round(100 * right / len(history))}%"]
    task_right: dict[str, int] = defaultdict(int)
    task_seen: dict[str, int] = defaultdict(int)
    for a in history:
        if a.question_id in bank.questions:
            task = bank[a.question_id].task
            task_seen[task] += 1
            task_right[task] += a.correct
    lines = []
    for d in bank.exam.domains:
        seen = sum(task_seen[t.id] for t in d.tasks)
        ok = sum(task_right[t.id] for t in d.tasks)
        lines.append(f"Domain {d.number} ({d.weight}%): " + (f"{round(100 * ok / seen)}% of {seen}" if seen else "—"))
        for t in d.tasks:
            if task_seen[t.id]:
                lines.append(f"  {t.id} {t.title}: {round(100 * task_right[t.id] / task_seen[t.id])}% "
                             f"of {task_seen[t.id]}")
    out.append("\n".join(lines))
    finished = [s for s in forms if s.finished][-5:]
    if finished:
        out.append("Recent diagnostics and mocks:\n" + "\n".join(
            f"{s.started_at:%Y-%m-%d} {s.mode}: {round(100 * score(s))}% of {s.total}"
            + ("" if s.unseen else " (repeated questions)") for s in finished))
    out.append(readiness(forms).message)
    return out
