"""What the learner reads while moving through a diagnostic or mock and after it: the review screen, the
submit confirmation, the list of finished attempts and the post-exam review of each question.

Every word here; core/quiz/exam_service.py decides when, the chat surfaces and the web view draw it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.exam.bank import Bank
from core.exam.model import QuestionType
from core.quiz import navigate, progress, report
from core.quiz.engine import Mode, Session, card, format_left
from core.quiz.grading import LETTERS
from core.quiz.navigate import Overview
from core.quiz.timekeeper import format_duration
from core.text import are, plural

NOT_RUNNING = "No diagnostic or mock is running. /diagnostic or /mock starts one; /recap walks through a finished one."
NO_QUESTION = "There is no question {number} in this {mode}: it has {total}."
STALE_MOVE = "That button was for question {number}; you are on question {current} now:"
STALE_SUBMIT = "That confirmation was for an attempt that is over. Nothing was changed."
STALE_ATTEMPT = "That was for an attempt that is over. Nothing was changed; this is where you are:"
FLAG_SET = "Question {number} flagged: it is listed on the review screen (/overview)."
FLAG_CLEARED = "Question {number} no longer flagged."
LAST_ANSWERED = "Answer recorded. That was the last question; here is the review screen."
SUBMITTED = "Submitted."
NO_ATTEMPTS = "You have no finished diagnostic or mock yet. Submit one, and /recap walks through it here."
NO_ATTEMPT = "There is no attempt {attempt}: you have {count}. /recap lists them."
JUMPS = 12  # jump buttons on the review screen: the first unanswered and flagged questions (the text lists all)


def numbers(values: list[int]) -> str:
    """"1–3, 7, 9–12": question numbers with runs joined, "none" for none."""
    if not values:
        return "none"
    runs: list[list[int]] = []
    for n in values:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def form_title(session: Session) -> str:
    """"MLA-C02 diagnostic", "MLA-C02 mock exam"."""
    return f"{session.exam.upper()} {'diagnostic' if session.mode is Mode.DIAGNOSTIC else 'mock exam'}"


def counts(view: Overview) -> str:
    """"Answered 40 · Unanswered 25 · Flagged 3"."""
    return f"Answered {len(view.answered)} · Unanswered {len(view.unanswered)} · Flagged {len(view.flagged)}"


def overview_text(session: Session, now: datetime, chat: bool = True) -> list[str]:
    """The review screen: counts, the question numbers by state, and in a chat where the learner is and the
    commands (the web view has buttons for them)."""
    view = navigate.overview(session)
    head = f"Review screen · {form_title(session)}"
    if session.deadline is not None:
        head += f" · {format_left(session.deadline - now)} left"
    out = [head + "\n" + counts(view),
           f"Unanswered: {numbers(view.unanswered)}\nFlagged: {numbers(view.flagged)}\n"
           f"Answered: {numbers(view.answered)}"]
    if chat:
        out.append(f"You are on question {view.current}. /goto N opens question N; /submit ends the attempt.")
    return out


def overview_buttons(session: Session) -> list[tuple[str, str]]:
    """Jumps to the first flagged and unanswered questions, back to the current one, and Submit."""
    view = navigate.overview(session)
    marks = {n: "⚑" for n in view.flagged} | {n: "○" for n in view.unanswered if n not in view.flagged}
    jumps = [(f"Q{n} {marks[n]}", f"/goto {n}") for n in sorted(marks)[:JUMPS]]
    return jumps + [(f"Back to Q{view.current}", f"/goto {view.current}"), ("Submit", "/submit")]


def confirm_text(session: Session) -> str:
    """The submit confirmation in a chat: the question, and the command that confirms."""
    return confirm_question(session) + " Send /submit yes to submit."


def confirm_question(session: Session) -> str:
    """The submit confirmation: how many are unanswered and flagged, and that answers freeze."""
    view = navigate.overview(session)
    left, flagged = len(view.unanswered), len(view.flagged)
    parts = []
    if left:
        parts.append(f"{plural(left, 'question')} {are(left)} unanswered and count wrong")
    if flagged:
        parts.append(f"{plural(flagged, 'question')} {are(flagged)} flagged")
    status = ("; ".join(parts) + ".") if parts else "Every question is answered and none is flagged."
    return (f"Submit your {form_title(session)} now? {status[0].upper()}{status[1:]} After submitting, answers "
            "cannot change.")


def confirm_buttons(session: Session) -> list[tuple[str, str]]:
    """Yes (naming the attempt, so a stale tap cannot submit a later one) and Not yet (the review screen)."""
    return [("Yes, submit", f"/submit {session.saved_id}"), ("Not yet: review screen", "/overview")]


def submitted_text(attempt: int, report_lines: list[str]) -> list[str]:
    """After submit: how to walk through the attempt, then its report (QuizService._report's lines)."""
    return [f"{SUBMITTED} /recap {attempt} walks through every question with your pick, the right answer, the "
            "explanation and your time on it."] + report_lines


def attempt_line(number: int, session: Session) -> str:
    """"3. 2026-12-07 MLA-C02 diagnostic: 48/65 (74%), submitted"."""
    right = sum(a.correct for a in session.answers)
    if session.submitted:
        how = "submitted"
    elif progress.timed_out(session):
        how = "time ran out"
    else:  # before issue 17 a form ended with its last answer
        how = "finished" if len(session.answers) == session.total else "stopped"
    return (f"{number}. {session.started_at:%Y-%m-%d} {form_title(session)}: {right}/{session.total} "
            f"({round(100 * right / session.total) if session.total else 0}%), {how}")


def attempts_text(attempts: list[Session]) -> list[str]:
    """/recap without a number: every finished attempt, oldest first, numbered as /recap takes them."""
    if not attempts:
        return [NO_ATTEMPTS]
    return ["Your finished diagnostics and mocks:\n" + "\n".join(
        attempt_line(n, s) for n, s in enumerate(attempts, start=1)),
        "/recap N walks through attempt N from its first question; /recap N Q opens its question Q."]


def attempts_buttons(attempts: list[Session]) -> list[tuple[str, str]]:
    """The latest few attempts as buttons."""
    numbered = list(enumerate(attempts, start=1))[-5:]
    return [(f"Attempt {n}", f"/recap {n}") for n, _ in numbered]


def question_text(session: Session, bank: Bank, position: int, now: datetime) -> list[str]:
    """The question as the learner saw it (options in their shuffled order and letters)."""
    shown = card(session, bank, now, position)
    out = []
    if shown.case_title:
        out.append(f"Case study: {shown.case_title}\n{shown.case_scenario or ''}".rstrip())
    out.append(shown.stem + (f"\n{shown.exhibit}" if shown.exhibit else ""))
    if shown.kind is QuestionType.MATCHING:
        out.append("\n".join(f"{i + 1}. {p}" for i, p in enumerate(shown.prompts)))
    out.append("\n".join(f"{LETTERS[i]}) {c}" for i, c in enumerate(shown.choices)))
    return out


def recap_text(session: Session, bank: Bank, attempt: int, position: int, now: datetime) -> list[str]:
    """One question of a finished attempt: the question, the learner's pick beside the right answer, the
    explanation, and the time it was on screen."""
    q = bank[session.question_ids[position]]
    answer = next((a for a in session.answers if a.position == position), None)
    seconds = navigate.spent(session, position)
    head = (f"Attempt {attempt} · {form_title(session)} · question {position + 1} of {session.total} · "
            f"time on it: {format_duration(timedelta(seconds=seconds))}"
            + (" · ⚑ flagged" if position in session.flags else ""))
    why = report.explain(q, answer, session.orders[position], bank)
    if answer is None:
        why.insert(1, "You did not answer it (counted wrong).")
    return [head] + question_text(session, bank, position, now) + why


def recap_buttons(attempt: int, session: Session, position: int) -> list[tuple[str, str]]:
    """Previous and Next within the attempt, and back to the list."""
    out = []
    if position > 0:
        out.append(("◀ Previous", f"/recap {attempt} {position}"))
    if position + 1 < session.total:
        out.append(("Next ▶", f"/recap {attempt} {position + 2}"))
    return out + [("All attempts", "/recap")]
