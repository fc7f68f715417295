"""Texts the learner reads after answering: verdicts, explanations and end-of-session score reports."""

from __future__ import annotations

from collections import defaultdict

from core.exam.bank import Bank
from core.exam.model import Question, QuestionType, Stage
from core.quiz import progress
from core.quiz.engine import FULL_LENGTH, Answer, Mode, Session
from core.quiz.grading import LETTERS


def _pct(right: int, total: int) -> str:
    return f"{right}/{total} ({round(100 * right / total) if total else 0}%)"


def correct_lines(q: Question, order: list[int] | None = None) -> list[str]:
    """The right answer, lettered as this learner saw it (file order if no session order)."""
    order = order or list(range(q.size))
    if q.type in (QuestionType.SINGLE, QuestionType.MULTI):
        return [f"{LETTERS[pos]}) {q.options[i].text}" for pos, i in enumerate(order) if q.options[i].correct]
    if q.type is QuestionType.ORDERING:
        return [f"{i + 1}. {LETTERS[order.index(i)]}) {step}" for i, step in enumerate(q.steps)]
    return [f"{i + 1}{LETTERS[order.index(i)]}: {p.prompt} → {p.match}" for i, p in enumerate(q.pairs)]


def verdict(q: Question, answer: Answer, order: list[int]) -> list[str]:
    """Immediate feedback: right or wrong, the correct answer and its short why."""
    if answer.correct:
        head = "✅ Correct."
    else:
        head = "❌ Not quite. The correct answer:"
    lines = [head] if answer.correct else [head + "\n" + "\n".join(correct_lines(q, order))]
    whys = [o.why for o in q.options if o.correct]
    lines.append(" ".join(whys) if whys else q.takeaway)
    return lines


def explain(q: Question, answer: Answer | None, order: list[int] | None, bank: Bank) -> list[str]:
    """The full rationale: verdict, correct answer, principle, every option's why, takeaway, links."""
    out = [f"Explanation · {bank.exam.code} task {q.task} {bank.exam.tasks[q.task].title} · stage {q.stage}"]
    if answer is not None:
        verdict = "✅ correct." if answer.correct else "❌ incorrect."
        if q.options:  # single or multi: the letters as the learner saw them, beside the right ones below
            shown = order or list(range(q.size))
            picked = " ".join(sorted(LETTERS[shown.index(i)] for i in answer.response if i in shown))
            out.append(f"You answered {picked}: {verdict}")
        else:
            out.append(f"Your answer was {verdict}")
    out.append("Correct answer:\n" + "\n".join(correct_lines(q, order)))
    out.append(q.explanation)
    if q.options:
        order = order or list(range(q.size))
        whys = []
        for pos, i in enumerate(order):
            option = q.options[i]
            mark = "✓" if option.correct else "✗"
            whys.append(f"{LETTERS[pos]} {mark} {option.why}")
        out.append("\n".join(whys))
    out.append(f"Takeaway: {q.takeaway}")
    out.append("Docs: " + "\n".join(q.references))
    return out


def session_name(session: Session) -> str:
    """"your drill on 2.1", "your mock": how a text names a learner's session."""
    if session.mode is Mode.QUICK:
        return "your quick question"
    return f"your {session.mode}" + (f" on {session.scope}" if session.scope else "")


def where_you_were(session: Session) -> str:
    """"You were on question 4 of 20 of your mock", for a session interrupted by a restart."""
    if session.total == 1:
        return f"You were on {session_name(session)}"
    return f"You were on question {session.position + 1} of {session.total} of {session_name(session)}"


def closed(session: Session) -> list[str]:
    """What a new session says about the untimed one it replaced ("Your drill on 2.1 was closed at 3 of
    10."), so a drill never disappears unnoticed; nothing for a lone quick question."""
    if session.total == 1:
        return []
    return [f"Y{session_name(session)[1:]} was closed at {len(session.answers)} of {session.total}."]


