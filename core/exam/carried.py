"""Questions a successor exam reuses from the exam before it, without copies.

`carried.yaml` in the successor's folder lists every question of the earlier exam once: under `carried`
with the successor's task and skills, or under `not_carried` with the reason (a removed skill, an outdated
fact). A carried question keeps its id, so a learner's answers, stats and review history of it are theirs
whichever exam showed it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.exam.model import Case, Exam, Question

CARRIED_FILE = "carried.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Carried(_Strict):
    id: str
    task: str = Field(pattern=r"^\d\.\d$")
    skills: list[str] = Field(min_length=1)


class NotCarried(_Strict):
    id: str
    reason: str = Field(min_length=1)


class CarriedFile(_Strict):
    carried: list[Carried] = Field(default_factory=list)
    not_carried: list[NotCarried] = Field(default_factory=list)


def carried_questions(folder: Path, exam: Exam, source_questions: dict[str, Question],
                      source_cases: dict[str, Case]) -> tuple[dict[str, Question], dict[str, Case], list[str]]:
    """(carried questions re-tagged for `exam`, the case studies they need, problems as 'id: field: message')."""
    path = folder / CARRIED_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        mapping = CarriedFile.model_validate(raw)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
        return {}, {}, [f"-: -: cannot read {CARRIED_FILE}: {exc}"]
    problems: list[str] = []
    listed = [e.id for e in mapping.carried] + [e.id for e in mapping.not_carried]
    for qid in sorted({q for q in listed if listed.count(q) > 1}):
        problems.append(f"{qid}: id: listed more than once")
    for qid in sorted(set(source_questions) - set(listed)):
        problems.append(f"{qid}: id: not listed (carry it or say why not)")
    known = exam.skills
    out: dict[str, Question] = {}
    for entry in mapping.carried:
        question = source_questions.get(entry.id)
        if question is None:
            problems.append(f"{entry.id}: id: no such question in the earlier exam")
            continue
        if entry.task not in exam.tasks:
            problems.append(f"{entry.id}: task: {entry.task!r} is not a task of {exam.code}")
        bad = [s for s in entry.skills if s not in known]
        if bad:
            problems.append(f"{entry.id}: skills: {', '.join(bad)} not skills of {exam.code}")
        if not any(s.rsplit(".", 1)[0] == entry.task for s in entry.skills):
            problems.append(f"{entry.id}: skills: none of them belongs to task {entry.task}")
        out[entry.id] = question.model_copy(update={"task": entry.task, "skills": entry.skills})
    cases = {q.case: source_cases[q.case] for q in out.values() if q.case and q.case in source_cases}
    return out, cases, problems
