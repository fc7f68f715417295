"""The bank refuses malformed files with the file, the question id and the field."""

from __future__ import annotations

import pytest
import yaml

from core.exam.bank import BankError, load_bank
from tests.conftest import fixture_questions, write_bank


def _break(folder, file, index, changes):
    path = folder / f"{file}.yaml"
    items = yaml.safe_load(path.read_text())
    for key, value in changes.items():
        if value is None:
            items[index].pop(key, None)
        else:
            items[index][key] = value
    path.write_text(yaml.safe_dump(items, sort_keys=False))


def _problems(folder) -> list[str]:
    with pytest.raises(BankError) as info:
        load_bank(folder)
    return [str(p) for p in info.value.problems]


def test_generated_bank_loads(bank):
    assert len(bank.questions) == 12 * 7
    assert bank.exam.blueprint() == {1: 18, 2: 17, 3: 14, 4: 16}


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"options": None}, "options", "required for a single question"),
        ({"type": "multi"}, "options", "5 or 6 options"),
        ({"difficulty": 5}, "difficulty", "less than or equal to 3"),
        ({"stage": "training"}, "stage", "Input should be"),
        ({"references": ["https://example.com/x"]}, "references", "not an AWS documentation link"),
        ({"explanation": "Too short"}, "explanation", "two sentences"),
        ({"task": "1.2"}, "id", "must start with d1-1.2-"),
        ({"colour": "red"}, "colour", "Extra inputs"),
        ({"case": "case-nowhere"}, "case", "no case study"),
    ],
)
def test_malformed_question_names_file_id_and_field(tmp_path, changes, field, fragment):
    folder = write_bank(tmp_path / "bank")
    _break(folder, "1.1", 1, changes)
    problems = _problems(folder)
    assert any(p.startswith("1.1.yaml: question d1-1.1-002: field " + field) and fragment in p
               for p in problems), problems


def test_two_correct_options_in_a_single_question(tmp_path):
    folder = write_bank(tmp_path / "bank")
    options = fixture_questions("2.3")[0]["options"]
    options[2]["correct"] = True
    _break(folder, "2.3", 0, {"options": options})
    assert any("d2-2.3-001: field options: a single-answer question has exactly one correct" in p
               for p in _problems(folder))


def test_multi_stem_must_say_how_many(tmp_path):
    folder = write_bank(tmp_path / "bank")
    _break(folder, "3.1", 4, {"stem": "Pick the right ones. (Select THREE.)"})
    assert any("d3-3.1-005: field stem: must say (Select TWO.)" in p for p in _problems(folder))


def test_duplicate_ids_and_broken_yaml_are_all_reported(tmp_path):
    folder = write_bank(tmp_path / "bank")
    _break(folder, "4.2", 1, {"id": "d4-4.2-001"})
    (folder / "4.3.yaml").write_text("- id: [unclosed\n")
    problems = _problems(folder)
    assert any(p.startswith("4.2.yaml: question d4-4.2-001: field id: duplicate") for p in problems)
    assert any(p.startswith("4.3.yaml") and "not valid YAML" in p for p in problems)


def test_a_file_not_named_for_a_task_is_refused(tmp_path):
    folder = write_bank(tmp_path / "bank")
    (folder / "9.9.yaml").write_text("[]\n")
    assert any(p.startswith("9.9.yaml") and "not a task statement" in p for p in _problems(folder))
