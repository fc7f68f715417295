"""Test-taking cues a test-wise learner could answer by, without knowing the subject.

A bank whose correct option is habitually the longest (or, overcorrected, never the longest) teaches a
length rule; distractors that alone carry "always" or "never" teach "the absolute option is wrong"; a correct
option that alone repeats the stem's distinctive words teaches "pick the echo". `questions check` prints
these figures so a batch that drifts is caught before it lands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.exam.bank import Bank
from core.exam.model import Question, QuestionType

ABSOLUTE = re.compile(r"\b(always|never|permanently|guarantees?|guaranteed|completely|entirely|impossible)\b",
                      re.IGNORECASE)
_COMMON = set("which what would should these those their there where about into with from that this have will "
              "must need needs using while after before without within other than most more least each such "
              "company team engineer solution requirements".split())


@dataclass(frozen=True)
class Cues:
    singles: int
    longest: int  # single-answer questions whose correct option is the single longest
    shortest: int  # ... the single shortest
    absolute_wrong: int  # distractors with an absolute word
    absolute_right: int  # correct options with one (as many keeps the word from pointing either way)
    echoes: list[str]  # questions whose correct option alone repeats three or more distinctive stem words


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z0-9-]{4,}", text.lower()) if w not in _COMMON}


def echoes(q: Question) -> bool:
    """The correct option shares three or more distinctive stem words that no distractor has, while the
    distractors together share at most one."""
    stem = _words(q.stem)
    right = set().union(*(_words(o.text) & stem for o in q.options if o.correct))
    wrong = set().union(*(_words(o.text) & stem for o in q.options if not o.correct))
    return len(right - wrong) >= 3 and len(wrong) <= 1


def cues(bank: Bank) -> Cues:
    singles = [q for q in bank.questions.values() if q.type is QuestionType.SINGLE]
    longest = shortest = 0
    for q in singles:
        lengths = [len(o.text) for o in q.options]
        correct = lengths[q.correct[0]]
        longest += lengths.count(correct) == 1 and correct == max(lengths)
        shortest += lengths.count(correct) == 1 and correct == min(lengths)
    choice = [q for q in bank.questions.values() if q.type in (QuestionType.SINGLE, QuestionType.MULTI)]
    marked = [(o.correct, bool(ABSOLUTE.search(o.text))) for q in choice for o in q.options]
    return Cues(len(singles), longest, shortest, sum(1 for right, a in marked if a and not right),
                sum(1 for right, a in marked if a and right), [q.id for q in singles if echoes(q)])


def cue_lines(bank: Bank) -> list[str]:
    c = cues(bank)
    if not c.singles:
        return []
    return [f"Correct option is the single longest: {c.longest} of {c.singles} single-answer questions "
            f"({round(100 * c.longest / c.singles)}%), the single shortest: {c.shortest} "
            f"({round(100 * c.shortest / c.singles)}%)",
            f"Absolute words (always, never, ...): in {c.absolute_wrong} distractors, {c.absolute_right} correct "
            f"options; correct options that alone echo the stem: {len(c.echoes)}"
            + (f" ({', '.join(c.echoes)})" if c.echoes else "")]
