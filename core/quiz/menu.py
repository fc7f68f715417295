"""The drill menu and how a drill's scope is named: the domains, their task statements, and the mix."""

from __future__ import annotations

from core.exam.bank import Bank
from core.reply import Reply

MIX = "mix"  # /drill mix: ten questions chosen for the learner's level (core/adaptive)
MIX_LINE = f"/drill {MIX}: 10 questions across the exam, chosen for your level"


def is_mix(asked: str | None) -> bool:
    return (asked or "").strip().lower() == MIX


def drill_menu(bank: Bank, asked: str | None = None) -> Reply:
    """The mix, the domains and task statements to drill; first why, if the learner named one that does not
    exist."""
    lines, menu = [MIX_LINE], [("Mix: chosen for your level", f"/drill {MIX}")]
    for d in bank.exam.domains:
        lines.append(f"/drill {d.number}: {d.name} ({d.weight}%)")
        lines += [f"  /drill {t.id}: {t.title}" for t in d.tasks]
        menu.append((f"Domain {d.number}: {d.name} ({d.weight}%)", f"/drill {d.number}"))
        menu += [(f"{t.id} {t.title}", f"/drill {t.id}") for t in d.tasks]
    why = (f"There is no domain or task statement {asked.strip()[:20]} in {bank.exam.code}. "
           if asked and asked.strip() else "")
    return Reply([why + f"{bank.exam.code} drill: pick a domain or a task statement:\n" + "\n".join(lines)],
                 refused=bool(why), menu=menu)


def scope_name(bank: Bank, scope: str | None) -> str:
    """"task 2.1 ...", "domain 2 ...", or for the mix "the whole exam, at your level"."""
    exam = bank.exam
    if scope in exam.tasks:
        return f"task {scope} {exam.tasks[scope].title}"
    return f"domain {scope} {exam.domain(int(scope)).name}" if scope else "the whole exam, at your level"
