"""The exam a learner studies and the explanations of answered questions: QuizService's reading side.

Kept beside the service (core/quiz/service.py), which mixes this in, so that module stays about starting,
answering and ending sessions. Everything here runs under the learner's lock like the rest of the service.
"""

from __future__ import annotations

from core.args import is_id
from core.exam import choice
from core.exam.bank import Bank
from core.exam.exams import Exams
from core.lockmap import LockMap
from core.ports import Clock, Store
from core.quiz import engine, report
from core.quiz.engine import FULL_LENGTH, Mode, Session
from core.reply import Reply


class LearnerExams:
    """Mixed into QuizService, which provides the attributes and _active declared here."""

    exams: Exams
    store: Store
    clock: Clock
    _locks: LockMap[int]

    async def _active(self, learner_id: int) -> tuple[Session | None, Reply | None]:
        raise NotImplementedError  # QuizService's

    async def exam_of(self, learner_id: int) -> Bank:
        """The bank of the exam the learner studies: every new session draws from it."""
        return self.exams[await self.store.exam(learner_id)]

    def _bank(self, session: Session) -> Bank:
        """The bank a session was drawn from, whichever exam the learner studies now."""
        return self.exams[session.exam]

    async def choose_exam(self, learner_id: int, text: str | None) -> Reply:
        """/exam shows the exams; /exam mla-c01 switches. Every answer is kept. An untimed session running
        is closed with its report; a running diagnostic or mock must be finished or stopped first."""
        async with self._locks[learner_id]:
            current = await self.exam_of(learner_id)
            if text is None:
                return choice.menu(self.exams, current, group=False)
            chosen = self.exams.parse(text)
            if chosen is None:
                return choice.unknown(self.exams, text)
            if chosen is current:
                return Reply([f"You already study {chosen.exam.code}."], actions=["quiz"])
            session, expired = await self._active(learner_id)
            closed = expired.paragraphs if expired is not None else []
            if session is not None and session.mode in FULL_LENGTH:
                return Reply([choice.still_running(session.exam, session.mode)], refused=True)
            if session is not None:
                engine.finish(session, self.clock())
                await self.store.save(session)
                closed = [f"Your {session.exam.upper()} {session.mode} is closed, its answers kept."] + \
                    report.session_report(session, self._bank(session))
            await self.store.set_exam(learner_id, chosen.code)
            return Reply(closed + choice.switched(chosen, group=False), actions=["diagnostic", "quiz", "drill"])


    # --- explanations ----------------------------------------------------------------------------

    async def explain(self, learner_id: int, number: int | None = None, session_id: int | None = None,
                      form: Mode | None = None) -> Reply:
        """The last answered question's rationale, or question `number` of the latest session, of a given one
        (a button), or of the latest finished diagnostic or mock (`form`: "/explain diag 14", so a report's
        explanations stay reachable after later sessions)."""
        async with self._locks[learner_id]:
            session, expired = await self._active(learner_id)
            if expired is not None:
                return expired
            if session is not None and session.mode in FULL_LENGTH and session_id in (None, session.id):
                return Reply([f"Explanations open when the {session.mode} ends (/stop ends it now)."])
            if number is None:
                history = await self.store.history(learner_id)
                if not history:
                    return Reply(["Nothing to explain yet: answer a question first (/quiz)."])
                last = history[-1]
                source = await self.store.session(last.session_id)
                order = source.orders[last.position] if source else None
                bank = self._bank(source) if source else await self.exam_of(learner_id)
                return Reply(report.explain(bank[last.question_id], last, order, bank))
            if form is not None:
                finished = [s for s in await self.store.forms(learner_id) if s.mode is form and s.finished]
                if not finished:
                    return Reply([f"You have no finished {form} yet."])
                source = finished[-1]
            elif session_id is None:
                source = await self.store.latest_session(learner_id)
            else:
                source = await self.store.session(session_id) if is_id(session_id) else None
                if source is not None and source.learner_id != learner_id:
                    source = None
            if source is None or not 1 <= number <= source.total:
                which = f"latest {form}" if form is not None else "latest session"
                return Reply([f"There is no question {number} in your {which}."])
            position = number - 1
            answer = next((a for a in source.answers if a.position == position), None)
            if answer is None and not source.finished:
                return Reply(["That question has not been answered yet."])
            bank = self._bank(source)
            q = bank[source.question_ids[position]]
            return Reply(report.explain(q, answer, source.orders[position], bank))