def session_report(session: Session, bank: Bank) -> list[str]:
    """End of a session, named with its exam. Full-length forms get the exam-style report by domain and
    lifecycle stage."""
    by_position = {a.position: a for a in session.answers}
    questions = [bank[qid] for qid in session.question_ids]
    right = sum(1 for a in session.answers if a.correct)
    total = session.total
    unanswered = total - len(session.answers)
    title = bank.exam.code + " " + {"quick": "quick question", "drill": "drill", "review": "review",
                                    "diagnostic": "diagnostic", "mock": "mock exam"}[session.mode]
    if session.mode is Mode.QUICK:
        return []  # one question: its verdict says it all
    if session.mode not in FULL_LENGTH:
        answered = len(session.answers)
        if not unanswered:
            return [f"{title} done: {_pct(right, total)} correct."]
        return [f"{title} stopped at {answered} of {total}: {_pct(right, answered)} of those answered correct."
                if answered else f"{title} stopped before any answer."]
    exam = bank.exam
    fraction = right / total if total else 0.0
    scaled = exam.scoring.scaled(fraction)
    verdict_line = "at or above" if scaled >= exam.scoring.passing else "below"
    out = [
        f"{title} report: {_pct(right, total)} correct"
        + (f", {unanswered} unanswered (counted wrong)" if unanswered else "")
        + f". Estimated scaled score {scaled} ({verdict_line} the {exam.scoring.passing} pass mark;"
        " a linear estimate, not AWS's scoring)."
    ]
    domain_right: dict[int, int] = defaultdict(int)
    domain_total: dict[int, int] = defaultdict(int)
    stage_right: dict[str, int] = defaultdict(int)
    stage_total: dict[str, int] = defaultdict(int)
    misses: dict[str, list[str]] = defaultdict(list)
    for pos, q in enumerate(questions):
        ok = pos in by_position and by_position[pos].correct
        domain_total[q.domain] += 1
        domain_right[q.domain] += ok
        stage_total[q.stage] += 1
        stage_right[q.stage] += ok
        if not ok:
            misses[q.stage].append(f"Q{pos + 1} ({q.task})")
    out.append("By domain:\n" + "\n".join(
        f"{d.number}. {d.name}: {_pct(domain_right[d.number], domain_total[d.number])}"
        for d in exam.domains if domain_total[d.number]))
    out.append("By lifecycle stage:\n" + "\n".join(
        f"{s.value}: {_pct(stage_right[s], stage_total[s])}" for s in Stage if stage_total[s]))
    if misses:
        out.append("Misses by stage:\n" + "\n".join(
            f"{s.value}: {', '.join(misses[s])}" for s in Stage if misses[s]))
        short = "diag" if session.mode is Mode.DIAGNOSTIC else "mock"
        out.append(f"Send /explain {short} N for question N of this {session.mode} (it stays reachable after "
                   "other sessions), or /review to retry your misses.")
    out.append(progress.readiness_note(session))
    weakest = weakest_tasks(session, bank)
    out.append(f"Next: drill your weakest task statements here, {' and '.join(weakest)}, then follow your /plan.")
    return out


def weakest_tasks(session: Session, bank: Bank, count: int = 2) -> list[str]:
    """The task statements this form went worst on: lowest share right, then most misses, then task order."""
    right: dict[str, int] = defaultdict(int)
    asked: dict[str, int] = defaultdict(int)
    ok = {a.position for a in session.answers if a.correct}
    for pos, qid in enumerate(session.question_ids):
        task = bank[qid].task
        asked[task] += 1
        right[task] += pos in ok
    return sorted(asked, key=lambda t: (right[t] / asked[t], right[t] - asked[t], t))[:count]


def next_buttons(session: Session, bank: Bank) -> list[tuple[str, str]]:
    """After a diagnostic or mock: its report's next steps as buttons (drill the weakest two, the plan)."""
    if session.mode not in FULL_LENGTH:
        return []
    return [(f"Drill {t}", f"/drill {t}") for t in weakest_tasks(session, bank)] + [("Plan", "/plan")]
