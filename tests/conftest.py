"""Shared fixtures: a small generated bank (so core tests do not depend on bank content) and stores."""

from __future__ import annotations

import os
import random
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from core.exam.bank import DEFAULT_EXAM_DIR, QUESTIONS_DIR, Bank, load_bank
from core.exam.exams import Exams, load_exams
from tests.fakes import FakeClock, InMemoryStore

REF = ["https://docs.aws.amazon.com/sagemaker/latest/dg/whatis.html"]


def _single(qid: str, task: str, n: int) -> dict:
    return {
        "id": qid, "task": task, "stage": "data", "type": "single", "difficulty": 1 + n % 3,
        "services": ["Amazon SageMaker"],
        "stem": f"Question {qid}: which option is the right one for this scenario?",
        "options": [{"text": f"Option {k} of {qid}", "correct": k == 0, "why": f"Because {k}."} for k in range(4)],
        "explanation": f"The first option is right for {qid}. The others are not.",
        "takeaway": f"Remember {qid}.", "references": REF,
    }


def fixture_questions(task: str) -> list[dict]:
    d = task[0]
    qs = [_single(f"d{d}-{task}-00{i}", task, i) for i in range(1, 5)]
    qs.append({
        "id": f"d{d}-{task}-005", "task": task, "stage": "model", "type": "multi", "difficulty": 2,
        "services": ["Amazon S3"], "stem": f"Multi {task}: pick the two right ones. (Select TWO.)",
        "options": [{"text": f"Choice {k}", "correct": k in (1, 3), "why": f"Why {k}."} for k in range(5)],
        "explanation": "Choices 1 and 3 are right. The rest are wrong.", "takeaway": "Two are right.",
        "references": REF,
    })
    qs.append({
        "id": f"d{d}-{task}-006", "task": task, "stage": "deployment", "type": "ordering", "difficulty": 2,
        "services": ["Amazon SageMaker"], "stem": f"Ordering {task}: put the steps in order.",
        "steps": ["First step", "Second step", "Third step", "Fourth step"],
        "explanation": "First comes first. Then the rest in turn.", "takeaway": "Order matters.",
        "references": REF,
    })
    qs.append({
        "id": f"d{d}-{task}-007", "task": task, "stage": "monitoring", "type": "matching", "difficulty": 3,
        "services": ["Amazon CloudWatch"], "stem": f"Matching {task}: match each prompt.",
        "pairs": [{"prompt": f"Prompt {k}", "match": f"Match {k}"} for k in range(3)],
        "explanation": "Each prompt has its match. The pairs are fixed.", "takeaway": "Match them.",
        "references": REF,
    })
    return qs


def write_bank(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEFAULT_EXAM_DIR / "exam.yaml", folder / "exam.yaml")
    exam = yaml.safe_load((folder / "exam.yaml").read_text())
    for domain in exam["domains"]:
        for task in domain["tasks"]:
            (folder / f"{task['id']}.yaml").write_text(yaml.safe_dump(fixture_questions(task["id"]), sort_keys=False))
    return folder


# In the two-exam fixture MLA-C02 carries every MLA-C01 question but the matching ones, each under its own
# task but this one, which MLA-C02 files under another task (as carried.yaml may).
RETAGGED, RETAGGED_TO = "d1-1.1-001", "1.2"


def write_c02_bank(folder: Path) -> Path:
    """A small MLA-C02 beside an MLA-C01 from write_bank: its own single- and multi-answer questions with
    skills, and carried.yaml reusing the MLA-C01 ones."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(QUESTIONS_DIR / "mla-c02" / "exam.yaml", folder / "exam.yaml")
    exam = yaml.safe_load((folder / "exam.yaml").read_text())
    first_skill = {t["id"]: t["skills"][0]["id"] for d in exam["domains"] for t in d["tasks"]}
    carried, not_carried = [], []
    for task, skill in first_skill.items():
        own = [{**q, "id": "c02-" + q["id"], "skills": [skill]} for q in fixture_questions(task)
               if q["type"] in ("single", "multi")]
        (folder / f"{task}.yaml").write_text(yaml.safe_dump(own, sort_keys=False))
        for q in fixture_questions(task):
            if q["type"] == "matching":
                not_carried.append({"id": q["id"], "reason": "rests on a removed skill"})
                continue
            to = RETAGGED_TO if q["id"] == RETAGGED else task
            carried.append({"id": q["id"], "task": to, "skills": [first_skill[to]]})
    (folder / "carried.yaml").write_text(yaml.safe_dump({"carried": carried, "not_carried": not_carried}))
    return folder


@pytest.fixture(scope="session")
def exams_dir(tmp_path_factory) -> Path:
    """questions/ with both exams, generated."""
    root = tmp_path_factory.mktemp("exams")
    write_bank(root / "mla-c01")
    write_c02_bank(root / "mla-c02")
    return root


@pytest.fixture(scope="session")
def exams(exams_dir) -> Exams:
    return load_exams(exams_dir)


@pytest.fixture(scope="session")
def bank_dir(tmp_path_factory) -> Path:
    return write_bank(tmp_path_factory.mktemp("bank") / "mla-c01")


@pytest.fixture(scope="session")
def bank(bank_dir) -> Bank:
    return load_bank(bank_dir)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))


@pytest.fixture
def rng() -> random.Random:
    return random.Random(7)


@pytest.fixture
def memory_store() -> InMemoryStore:
    return InMemoryStore()


def postgres_url() -> str | None:
    """The machine's PostgreSQL, if reachable; under CI=true it must be, so tests never skip there."""
    return os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")

