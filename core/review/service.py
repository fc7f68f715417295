"""The review service: records each graded answer as a card review, picks due cards for /review, and words
the due count, the next review and the study streak for /stats and the daily push."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from core.exam.bank import Bank
from core.exam.exams import Exams
from core.plan import engine as plan
from core.ports import Clock, PlanStore, ReviewStore, Store, utcnow
from core.quiz.engine import FULL_LENGTH, Answer
from core.review import engine
from core.review.engine import Card
from core.review.streak import streak, streak_line
from core.text import plural

log = logging.getLogger(__name__)
NO_CARDS = ("Nothing to review yet: every question you answer becomes a review card that comes back just before "
            "you would forget it. Try /quiz.")


@dataclass(frozen=True)
class Due:
    """What /review gets: up to `size` due question ids, most overdue first, or the words for none."""

    ids: list[str]
    nothing: str = ""


class ReviewService:
    """Cards live in the ReviewStore; the answers in the quiz Store (`quiz_store`) stay the record they are
    derived from."""

    def __init__(self, exams: Exams | Bank, store: ReviewStore, plan_store: PlanStore, quiz_store: Store,
                 clock: Clock = utcnow) -> None:
        # a card is one question's, whichever exam showed it;
        # a single bank serves alone (tests, a one-exam deployment)
        self.exams = exams if isinstance(exams, Exams) else Exams.of(exams)
        self.store = store
        self.plan_store = plan_store
        self.quiz_store = quiz_store
        self.clock = clock

    async def record(self, answer: Answer) -> None:
        """Review the answer's card (called once the answer is saved). A failure here is logged, not raised:
        the answer is saved and its reply must go out, and the next read catches the card up (`cards`)."""
        try:
            card, review = engine.review(await self.store.card(answer.learner_id, answer.question_id), answer)
            await self.store.save([card], [review])
        except Exception:
            log.exception("review of answer %s/%s not recorded; caught up on the next read",
                          answer.session_id, answer.position)

    async def cards(self, learner_id: int, history: list[Answer]) -> list[Card]:
        """The learner's cards of this exam's questions, first caught up with any answer that has no review
        log (see engine.catch_up). Cards of questions the exam does not have are kept, not served."""
        logged = await self.store.logged(learner_id)
        missing = engine.unlogged(history, logged)
        if any(a.mode in FULL_LENGTH for a in missing):  # only then: a form's answers may not be final yet
            missing = engine.unlogged(await self._final(learner_id, history), logged)
        if missing:
            stored = await self.store.logs(learner_id, {a.question_id for a in missing})
            await self.store.save(*engine.catch_up(missing, stored))  # False: a concurrent call caught up
        return [c for c in await self.store.cards(learner_id) if self.exams.question(c.question_id) is not None]

    async def _final(self, learner_id: int, history: list[Answer]) -> list[Answer]:
        """`history` with the answers of diagnostics and mocks taken from the forms that have ended, read now.
        A form's answers change until it is submitted (then ExamService.submit records them), so logging one
        of a running form would keep a verdict the learner may still replace, and the final one would then
        be refused as a second log of that answer. Read after `history`, a form read finished holds its final
        answers whatever `history` saw."""
        ended = [a for s in await self.quiz_store.forms(learner_id) if s.finished for a in s.answers]
        return [a for a in history if a.mode not in FULL_LENGTH] + ended

    async def due(self, learner_id: int, history: list[Answer], size: int, stages: set[str] | None = None,
                  explain: bool = True) -> Due:
        """Up to `size` due cards, most overdue first. With lifecycle `stages` (the plan's final review on the
        exam's eve) only cards of those stages, filled up with the ones due soonest: the eve is the last
        chance to see what is closest to being forgotten. `explain` False: no words for when none is due
        (practice picks only want the ids, and the words cost a read of the learner's time zone)."""
        now = self.clock()
        cards = await self.cards(learner_id, history)
        due = engine.due(cards, now)
        if stages is not None:
            due = [c for c in due + engine.upcoming(cards, now) if _stage(self.exams, c.question_id) in stages]
        if due:
            return Due([c.question_id for c in due[:size]])
        if not cards or not explain:
            return Due([], NO_CARDS)
        return Due([], "Nothing due. " + await self._next(learner_id, cards, now))

    async def _next(self, learner_id: int, cards: list[Card], now: datetime) -> str:
        """"Next review: tomorrow at 09:12, 3 cards." (the cards due on that local day)."""
        upcoming = engine.upcoming(cards, now)
        if not upcoming:
            return "No review is scheduled."
        zone = await self._zone(learner_id)
        day = plan.local_date(upcoming[0].due, zone)
        count = sum(plan.local_date(c.due, zone) == day for c in upcoming)
        return f"Next review: {_when(upcoming[0].due, now, zone)}, {plural(count, 'card')}."

    async def _zone(self, learner_id: int) -> str:
        return plan.private_zone(await self.plan_store.targets_of(learner_id))

    async def _streak(self, learner_id: int, history: list[Answer]) -> str:
        zone = await self._zone(learner_id)
        today = plan.local_date(self.clock(), zone)
        days = {plan.local_date(a.answered_at, zone) for a in history}
        return streak_line(streak(days, today), today in days)

    async def stats_lines(self, learner_id: int, history: list[Answer]) -> list[str]:
        """For /stats: the streak, and the due count or when the next review is."""
        now = self.clock()
        cards = await self.cards(learner_id, history)
        lines = [await self._streak(learner_id, history)]
        if cards:
            due = len(engine.due(cards, now))
            when = f"{due} due now (/review)." if due else "none due. " + await self._next(learner_id, cards, now)
            lines.append(f"Spaced review: {plural(len(cards), 'question card')}, {when}")
        return lines

    async def push_line(self, learner_id: int, history: list[Answer]) -> str:
        """The daily push's line: the streak and how many reviews are due."""
        due = len(engine.due(await self.cards(learner_id, history), self.clock()))
        reviews = f"Reviews due: {due} (/review)." if due else "No reviews due right now."
        return f"{await self._streak(learner_id, history)} {reviews}"


def _when(instant: datetime, now: datetime, zone: str) -> str:
    """"today at 14:05", "tomorrow at 09:12" or "Tue 08 Dec at 09:12", in the learner's time zone."""
    local = plan.local_time(instant, zone)
    days = (local.date() - plan.local_date(now, zone)).days
    day = "today" if days == 0 else "tomorrow" if days == 1 else f"{local:%a %d %b}"
    return f"{day} at {local:%H:%M}"


def _stage(exams: Exams, qid: str) -> str | None:
    q = exams.question(qid)
    return q.stage.value if q is not None else None
