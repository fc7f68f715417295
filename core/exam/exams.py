"""Every exam the bot serves, by code: the services look a learner's or a group's bank up here.

Each folder of questions/ with an exam.yaml is one exam (MLA-C01, MLA-C02). A learner and a group each
study one of them; a session and a round remember the exam they were drawn from, so switching never
changes what a running one means. Questions are one history across exams: a question a successor carries
(carried.yaml) keeps its id, so its answers count in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from core.exam.bank import QUESTIONS_DIR, Bank, BankError, Problem, load_bank
from core.exam.model import Question


class BrokenExam(BankError):
    """One exam folder failed validation; `folder` says which, `problems` what."""

    def __init__(self, folder: Path, problems: list[Problem]) -> None:
        self.folder = folder
        super().__init__(problems)


class Exams:
    """The banks by exam code ("mla-c02"), the newest first."""

    def __init__(self, banks: Iterable[Bank]) -> None:
        given = list(banks)
        if not given:
            raise ValueError("no exam to serve")
        succeeded = {b.exam.carried_from for b in given if b.exam.carried_from}
        # The newest exam is the one no other exam succeeds; a learner who never chose starts there.
        order = sorted(given, key=lambda b: (b.code in succeeded, [-ord(c) for c in b.code]))
        self._banks = {b.code: b for b in order}
        if len(self._banks) != len(given):
            raise ValueError("two exams share a code")

    @classmethod
    def of(cls, *banks: Bank) -> Exams:
        return cls(banks)

    @property
    def newest(self) -> Bank:
        return next(iter(self._banks.values()))

    def __getitem__(self, code: str | None) -> Bank:
        """The exam's bank; a code no folder serves any more (an exam retired) falls back to the newest."""
        return self._banks.get(code or "", self.newest)

    def __contains__(self, code: object) -> bool:
        return code in self._banks

    def __iter__(self) -> Iterator[Bank]:
        return iter(self._banks.values())

    def __len__(self) -> int:
        return len(self._banks)

    def parse(self, text: str | None) -> Bank | None:
        """The exam a learner typed: "mla-c02", "MLA-C02" or "c02"; None for anything else."""
        token = (text or "").strip().lower()
        for bank in self:
            if token in (bank.code, bank.code.removeprefix("mla-")):
                return bank
        return None

    def question(self, qid: str) -> Question | None:
        """A question by id in whichever exam has it (a carried one is the same question in both)."""
        return next((b.questions[qid] for b in self if qid in b.questions), None)


def exam_folders(folder: Path = QUESTIONS_DIR) -> list[Path]:
    """Each folder of `folder` with an exam.yaml, by name (an earlier exam before its successor)."""
    return sorted(p.parent for p in folder.glob("*/exam.yaml"))


def load_exams(folder: Path = QUESTIONS_DIR) -> Exams:
    """Every exam under `folder`; the first broken one raises BrokenExam, an empty folder BrokenExam too."""
    folders = exam_folders(folder)
    if not folders:
        raise BrokenExam(folder, [Problem(folder.name, "-", "-", "no exam here: no folder with an exam.yaml")])
    loaded: dict[str, Bank] = {}
    for path in folders:
        try:
            loaded[path.name] = load_bank(path, loaded)
        except BankError as exc:
            raise BrokenExam(path, exc.problems) from exc
    return Exams(loaded.values())
