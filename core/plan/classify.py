"""/classify, Day 2 of the plan: the learner sorts each miss of their latest mock by lifecycle stage (data,
model, deployment, monitoring), then sees where their sorting and the bank's differ: a stage they confuse
is a weak transition, and the plan's last day reviews exactly those."""

from __future__ import annotations

from core.args import parse_number
from core.exam.model import Stage
from core.ports import PlanStore
from core.quiz.engine import Mode
from core.quiz.service import QuizService
from core.reply import Reply

CLASSIFY_USAGE = ("Usage: /classify shows your next miss to sort; tap its stage, or type the question number as "
                  "shown and the stage, for example /classify 3 data (stages: "
                  + ", ".join(s.value for s in Stage) + ").")


async def classify(quiz: QuizService, store: PlanStore, learner_id: int, text: str | None = None) -> Reply:
    """Show the next unsorted miss of the latest mock, or record its stage and go on.

    `text` is "3 data" as typed (Q3, the number the learner saw), or "12 3 data" from a button, whose mock
    id keeps a button of an older mock from sorting a miss of the latest one. A miss is an answered question
    answered wrong: questions a timed-out mock left unanswered are not misses to sort."""
    mocks = [s for s in await quiz.forms(learner_id) if s.mode is Mode.MOCK and s.finished]
    if not mocks:
        return Reply(["Sorting misses comes after a timed mixed set: /mock first."])
    mock = mocks[-1]
    misses = sorted(a.position for a in mock.answers if not a.correct)
    labels = await store.labels(mock.saved_id)
    if text:
        parts = text.split()
        shown = parse_number(parts[-2], 1, mock.total) if len(parts) in (2, 3) else None
        if shown is None or parts[-1].lower() not in {s.value for s in Stage}:
            return Reply([CLASSIFY_USAGE], refused=True)
        position, stage = shown - 1, parts[-1].lower()
        if (len(parts) == 3 and parts[0] != str(mock.saved_id)) or position not in misses or position in labels:
            return Reply(["That miss is not waiting to be sorted."], refused=True)
        await store.add_label(learner_id, mock.saved_id, position, stage)
        labels = await store.labels(mock.saved_id)
    waiting = [p for p in misses if p not in labels]
    bank = quiz.exams[mock.exam]
    if waiting:
        position = waiting[0]
        q = bank[mock.question_ids[position]]
        stem = q.stem if len(q.stem) <= 400 else q.stem[:399] + "…"
        return Reply([f"Miss {len(misses) - len(waiting) + 1} of {len(misses)}: Q{position + 1} "
                      f"(task {q.task})", stem,
                      "Was this a data, model, deployment or monitoring issue?"],
                     buttons=[(s.value, f"/classify {mock.saved_id} {position + 1} {s.value}") for s in Stage])
    if not misses:
        return Reply(["No misses in your last mock: nothing to sort."])
    wrong = [p for p in misses if labels[p] != bank[mock.question_ids[p]].stage.value]
    out = [f"You put {len(misses) - len(wrong)} of {len(misses)} misses in the question's own lifecycle stage."]
    if wrong:
        out.append("Where you and the bank differ:\n" + "\n".join(
            f"Q{p + 1} (task {bank[mock.question_ids[p]].task}): you said {labels[p]}, "
            f"it is {bank[mock.question_ids[p]].stage.value}" for p in wrong))
        out.append("A stage you confuse is a weak transition: Day 1 reviews exactly those.")
    return Reply(out, actions=["review"])
