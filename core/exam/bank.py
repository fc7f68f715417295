"""Loading and validating the question bank: a broken bank is refused whole, with precise errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import ValidationError

from core.exam.carried import CARRIED_FILE, carried_questions
from core.exam.model import Case, Exam, Question

QUESTIONS_DIR = Path(__file__).resolve().parents[2] / "questions"
DEFAULT_EXAM_DIR = QUESTIONS_DIR / "mla-c01"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the bank, located by file, question id and field."""

    file: str
    question: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: question {self.question}: field {self.field}: {self.message}"


class BankError(Exception):
    """The bank failed validation; `problems` lists every error found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Bank:
    """The exam's facts, its questions by id (in file order) and its case-study scenarios."""

    exam: Exam
    questions: dict[str, Question]
    cases: dict[str, Case] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # question id -> file it came from

    def __getitem__(self, qid: str) -> Question:
        return self.questions[qid]

    @property
    def code(self) -> str:
        """The exam's code as learners type it and the store keeps it: "mla-c02"."""
        return self.exam.code.lower()

    @cached_property
    def _by_task(self) -> dict[str, list[Question]]:
        """Built on first use: every quick question asks, and the bank never changes."""
        index: dict[str, list[Question]] = {}
        for q in self.questions.values():
            index.setdefault(q.task, []).append(q)
        return index

    def by_task(self, task: str) -> list[Question]:
        """In file order."""
        return list(self._by_task.get(task, []))

    def by_domain(self, domain: int) -> list[Question]:
        return [q for q in self.questions.values() if q.domain == domain]

    def in_forms(self, question: Question) -> bool:
        """Whether a full-length form may use the question (MLA-C02's: single and multiple answer only)."""
        return not self.exam.form_types or question.type in self.exam.form_types

    @property
    def carried(self) -> int:
        """How many questions come from the earlier exam (carried.yaml)."""
        return sum(1 for f in self.files.values() if f == CARRIED_FILE)


def _read_yaml(path: Path, problems: list[Problem]) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(Problem(path.name, "-", "-", f"not valid YAML: {exc}"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(path.name, "-", "-", f"not UTF-8 text (byte {exc.start}): save the file as UTF-8"))
    except OSError as exc:
        problems.append(Problem(path.name, "-", "-", f"cannot read: {exc.strerror or exc}"))
    return None


def _problems_from(exc: ValidationError, file: str, qid: str) -> list[Problem]:
    out = []
    for err in exc.errors():
        cause = (err.get("ctx") or {}).get("error")
        fld = getattr(cause, "field", None)
        message = getattr(cause, "message", None) or err["msg"]
        if fld is None:
            fld = ".".join(str(part) for part in err["loc"]) or "-"
        out.append(Problem(file, qid, fld, message))
    return out


def _against_exam(exam: Exam, question: Question, file: str) -> list[Problem]:
    """What the exam's own facts demand of a question written for it: id prefix, item type, skills."""
    out = []
    qid = question.id
    if not qid.startswith(f"{exam.id_prefix}d"):
        out.append(Problem(file, qid, "id", f"must start with {exam.id_prefix}d<domain>-<task>-"))
    if exam.form_types and question.type not in exam.form_types:
        allowed = ", ".join(t.value for t in exam.form_types)
        out.append(Problem(file, qid, "type", f"{exam.code} questions are {allowed}"))
    known = exam.skills
    if known:
        if not question.skills:
            out.append(Problem(file, qid, "skills", f"required: the {exam.code} skills it tests, e.g. [\"1.2.7\"]"))
        for skill in question.skills:
            if skill not in known:
                out.append(Problem(file, qid, "skills", f"{skill!r} is not a skill of {exam.code}"))
        if question.skills and not any(s.rsplit(".", 1)[0] == question.task for s in question.skills):
            out.append(Problem(file, qid, "skills", f"none of them belongs to task {question.task}"))
    elif question.skills:
        out.append(Problem(file, qid, "skills", f"{exam.code} lists no skills"))
    return out


def _load_cases(folder: Path, problems: list[Problem]) -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for path in sorted((folder / "cases").glob("*.yaml")):
        name = f"cases/{path.name}"
        raw = _read_yaml(path, problems)
        if not isinstance(raw, dict):
            if raw is not None:
                problems.append(Problem(name, "-", "-", "a case file holds one mapping"))
            continue
        try:
            case = Case.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_problems_from(exc, name, str(raw.get("id", "?"))))
            continue
        if path.stem != case.id:
            problems.append(Problem(name, case.id, "id", f"must match the file name {path.stem!r}"))
        cases[case.id] = case
    return cases


