"""The exam and its questions as validated data; nothing here knows about chats or storage."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Stage(StrEnum):
    """Lifecycle stage a question is about; the study plan and miss analysis group by it."""

    DATA = "data"
    MODEL = "model"
    DEPLOYMENT = "deployment"
    MONITORING = "monitoring"


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    ORDERING = "ordering"
    MATCHING = "matching"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Skill(_Strict):
    """One numbered skill of a task statement (MLA-C02 lists 107); `new` marks one the exam added."""

    id: str = Field(pattern=r"^\d\.\d\.\d+$")
    new: bool = False
    text: str = Field(min_length=1)


class Task(_Strict):
    id: str = Field(pattern=r"^\d\.\d$")
    title: str = Field(min_length=1)
    skills: list[Skill] = Field(default_factory=list)


class Domain(_Strict):
    number: int = Field(ge=1)
    name: str = Field(min_length=1)
    weight: int = Field(gt=0, le=100)
    tasks: list[Task] = Field(min_length=1)


class Scoring(_Strict):
    min: int
    max: int
    passing: int = Field(alias="pass")

    def scaled(self, fraction: float) -> int:
        """A linear estimate of the scaled score; AWS does not publish its equating."""
        return round(self.min + (self.max - self.min) * fraction)


class Form(_Strict):
    """A further full-length form beside the standard one, such as MLA-C02's 85-question beta length."""

    name: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=1)
    questions: int = Field(gt=0)
    minutes: int = Field(gt=0)


class Exam(_Strict):
    code: str
    title: str
    questions: int = Field(gt=0)
    minutes: int = Field(gt=0)
    scoring: Scoring
    guide: str | None = None
    # Who sits this exam, one line for /exam, where the learner picks between exams.
    audience: str = ""
    # The item types a full-length form may draw; empty means every type. An exam that names them also
    # accepts only those types in its own question files.
    form_types: list[QuestionType] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    # Prefix of the ids of questions written for this exam, so they never collide with another exam's.
    id_prefix: str = Field(default="", pattern=r"^([a-z0-9]+-)?$")
    # The folder of the exam this one succeeds, whose questions carried.yaml reuses (e.g. "mla-c01").
    carried_from: str | None = Field(default=None, pattern=r"^[a-z0-9-]+$")
    domains: list[Domain] = Field(min_length=1)

    @model_validator(mode="after")
    def _weights_add_up(self) -> Exam:
        if sum(d.weight for d in self.domains) != 100:
            raise ValueError("domain weights must add up to 100")
        return self

    @property
    def tasks(self) -> dict[str, Task]:
        return {t.id: t for d in self.domains for t in d.tasks}

    @property
    def skills(self) -> dict[str, Skill]:
        return {s.id: s for d in self.domains for t in d.tasks for s in t.skills}

    def domain(self, number: int) -> Domain:
        return next(d for d in self.domains if d.number == number)

    def blueprint(self, total: int | None = None) -> dict[int, int]:
        """Questions per domain for a form of `total` items, by weight (largest remainder)."""
        total = self.questions if total is None else total
        exact = {d.number: total * d.weight / 100 for d in self.domains}
        counts = {n: int(x) for n, x in exact.items()}
        by_remainder = sorted(exact, key=lambda n: (exact[n] - counts[n], -n), reverse=True)
        for n in by_remainder[: total - sum(counts.values())]:
            counts[n] += 1
        return counts


class Option(_Strict):
    text: str = Field(min_length=1)
    correct: bool
    why: str = Field(min_length=1)


class Pair(_Strict):
    prompt: str = Field(min_length=1)
    match: str = Field(min_length=1)


