"""Statistics over the bank for `questions check`: spread, answer-letter balance, near-duplicates."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from core.exam.bank import Bank
from core.exam.cues import cue_lines
from core.exam.model import QuestionType
from core.quiz.grading import LETTERS
from core.text import plural

NEAR_DUPLICATE = 0.6  # Jaccard similarity of word trigrams above which two stems are flagged
NEGATIVE = re.compile(r"\b(NOT|AVOID|INCORRECT|EXCEPT|LEAST likely)\b")


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i:i + 3]) for i in range(max(1, len(words) - 2))}


def near_duplicates(bank: Bank, threshold: float = NEAR_DUPLICATE) -> list[tuple[str, str, float]]:
    shingles = {qid: _shingles(q.stem) for qid, q in bank.questions.items()}
    out = []
    for a, b in combinations(shingles, 2):
        sa, sb = shingles[a], shingles[b]
        score = len(sa & sb) / len(sa | sb) if sa | sb else 0.0
        if score >= threshold:
            out.append((a, b, round(score, 2)))
    return out


def skill_coverage(bank: Bank) -> list[str]:
    """Questions per skill, for an exam that lists skills: the fewest first, and every new skill's count."""
    skills = bank.exam.skills
    if not skills:
        return []
    counts = Counter(s for q in bank.questions.values() for s in q.skills)
    fewest = sorted(skills, key=lambda s: (counts[s], s))[:12]
    covered = sum(1 for s in skills if counts[s] >= 3)
    return [f"Skills with at least 3 questions: {covered} of {len(skills)}; fewest: "
            + ", ".join(f"{s} {counts[s]}" for s in fewest),
            "New skills: " + ", ".join(f"{s} {counts[s]}" for s in skills if skills[s].new)]


def summary(bank: Bank) -> str:
    qs = list(bank.questions.values())
    n = len(qs)

    def line(title: str, counter: Counter[Any], keys: Iterable[Any] | None = None) -> str:
        keys = keys if keys is not None else sorted(counter)
        return f"{title}: " + ", ".join(f"{k} {counter[k]} ({round(100 * counter[k] / n)}%)" for k in keys)

    cases = plural(len(bank.cases), "case study", "case studies")
    out = [f"{bank.exam.code}: {plural(n, 'question')} ({bank.carried} carried from {bank.exam.carried_from}), "
           f"{cases}, all valid." if bank.exam.carried_from else
           f"{bank.exam.code}: {plural(n, 'question')}, {cases}, all valid."]
    if bank.exam.form_types:
        usable = sum(1 for q in qs if bank.in_forms(q))
        out.append(f"Usable in full-length forms ({', '.join(t.value for t in bank.exam.form_types)}): {usable}")
    out.append(line("By domain", Counter(q.domain for q in qs), [d.number for d in bank.exam.domains]))
    out.append(line("By task", Counter(q.task for q in qs), list(bank.exam.tasks)))
    out.append(line("By type", Counter(q.type.value for q in qs)))
    out.append(line("By stage", Counter(q.stage.value for q in qs)))
    out.append(line("By difficulty", Counter(q.difficulty for q in qs)))
    out.append(f"With exhibit: {sum(1 for q in qs if q.exhibit)}; negative stems: "
               f"{sum(1 for q in qs if NEGATIVE.search(q.stem))}; in a case study: {sum(1 for q in qs if q.case)}")
    singles = [q for q in qs if q.type is QuestionType.SINGLE]
    letters = Counter(LETTERS[q.correct[0]] for q in singles)
    if singles:
        out.append("Correct letter of single-answer questions (file order): " + ", ".join(
            f"{k} {letters[k]} ({round(100 * letters[k] / len(singles))}%)" for k in "ABCD"))
        multi_letters = Counter(LETTERS[i] for q in qs if q.type is QuestionType.MULTI for i in q.correct)
        out.append("Correct letters of multiple-response questions: " + ", ".join(
            f"{k} {multi_letters[k]}" for k in "ABCDEF"))
        out += cue_lines(bank)
    out += skill_coverage(bank)
    dups = near_duplicates(bank)
    out.append(f"Near-duplicate stems (trigram Jaccard >= {NEAR_DUPLICATE}): {len(dups)}"
               + "".join(f"\n  {a} ~ {b} ({s})" for a, b, s in dups))
    return "\n".join(out)