def load_bank(folder: Path = DEFAULT_EXAM_DIR, loaded: dict[str, Bank] | None = None) -> Bank:
    """Load `exam.yaml`, `cases/*.yaml` and every `<task>.yaml`; raise BankError listing all problems.

    `loaded` holds banks already loaded by folder name, so the exam a successor carries questions from is
    read once when every exam is loaded (each bank takes seconds)."""
    problems: list[Problem] = []
    raw_exam = _read_yaml(folder / "exam.yaml", problems)
    if problems:
        raise BankError(problems)
    try:
        exam = Exam.model_validate(raw_exam)
    except ValidationError as exc:
        raise BankError(_problems_from(exc, "exam.yaml", "-")) from exc
    cases = _load_cases(folder, problems)
    questions: dict[str, Question] = {}
    files: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name in ("exam.yaml", CARRIED_FILE):
            continue
        if path.stem not in exam.tasks:
            problems.append(Problem(path.name, "-", "-", "file name is not a task statement of the exam"))
            continue
        raw = _read_yaml(path, problems)
        if raw is None:
            continue
        if not isinstance(raw, list):
            problems.append(Problem(path.name, "-", "-", "a question file holds a YAML list of questions"))
            continue
        for index, item in enumerate(raw, start=1):
            qid = str(item.get("id", f"#{index}")) if isinstance(item, dict) else f"#{index}"
            try:
                question = Question.model_validate(item)
            except ValidationError as exc:
                problems.extend(_problems_from(exc, path.name, qid))
                continue
            problems.extend(_against_exam(exam, question, path.name))
            if question.task != path.stem:
                problems.append(Problem(path.name, qid, "task", f"must be {path.stem!r} in this file"))
            if question.case is not None and question.case not in cases:
                problems.append(Problem(path.name, qid, "case", f"no case study {question.case!r} in cases/"))
            if qid in questions:
                problems.append(Problem(path.name, qid, "id", f"duplicate of a question in {files[qid]}"))
                continue
            questions[qid] = question
            files[qid] = path.name
    if exam.carried_from:
        try:
            source = (loaded or {}).get(exam.carried_from) or load_bank(folder.parent / exam.carried_from)
        except BankError as exc:
            raise BankError([Problem(f"{exam.carried_from}/{p.file}", p.question, p.field, p.message)
                             for p in exc.problems]) from exc
        reused, reused_cases, mapping_problems = carried_questions(folder, exam, source.questions, source.cases)
        for line in mapping_problems:
            qid, fld, message = line.split(": ", 2)
            problems.append(Problem(CARRIED_FILE, qid, fld, message))
        for qid, question in reused.items():
            if qid in questions:
                problems.append(Problem(CARRIED_FILE, qid, "id", f"also a question in {files[qid]}"))
                continue
            questions[qid] = question
            files[qid] = CARRIED_FILE
        cases.update(reused_cases)
    if problems:
        raise BankError(problems)
    empty = [t for t in exam.tasks if not any(q.task == t for q in questions.values())]
    if not questions:
        raise BankError([Problem(folder.name, "-", "-", "the bank has no questions")])
    if empty:
        raise BankError([Problem(f"{t}.yaml", "-", "-", f"task statement {t} has no questions") for t in empty])
    return Bank(exam=exam, questions=questions, cases=cases, files=files)