class Case(_Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    scenario: str = Field(min_length=1)


_SELECT = {2: "TWO", 3: "THREE"}
_SENTENCE_END = re.compile(r"[.!?](\s|$)")
_REFERENCE = re.compile(r"^https://(docs\.aws\.amazon\.com|aws\.amazon\.com)/\S+$")


class Question(_Strict):
    id: str = Field(pattern=r"^([a-z0-9]+-)?d\d-\d\.\d-\d{3}$")
    task: str = Field(pattern=r"^\d\.\d$")
    skills: list[str] = Field(default_factory=list)  # the exam's numbered skills, where it lists any
    stage: Stage
    type: QuestionType
    difficulty: int = Field(ge=1, le=3)
    services: list[str] = Field(min_length=1)
    stem: str = Field(min_length=10)
    exhibit: str | None = None
    case: str | None = None
    options: list[Option] = Field(default_factory=list)
    steps: list[str] = Field(default_factory=list)
    pairs: list[Pair] = Field(default_factory=list)
    explanation: str = Field(min_length=1)
    takeaway: str = Field(min_length=1)
    references: list[str] = Field(min_length=1)

    @property
    def domain(self) -> int:
        return int(self.task[0])

    @property
    def correct(self) -> list[int]:
        """Indices of the correct options (single and multi)."""
        return [i for i, o in enumerate(self.options) if o.correct]

    @property
    def size(self) -> int:
        """How many things the learner arranges or picks from."""
        return len(self.options or self.steps or self.pairs)

    @field_validator("references")
    @classmethod
    def _references_are_aws_docs(cls, refs: list[str]) -> list[str]:
        for ref in refs:
            if not _REFERENCE.match(ref):
                raise ValueError(f"not an AWS documentation link: {ref!r}")
        return refs

    @field_validator("explanation")
    @classmethod
    def _explanation_teaches(cls, text: str) -> str:
        if len(_SENTENCE_END.findall(text)) < 2:
            raise ValueError("must have at least two sentences")
        return text

    @field_validator("takeaway")
    @classmethod
    def _takeaway_is_one_sentence(cls, text: str) -> str:
        if len(_SENTENCE_END.findall(text.rstrip())) > 1 or "\n" in text:
            raise ValueError("must be one sentence")
        return text

    @model_validator(mode="after")
    def _shape_matches_type(self) -> Question:
        if f"d{self.task[0]}-{self.task}-" not in self.id:
            raise _FieldError("id", f"must start with d{self.task[0]}-{self.task}-")
        kind = self.type
        given = {"options": bool(self.options), "steps": bool(self.steps), "pairs": bool(self.pairs)}
        wanted = {QuestionType.SINGLE: "options", QuestionType.MULTI: "options",
                  QuestionType.ORDERING: "steps", QuestionType.MATCHING: "pairs"}[kind]
        for name, present in given.items():
            if name != wanted and present:
                raise _FieldError(name, f"not allowed for a {kind} question")
        if not given[wanted]:
            raise _FieldError(wanted, f"required for a {kind} question")
        if kind in (QuestionType.SINGLE, QuestionType.MULTI):
            self._check_options()
        elif kind is QuestionType.ORDERING:
            if not 3 <= len(self.steps) <= 5:
                raise _FieldError("steps", "an ordering question has 3 to 5 steps")
            if len(set(self.steps)) != len(self.steps):
                raise _FieldError("steps", "steps must be distinct")
        else:
            if not 3 <= len(self.pairs) <= 7:
                raise _FieldError("pairs", "a matching question has 3 to 7 pairs")
            for side in ("prompt", "match"):
                values = [getattr(p, side) for p in self.pairs]
                if len(set(values)) != len(values):
                    raise _FieldError("pairs", f"each {side} must be distinct")
        return self

    def _check_options(self) -> None:
        texts = [o.text for o in self.options]
        if len(set(texts)) != len(texts):
            raise _FieldError("options", "option texts must be distinct")
        n_correct = len(self.correct)
        if self.type is QuestionType.SINGLE:
            if len(self.options) != 4:
                raise _FieldError("options", "a single-answer question has exactly 4 options")
            if n_correct != 1:
                raise _FieldError("options", "a single-answer question has exactly one correct option")
            return
        if len(self.options) not in (5, 6):
            raise _FieldError("options", "a multiple-response question has 5 or 6 options")
        if n_correct not in _SELECT:
            raise _FieldError("options", "a multiple-response question has 2 or 3 correct options")
        if f"Select {_SELECT[n_correct]}" not in self.stem:
            raise _FieldError("stem", f"must say (Select {_SELECT[n_correct]}.) to match {n_correct} correct")


class _FieldError(ValueError):
    """A validation error that knows which field it is about, for the bank's error messages."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
