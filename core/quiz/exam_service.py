"""Exam-day moves in a running diagnostic or mock, and the post-exam review of finished ones.

The commands /flag, /skip, /back, /goto, /overview, /submit and /recap, as QuizService calls: each runs
under the learner's lock, loads the session, applies a pure transition (core/quiz/navigate.py), saves, and
answers with the texts of core/quiz/exam_review.py. The web view (core/webview) calls the same methods, so
the chat and the page stay two windows on one session. Nothing here keeps state.

It is the quiz service's second half, split off because core/quiz/service.py may not grow past 400 lines:
it uses that service's lock map and its helpers for the running session (_active, _note, _card, _bank) on
purpose, so a move is checked, noted and drawn exactly as an answer is.
"""

from __future__ import annotations

from typing import Protocol

from core.args import parse_number
from core.commands import COMMANDS
from core.exam.bank import Bank
from core.lockmap import LockMap
from core.ports import Clock, Store
from core.quiz import engine, exam_keys, exam_review, navigate, report
from core.quiz.engine import Answer, NotPending, Session
from core.reply import Image, QuestionCard, Reply
from core.review.service import ReviewService


class Quiz(Protocol):
    """What the exam moves use of QuizService (core/quiz/service.py, which hands itself over): named here,
    structurally, so that the service, which delegates a form's answers to ExamService, and this module do
    not import each other."""

    store: Store
    clock: Clock
    reviews: ReviewService | None
    _locks: LockMap[int]

    async def current(self, learner_id: int) -> Reply: ...
    async def _active(self, learner_id: int) -> tuple[Session | None, Reply | None]: ...
    def _bank(self, session: Session) -> Bank: ...
    async def _card(self, session: Session) -> QuestionCard: ...
    async def _note(self, session: Session | None) -> list[str]: ...
    async def _report(self, session: Session, bank: Bank) -> list[str]: ...
    async def _report_chart(self, session: Session) -> Image | None: ...

# The commands this module answers (core/commands.py has their catalogue entries).
EXAM_COMMANDS = ("flag", "skip", "back", "goto", "overview", "submit", "recap")
CONFIRM = "yes"


def _usage(name: str) -> Reply:
    return Reply([f"Usage: {COMMANDS[name].usage}."], refused=True)


