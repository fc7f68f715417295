"""The web view's service: who opened the page, the page for them, and their actions as QuizService calls.

Every action goes through the same QuizService method a chat button calls (answer), under the same
per-learner lock and with the same checks, so the chat and the page are two windows on one session: an
answer given in either is the session's answer, a late one from the other window is refused as stale, and
the chat's next message (/question, the next card) shows the state the page left. Nothing here keeps state.
"""

from __future__ import annotations

from core.quiz import exam_review
from core.quiz.engine import FULL_LENGTH
from core.quiz.exam_service import ExamService
from core.quiz.service import QuizService
from core.reply import Reply
from core.webview import view
from core.webview.auth import Denied, link_learner, telegram_user
from core.webview.links import LinkKey
from core.webview.view import LABELS, Page, RecapView, Status

TELEGRAM = "telegram"  # the platform name the Telegram adapter gives QuizService.learner


class WebView:
    """The page's model for a learner, and their answers; adapters/web serves it over HTTP."""

    def __init__(self, quiz: QuizService, key: LinkKey, telegram_token: str | None = None) -> None:
        self.quiz = quiz
        self.key = key
        self.telegram_token = telegram_token  # initData is checked with it; None: no Telegram, no initData
        self.exam = ExamService(quiz)

    async def learner(self, scheme: str, credentials: str) -> int | Page:
        """The learner behind the page's credentials ("tma": Telegram's initData; "link": a link token), or
        the refusal page. A refusal changes nothing."""
        now = self.quiz.clock()
        if scheme == "tma" and self.telegram_token and credentials:
            user = telegram_user(credentials, self.telegram_token, now)
            if isinstance(user, Denied):
                return view.refused("telegram_expired" if user is Denied.EXPIRED else "forged")
            return await self.quiz.learner(TELEGRAM, str(user))
        if scheme == "link" and credentials:
            learner = link_learner(await self.key(), credentials, now)
            return view.refused(learner.value) if isinstance(learner, Denied) else learner
        return view.refused("forged" if credentials else "missing")

    async def page(self, learner_id: int, notices: list[str] | None = None,
                   report_text: list[str] | None = None) -> Page:
        """The running diagnostic or mock at its open question; else the latest one's report. A timed one
        past its deadline is finished here, as the chat's next message would finish it."""
        quiz, store = self.quiz, self.quiz.store
        notes = list(notices or [])
        active = await store.active_session(learner_id)
        if active is not None and active.mode not in FULL_LENGTH:
            return Page(Status.CHAT, notices=notes + [view.IN_CHAT_ONLY.format(mode=active.mode)])
        expiring = active is not None and active.expired(quiz.clock())
        shown = await quiz.current(learner_id) if active is not None else None  # the offline note, or expiry
        if shown is not None and shown.card is not None:
            session = await store.session(shown.card.session_id)
            if session is not None and not session.finished:
                return view.running(session, shown.card, quiz.clock(), notes + shown.paragraphs)
        # A learner with no session at all (one erased since their link was signed, too) has no forms to read.
        forms = await quiz.forms(learner_id) if await store.latest_session(learner_id) is not None else []
        if not forms:
            return Page(Status.NONE, notices=notes + [view.NOTHING_RUNNING])
        last = forms[-1]
        if report_text is None and expiring and shown is not None:
            report_text = shown.paragraphs
        if report_text is None:
            report_text = [view.LATEST.format(form=view.form_name(last))]
            report_text += await self.exam.report(last)
        attempts = await self.exam.finished(learner_id)
        number = next((n for n, s in enumerate(attempts, start=1) if s.id == last.id), None)
        return view.finished(last, report_text, notes, attempt=number)

    async def answer(self, learner_id: int, session_id: int, position: int, response: list[int]) -> Page:
        """The answer a chat button would give (display positions); a stale or malformed one is refused with
        the chat's words and changes nothing. The page that follows shows the session as it is now: the next
        question, or after the last one the review screen, or the report when the time ran out."""
        reply = await self.quiz.answer(learner_id, session_id, position, response)
        if reply.refused:
            return await self.page(learner_id, reply.paragraphs)
        if reply.card is None:
            return await self.review(learner_id, [LABELS["recorded"]], report_text=reply.paragraphs)
        return await self.page(learner_id, [LABELS["recorded"]] + reply.paragraphs)

    # --- exam-day moves: the chat's commands (core/quiz/exam_service.py), the same session ------------

    async def _moved(self, learner_id: int, reply: Reply) -> Page:
        """The page after a move: its refusal or note (the offline note, a stale button) as notices, or the
        report if the time ran out meanwhile."""
        if reply.card is None and not reply.refused:
            return await self.page(learner_id, report_text=reply.paragraphs)
        return await self.page(learner_id, reply.paragraphs)

    async def goto(self, learner_id: int, session_id: int, position: int) -> Page:
        """Open the question at `position` (Previous, Next, Skip and a navigator cell all come here)."""
        return await self._moved(learner_id, await self.exam.goto(learner_id, position + 1, session_id))

    async def flag(self, learner_id: int, session_id: int, position: int) -> Page:
        """Flag the question at `position`, or clear its flag."""
        return await self._moved(learner_id, await self.exam.flag(learner_id, position + 1, session_id))

    async def review(self, learner_id: int, notices: list[str] | None = None, confirm: bool = False,
                     report_text: list[str] | None = None) -> Page:
        """The review screen of the running attempt, with the submit confirmation when `confirm`; the page
        of whatever else there is when none runs (its report, if the time ran out)."""
        session = await self.quiz.store.active_session(learner_id)
        if session is None or not session.navigable or session.expired(self.quiz.clock()):
            return await self.page(learner_id, notices, report_text=report_text)
        question = exam_review.confirm_question(session) if confirm else None
        return view.review(session, self.quiz.clock(), question, notices)

    async def submit(self, learner_id: int, session_id: int, confirmed: bool) -> Page:
        """Unconfirmed: the review screen asking to confirm. Confirmed: the attempt ends; its report, with
        the attempt's number for the walk-through. A confirmation for another attempt changes nothing."""
        if not confirmed:
            return await self.review(learner_id, confirm=True)
        reply = await self.exam.submit(learner_id, True, session_id)
        if reply.refused:
            return await self.page(learner_id, reply.paragraphs)
        attempts = await self.exam.finished(learner_id)
        number = next((n for n, s in enumerate(attempts, start=1) if s.id == session_id), None)
        if number is None:
            return await self.page(learner_id)
        return view.finished(attempts[number - 1], reply.paragraphs, attempt=number)

    async def recap(self, learner_id: int, attempt: int = 0, number: int = 0) -> Page:
        """The post-exam review: question `number` of attempt `attempt`, or the list of attempts (0)."""
        attempts = await self.exam.finished(learner_id)
        reply = await self.exam.recap(learner_id, attempt, number or 1) if attempt else None
        if reply is None or reply.refused:  # the list (a bad number is told and the list shown)
            return Page(Status.RECAP, title=LABELS["recap_title"], notices=reply.paragraphs if reply else [],
                        recap=RecapView(0, 0, 0, exam_review.attempts_text(attempts),
                                        [exam_review.attempt_line(n, s) for n, s in enumerate(attempts, start=1)]))
        session = attempts[attempt - 1]
        return Page(Status.RECAP, title=view.title(session), recap=RecapView(
            attempt, number or 1, session.total, reply.paragraphs))
