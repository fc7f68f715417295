"""Menus the quiz offers: the domains and task statements to drill (moved out of core/quiz/service.py, which
must stay under 400 lines)."""

from __future__ import annotations

from core.exam.bank import Bank
from core.reply import Reply


def drill_menu(bank: Bank, asked: str | None = None) -> Reply:
    """The domains and task statements to drill; first why, if the learner named one that does not exist."""
    lines, menu = [], []
    for d in bank.exam.domains:
        lines.append(f"/drill {d.number}: {d.name} ({d.weight}%)")
        lines += [f"  /drill {t.id}: {t.title}" for t in d.tasks]
        menu.append((f"Domain {d.number}: {d.name} ({d.weight}%)", f"/drill {d.number}"))
        menu += [(f"{t.id} {t.title}", f"/drill {t.id}") for t in d.tasks]
    why = (f"There is no domain or task statement {asked.strip()[:20]} in {bank.exam.code}. "
           if asked and asked.strip() else "")
    return Reply([why + f"{bank.exam.code} drill: pick a domain or a task statement:\n" + "\n".join(lines)],
                 refused=bool(why), menu=menu)
