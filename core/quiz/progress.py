"""A learner's progress: accuracy by domain and task statement, recent forms, and exam readiness.

Readiness rests on attempts that say something about exam day, and on nothing else:

- Only a diagnostic, or a mock of MIN_MOCK_SIZE (20) questions or more, can count.
- It counts only when it ended properly: every question answered, or submitted (/submit) or ran out of
  time with at least MIN_ANSWERED (80%) of its questions answered; the unanswered ones count wrong. A
  submit is the learner ending the attempt as on exam day, so it is held to the same 80% as the clock. An
  attempt the learner stopped (/stop) never counts, and neither does one submitted or out of time with less
  answered: "0/20, 20 unanswered counted wrong" is no evidence either way.
- It counts only when it was unseen: every one of its questions never answered before it started, in any
  mode (quick, drill, review, an earlier diagnostic or mock). A question merely shown in a form that was
  stopped or ran out of time is not used up: it stays unseen until the learner answers it.
- When too few never-answered questions are left to fill a form (by domain weight), /diagnostic and /mock
  say so as they start (how many are left, and that the attempt will not count), and /stats says so too.
- Probably ready: the last READY_ATTEMPTS (3) attempts that count each scored READY_SCORE (75%) or more.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from core.exam.bank import Bank
from core.quiz import selection
from core.quiz.engine import Answer, Mode, Session
from core.text import are, plural

READY_SCORE = 0.75  # each of the last attempts must reach this
READY_ATTEMPTS = 3  # how many unseen mixed attempts count
MIN_MOCK_SIZE = 20  # a mock shorter than this is not evidence of readiness
MIN_ANSWERED = 0.8  # a form that ran out of time counts only with at least this share answered


def score(session: Session) -> float:
    return sum(a.correct for a in session.answers) / session.total if session.total else 0.0


def timed_out(session: Session) -> bool:
    """Ended by its deadline (engine.finish stops the clock at the deadline), not by the learner."""
    return (session.deadline is not None and session.finished_at is not None
            and session.finished_at >= session.deadline)


def not_counted(session: Session) -> str | None:
    """Why a finished diagnostic or mock does not count for readiness, as the learner reads it; None if it
    counts. The rules are in this module's docstring."""
    if session.mode is Mode.MOCK and session.total < MIN_MOCK_SIZE:
        return f"a mock under {MIN_MOCK_SIZE} questions"
    if not session.unseen:
        return "it repeated questions you had answered before"
    answered, total = len(session.answers), session.total
    if answered < total and not timed_out(session) and not session.submitted:
        return "stopped before the end"
    needed = math.ceil(MIN_ANSWERED * total)
    if answered < needed:
        ended = "submitted" if session.submitted else "time ran out"
        return f"{ended} with {answered} of {total} answered ({needed} needed)"
    return None


def counts_for_readiness(session: Session) -> bool:
    """A finished, unseen diagnostic or 20+ mock that ended properly (see the module docstring)."""
    return session.mode in (Mode.DIAGNOSTIC, Mode.MOCK) and session.finished and not_counted(session) is None


def readiness_note(session: Session) -> str:
    """The last line of a diagnostic's or mock's report: whether it counts toward readiness, and why not."""
    reason = not_counted(session)
    if reason is None:
        return "This attempt counts toward readiness (/stats)."
    note = f"This attempt does not count toward readiness: {reason}."
    if len(session.answers) < session.total:
        note += " The questions you did not answer are not used up: later forms can still bring them unseen."
    return note


def shortfall(pick: selection.FormPick, mode: Mode) -> str | None:
    """What to tell the learner before a form that cannot be unseen; None when it is unseen."""
    if pick.unseen:
        return None
    size = len(pick.ids)
    if pick.unseen_left < size:
        head = (f"Only {plural(pick.unseen_left, 'question')} you have never answered {are(pick.unseen_left)} "
                f"left, fewer than this {size}-question {mode} needs")
    else:
        head = (f"{plural(pick.unseen_left, 'question')} you have never answered {are(pick.unseen_left)} left, "
                "but too few in "
                + ", ".join(f"domain {d} ({have} of the {need} this {mode} needs)"
                            for d, (have, need) in sorted(pick.short.items())))
    return (head + ", so it repeats questions you answered before and will not count toward readiness. "
            "It is still good practice; /stop ends it.")


@dataclass(frozen=True)
class Readiness:
    ready: bool
    message: str


def readiness(forms: list[Session], unseen_left: int | None = None) -> Readiness:
    """'Probably ready' when the last three attempts that count each scored at least 75%. `unseen_left`:
    the never-answered questions left when too few remain for an unseen MIN_MOCK_SIZE mock, else None."""
    attempts = [s for s in forms if counts_for_readiness(s)][-READY_ATTEMPTS:]
    below = [s for s in attempts if score(s) < READY_SCORE]
    if len(attempts) == READY_ATTEMPTS and not below:
        return Readiness(True, "Readiness: probably ready. Your last three unseen mixed attempts each scored "
                               "75% or more.")
    missing = []
    if len(attempts) < READY_ATTEMPTS:
        missing.append(f"{plural(READY_ATTEMPTS - len(attempts), 'more unseen mixed attempt')} "
                       f"(/diagnostic, or /mock of {MIN_MOCK_SIZE}+ questions)")
    if below:
        missing.append(f"{len(below)} of your last attempts scored under 75%: "
                       + ", ".join(f"{round(100 * score(s))}%" for s in below))
    message = "Readiness: not yet. Missing: " + "; ".join(missing) + "."
    if unseen_left is not None:
        message += (f" Only {plural(unseen_left, 'question')} you have never answered {are(unseen_left)} left, too "
                    f"few for an unseen {MIN_MOCK_SIZE}-question mock weighted by domain, so further attempts will "
                    "not count.")
    return Readiness(False, message)


def stats(bank: Bank, history: list[Answer], forms: list[Session]) -> list[str]:
    """The /stats text for the bank's exam, oldest data first in `history` and `forms`: answers to questions
    of other exams only are left out; a question both exams share counts, whichever exam showed it."""
    code = bank.exam.code
    history = [a for a in history if a.question_id in bank.questions]
    if not history:
        return [f"No {code} answers yet. Try /quiz, /drill or /diagnostic.", readiness(forms).message]
    left, short = selection.unseen_room(bank, MIN_MOCK_SIZE, {a.question_id for a in history})
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
            + (f" (not counted: {reason})" if (reason := not_counted(s)) else "") for s in finished))
    out.append(readiness(forms, left if short else None).message)
    return out