class ExamService:
    """Flag, skip, back, goto, the review screen, submit, and /recap, over the QuizService's store and lock."""

    def __init__(self, quiz: Quiz) -> None:
        self.quiz = quiz

    async def command(self, learner_id: int, name: str, arg: str | None) -> Reply:
        """One of EXAM_COMMANDS with its argument text, as typed or sent by a button; bad input is refused
        with the command's usage and changes nothing."""
        words = arg.split() if arg else []
        nums = [parse_number(w, 1, 10**6) for w in words]
        if name == "submit":
            if not words:
                return await self.submit(learner_id)
            if len(words) == 1 and words[0].lower() == CONFIRM:
                return await self.submit(learner_id, confirmed=True)
            if len(words) == 1 and nums[0] is not None:
                return await self.submit(learner_id, confirmed=True, session_id=nums[0])
            return _usage(name)
        if None in nums or len(nums) > (2 if name == "recap" else 1):
            return _usage(name)
        number = nums[0] if nums else None
        if name == "recap":
            return await self.recap(learner_id, number, nums[1] if len(nums) > 1 else None)
        if name == "overview":
            return await self.overview(learner_id) if number is None else _usage(name)
        if name == "flag":
            return await self.flag(learner_id, number)
        if name == "goto":
            return await self.goto(learner_id, number) if number is not None else _usage(name)
        return await self.step(learner_id, 1 if name == "skip" else -1, number)

    # --- moving --------------------------------------------------------------------------------

    async def _running(self, learner_id: int) -> Session | Reply:
        """The running diagnostic or mock, or the reply that says there is none (a timed one past its
        deadline is finished by the quiz service, and its report is that reply)."""
        session, expired = await self.quiz._active(learner_id)
        if expired is not None:
            return expired
        if session is None or not session.navigable:
            return Reply([exam_review.NOT_RUNNING], refused=True)
        return session

    async def _shown(self, session: Session, paragraphs: list[str], refused: bool = False) -> Reply:
        """The session's question on screen under `paragraphs` (and the offline note owed, if any)."""
        note = await self.quiz._note(session)
        return Reply(note + paragraphs, card=await self.quiz._card(session), refused=refused)

    async def _no_question(self, session: Session, number: int) -> Reply:
        """A move to a question number the attempt does not have: refused, the question on screen shown."""
        text = exam_review.NO_QUESTION.format(number=number, mode=session.mode, total=session.total)
        return await self._shown(session, [text], refused=True)

    async def goto(self, learner_id: int, number: int, session_id: int | None = None) -> Reply:
        """Show question `number` (from 1). `session_id`, from the web view, refuses a move meant for
        another attempt."""
        async with self.quiz._locks[learner_id]:
            session = await self._running(learner_id)
            if isinstance(session, Reply):
                return session
            if session_id is not None and session_id != session.id:
                return await self._shown(session, [exam_review.STALE_ATTEMPT], refused=True)
            try:
                navigate.go(session, number - 1, self.quiz.clock())
            except NotPending:
                return await self._no_question(session, number)
            await self.quiz.store.save(session)
            return await self._shown(session, [])

    async def step(self, learner_id: int, by: int, came_from: int | None = None) -> Reply:
        """Skip (+1) or Previous (-1). `came_from`, the question number a button was drawn for: if the
        learner has moved since, the tap is refused and the question on screen shown."""
        async with self.quiz._locks[learner_id]:
            session = await self._running(learner_id)
            if isinstance(session, Reply):
                return session
            current = session.position + 1
            if came_from is not None and came_from != current:
                return await self._shown(session, [exam_review.STALE_MOVE.format(
                    number=came_from, current=current)], refused=True)
            try:
                navigate.go(session, session.position + by, self.quiz.clock())
            except NotPending:
                edge = "first" if by < 0 else "last"
                return await self._shown(session, [f"This is the {edge} question. /overview shows them all."],
                                         refused=True)
            await self.quiz.store.save(session)
            return await self._shown(session, [])

    async def flag(self, learner_id: int, number: int | None = None, session_id: int | None = None) -> Reply:
        """Flag question `number` (default: the one on screen), or clear its flag."""
        async with self.quiz._locks[learner_id]:
            session = await self._running(learner_id)
            if isinstance(session, Reply):
                return session
            if session_id is not None and session_id != session.id:
                return await self._shown(session, [exam_review.STALE_ATTEMPT], refused=True)
            number = session.position + 1 if number is None else number
            try:
                flagged = navigate.toggle_flag(session, number - 1)
            except NotPending:
                return await self._no_question(session, number)
            await self.quiz.store.save(session)
            return await self._shown(session, [(exam_review.FLAG_SET if flagged else exam_review.FLAG_CLEARED)
                                               .format(number=number)])

    async def overview(self, learner_id: int) -> Reply:
        """The review screen."""
        async with self.quiz._locks[learner_id]:
            session = await self._running(learner_id)
            if isinstance(session, Reply):
                return session
            note = await self.quiz._note(session)
            return Reply(note + exam_review.overview_text(session, self.quiz.clock()),
                         buttons=exam_review.overview_buttons(session), exam=exam_keys.screen(session))

    async def answered(self, session: Session, answer: Answer) -> Reply:
        """The reply to an answer in a diagnostic or mock (QuizService._record calls it, under the lock, with
        the answer saved): the next question, or after the last one the review screen. No feedback."""
        if answer.position == session.total - 1:
            return Reply([exam_review.LAST_ANSWERED] + exam_review.overview_text(session, self.quiz.clock()),
                         buttons=exam_review.overview_buttons(session), exam=exam_keys.screen(session))
        return Reply([], card=await self.quiz._card(session))

    # --- submitting ----------------------------------------------------------------------------

    async def submit(self, learner_id: int, confirmed: bool = False, session_id: int | None = None) -> Reply:
        """Without confirmation: what submitting means now (unanswered and flagged counts). Confirmed: the
        attempt ends and its report follows. A confirmation naming another attempt is refused."""
        async with self.quiz._locks[learner_id]:
            session = await self._running(learner_id)
            if isinstance(session, Reply):
                return session
            if session_id is not None and session_id != session.id:
                return Reply([exam_review.STALE_SUBMIT], refused=True)
            note = await self.quiz._note(session)
            if not confirmed:
                return Reply(note + [exam_review.confirm_text(session)],
                             buttons=exam_review.confirm_buttons(session),
                             exam=exam_keys.screen(session, "confirm"))
            engine.finish(session, self.quiz.clock(), submitted=True)
            await self.quiz.store.save(session)
            if self.quiz.reviews is not None:  # answers changed until now: spaced review hears the final ones
                for answer in session.answers:
                    await self.quiz.reviews.record(answer)
            bank = self.quiz._bank(session)
            attempt = len(await self.finished(learner_id))
            lines = exam_review.submitted_text(attempt, await self.quiz._report(session, bank))
            return Reply(note + lines, actions=["stats"], buttons=report_buttons(session, bank, attempt),
                         image=await self.quiz._report_chart(session))

    # --- after the exam ------------------------------------------------------------------------

    async def report(self, session: Session) -> list[str]:
        """A finished attempt's report as the chat words it at its end (with the pass estimate), for the web
        view's page opened later: the chat and the page say the same."""
        return await self.quiz._report(session, self.quiz._bank(session))

    async def finished(self, learner_id: int) -> list[Session]:
        """The learner's finished diagnostics and mocks (either exam), oldest first: attempt N is the Nth."""
        return [s for s in await self.quiz.store.forms(learner_id) if s.finished]

    async def recap(self, learner_id: int, attempt: int | None = None, number: int | None = None) -> Reply:
        """The list of finished attempts, or question `number` (default 1) of attempt `attempt` with the
        learner's pick, the right answer, the explanation and the time spent on it."""
        attempts = await self.finished(learner_id)
        if attempt is None:
            return Reply(exam_review.attempts_text(attempts), buttons=exam_review.attempts_buttons(attempts))
        if not 1 <= attempt <= len(attempts):
            return Reply([exam_review.NO_ATTEMPT.format(attempt=attempt, count=len(attempts))]
                         if attempts else [exam_review.NO_ATTEMPTS], refused=True)
        session = attempts[attempt - 1]
        number = 1 if number is None else number
        if not 1 <= number <= session.total:
            return Reply([exam_review.NO_QUESTION.format(number=number, mode=session.mode, total=session.total)],
                         refused=True)
        bank = self.quiz._bank(session)
        return Reply(exam_review.recap_text(session, bank, attempt, number - 1, self.quiz.clock()),
                     buttons=exam_review.recap_buttons(attempt, session, number - 1),
                     exam=exam_keys.recap_screen(session, number - 1))


def report_buttons(session: Session, bank: Bank, attempt: int) -> list[tuple[str, str]]:
    """The report's next steps and the walk-through of this attempt."""
    return report.next_buttons(session, bank) + [("Walk through it", f"/recap {attempt}")]
