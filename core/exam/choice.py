"""What /exam says: the exams side by side with who sits which, a button per exam, and what switching does.

Shared by a learner's own choice (core/quiz/service.py) and a group's (core/rounds/service.py), so both
read the same; the full-length form a diagnostic asks for is looked up here too.
"""

from __future__ import annotations

from core.exam.bank import Bank
from core.exam.exams import Exams
from core.exam.model import Exam
from core.reply import Reply

KEPT = "your answers stay, and a question both exams share keeps its history whichever showed it"


def menu(exams: Exams, current: Bank, group: bool) -> Reply:
    """Every exam with its audience, the current one marked; a tap sends `/exam CODE`."""
    lines = [f"{b.exam.code} ({len(b.questions)} questions): {b.exam.audience or b.exam.title}."
             + (" ✓" if b is current else "") for b in exams]
    example = next((b.code for b in exams if b is not current), current.code)
    if group:
        head = f"This chat studies {current.exam.code}: its rounds and question of the day come from it."
        how = f"A chat admin switches it with the buttons or /exam {example}."
    else:
        head = f"You study {current.exam.code}."
        how = f"Switch with the buttons or /exam {example}: {KEPT}."
    return Reply([head, "\n".join(lines), how],
                 buttons=[(b.exam.code + (" ✓" if b is current else ""), f"/exam {b.code}") for b in exams])


def unknown(exams: Exams, text: str) -> Reply:
    return Reply([f"There is no exam {text[:20]!r} here. Pick one: "
                  + ", ".join(f"/exam {b.code}" for b in exams) + "."], refused=True)


def still_running(code: str, mode: str) -> str:
    return (f"Your {code.upper()} {mode} is still running: finish it, or send /stop for its report, "
            "then switch exams.")


def switched(bank: Bank, group: bool) -> list[str]:
    """After a switch: what follows the new exam now."""
    exam = bank.exam
    if group:
        return [f"This chat now studies {exam.code}: the next /round and the question of the day come from it. "
                "A round already running finishes with its own questions."]
    forms = "".join(f", or /diagnostic {f.name} for the {f.title} ({f.questions} questions, {f.minutes} minutes)"
                    for f in exam.forms)
    return [f"You now study {exam.code} ({len(bank.questions)} questions): quick questions, drills, diagnostics, "
            f"mocks, reviews, /stats and /plan follow it; {KEPT}.",
            f"Its diagnostic: /diagnostic ({exam.questions} questions, {exam.minutes} minutes){forms}."]


def other(exams: Exams, bank: Bank) -> str:
    """The other exams' codes, for the welcome ("Sitting MLA-C01 instead?")."""
    return " or ".join(b.exam.code for b in exams if b is not bank)


def form_size(exam: Exam, name: str | None) -> tuple[int, int] | Reply:
    """(questions, minutes) of the named full-length form, the standard one when no name is given."""
    if not name:
        return exam.questions, exam.minutes
    form = next((f for f in exam.forms if f.name == name.strip().lower()), None)
    if form is not None:
        return form.questions, form.minutes
    others = "".join(f" or /diagnostic {f.name} ({f.title}: {f.questions} questions)" for f in exam.forms)
    return Reply([f"{exam.code} has no form {name[:20]!r}: /diagnostic ({exam.questions} questions){others}."],
                 refused=True)
