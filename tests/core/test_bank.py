"""The bank refuses malformed files with the file, the question id and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from core.exam.bank import BankError, load_bank
from tests.conftest import fixture_questions, write_bank

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"


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


def test_mla_c02_carries_c01_questions_by_id_and_keeps_full_length_forms_to_single_and_multi():
    c01 = load_bank(QUESTIONS / "mla-c01")
    c02 = load_bank(QUESTIONS / "mla-c02")
    carried = [q for qid, q in c02.questions.items() if c02.files[qid] == "carried.yaml"]
    assert carried and all(q.id in c01.questions for q in carried)  # one id: one history across exams
    assert all(q.skills for q in c02.questions.values())
    assert all(set(q.skills) <= set(c02.exam.skills) for q in c02.questions.values())
    written = [q for q in c02.questions.values() if q.id.startswith("c02-")]
    assert written and all(q.type.value in ("single", "multi") for q in written)
    kinds = {q.type.value for q in carried}
    assert {"ordering", "matching"} & kinds  # carried for drills...
    assert not any(c02.in_forms(q) for q in carried if q.type.value in ("ordering", "matching"))  # ...not forms
    assert c02.exam.blueprint() == {1: 18, 2: 16, 3: 16, 4: 15}
    assert c02.exam.forms[0].questions == 85 and c02.exam.forms[0].minutes == 170


def test_a_mapping_error_names_carried_yaml_the_id_and_the_field(tmp_path):
    import shutil
    shutil.copytree(QUESTIONS / "mla-c01", tmp_path / "mla-c01")
    shutil.copytree(QUESTIONS / "mla-c02", tmp_path / "mla-c02")
    mapping = tmp_path / "mla-c02" / "carried.yaml"
    text = mapping.read_text().replace('{id: d1-1.1-001, task: "1.1", skills: ["1.1.5"]}',
                                       '{id: d1-1.1-001, task: "1.1", skills: ["9.9.9"]}')
    mapping.write_text(text)
    with pytest.raises(BankError) as caught:
        load_bank(tmp_path / "mla-c02")
    assert any(p.file == "carried.yaml" and p.question == "d1-1.1-001" and p.field == "skills"
               for p in caught.value.problems)


def test_an_empty_task_file_is_refused_naming_the_task(tmp_path):
    import shutil
    shutil.copytree(QUESTIONS / "mla-c01", tmp_path / "mla-c01")
    (tmp_path / "mla-c01" / "1.2.yaml").write_text("[]\n")
    with pytest.raises(BankError) as caught:
        load_bank(tmp_path / "mla-c01")
    assert any(p.file == "1.2.yaml" and "1.2 has no questions" in p.message for p in caught.value.problems)
