"""The quiz service: load state, apply a pure transition, commit, then reply. Adapters call only this."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from core.adaptive.practice import Practice
from core.args import parse_scope
from core.exam import choice
from core.exam.bank import Bank
from core.exam.exams import Exams
from core.lockmap import LockMap
from core.ports import ChartRenderer, Clock, Eraser, Store, WebLinker, utcnow
from core.quiz import engine, menu, navigate, pictures, progress, report, selection
from core.quiz.binding import Binding, Sent, UpdateKey, bind_shown, tapped
from core.quiz.engine import FULL_LENGTH, Answer, Mode, NotPending, Session
from core.quiz.exam_service import ExamService
from core.quiz.grading import AnswerFormatError
from core.quiz.learner_exams import LearnerExams
from core.quiz.timekeeper import Timekeeper
from core.reply import QuestionCard, Reply
from core.review.service import ReviewService
from core.text import plural

STALE = "This question is no longer active."
EARLIER = "That answer was for an earlier question; this one is still open:"
UNSEEN = ("Not recorded: I restarted since I showed you a question, so I cannot tell which one that answer "
          "was for. This one is open:")
MOCK_SIZE, MOCK_MINUTES = 20, 40
DRILL_SIZE, REVIEW_SIZE = 10, 10

class QuizService(LearnerExams, pictures.Pictures):
    """Every quiz rule the chat adapters rely on; one learner's requests run one at a time."""

    def __init__(self, exams: Exams | Bank, store: Store, clock: Clock = utcnow, rng: random.Random | None = None,
                 erase: Eraser | None = None, reviews: ReviewService | None = None, web: WebLinker | None = None,
                 charts: ChartRenderer | None = None):
        # every exam; each learner studies one, each session remembers its own; one bank alone: tests, one exam
        self.exams = exams if isinstance(exams, Exams) else Exams.of(exams)
        self.store = store
        self.clock = clock
        self.rng = rng or random.Random()
        self._locks: LockMap[int] = LockMap()  # an idle learner's lock is freed
        # /forget: the composition root passes one eraser over every store that keeps learner data.
        self.erase: Eraser = erase or store.forget
        self.timekeeper = Timekeeper(store, self.clock)
        # Spaced review (core/review): bootstrap passes it; a test of something else may leave it out (/review says so)
        self.reviews = reviews
        self.web = web  # the web view's button on a card (core/webview/links.py), when WEBAPP_BASE_URL is set
        self.charts = charts  # draws /stats's and the reports' charts (core/quiz/pictures.py); None: text only
        self.practice = Practice(store, reviews, self.clock)  # /quiz, /drill mix and the pass estimate

    async def learner(self, platform: str, external_id: str) -> int:
        """The learner behind a chat identity, read (or created) each time: a cached id went stale when
        /forget ran in another replica, and the next /quiz failed on a learner that no longer exists."""
        return await self.store.learner(platform, str(external_id))

    # --- texts -----------------------------------------------------------------------------------

    async def start(self, learner_id: int) -> Reply:
        """The welcome, and the running session's question if there is one (after a restart, say)."""
        async with self._locks[learner_id]:
            welcome = self.welcome(await self.exam_of(learner_id))
            session, expired = await self._active(learner_id)
            note = await self._note(session)
        if expired is not None:
            return Reply(welcome.paragraphs + expired.paragraphs, actions=expired.actions, image=expired.image)
        if session is None:
            return welcome
        return Reply(welcome.paragraphs + note + [f"Your {session.exam.upper()} {session.mode} is where you left it:"],
                     card=await self._card(session))

    async def resumed(self, learner_id: int) -> Reply | None:
        """At launch: the interrupted session's question, or a timed one's report if its time ran out
        meanwhile; None when nothing was running."""
        async with self._locks[learner_id]:
            session, expired = await self._active(learner_id)
        if expired is not None or session is None:
            return expired
        return Reply([report.where_you_were(session) + ":"], card=await self._card(session))

    def welcome(self, bank: Bank) -> Reply:
        exam = bank.exam
        return Reply([
            f"MLA Coach: practice for the {exam.title} ({exam.code}) exam. "
            f"{len(bank.questions)} original questions over {len(exam.domains)} domains."
            + (f" Sitting {choice.other(self.exams, bank)} instead? /exam switches." if len(self.exams) > 1 else ""),
            "Start with /diagnostic to find your weak spots, or /quiz for one quick question.",
        ], actions=["diagnostic", "quiz", "drill", "mock", "review", "stats"])

    # --- starting sessions -----------------------------------------------------------------------

    # `history`, where a start takes it: the learner's answers as the caller has just read them, so that a
    # daily push reads a long history once for the day's activity and its first question, not twice.

    async def quick(self, learner_id: int, channel: str | None = None, history: list[Answer] | None = None) -> Reply:
        async with self._locks[learner_id]:
            bank = await self.exam_of(learner_id)
            history = await self.store.history(learner_id) if history is None else history
            ids = await self.practice.pick(bank, learner_id, history, 1, self.rng)
            return await self._begin(bank, learner_id, Mode.QUICK, ids, channel=channel)

    async def drill(self, learner_id: int, scope: str | None, channel: str | None = None,
                    history: list[Answer] | None = None) -> Reply:
        async with self._locks[learner_id]:
            bank = await self.exam_of(learner_id)
            asked, scope = scope, parse_scope(bank.exam, scope)
            if scope is None and not menu.is_mix(asked):
                return menu.drill_menu(bank, asked)
            history = await self.store.history(learner_id) if history is None else history
            ids = (selection.drill(bank, scope, history, self.rng, DRILL_SIZE) if scope is not None
                   else await self.practice.pick(bank, learner_id, history, DRILL_SIZE, self.rng))
            return await self._begin(bank, learner_id, Mode.DRILL, ids, scope=scope, channel=channel)

    async def diagnostic(self, learner_id: int, channel: str | None = None, form: str | None = None) -> Reply:
        """The exam's standard full-length form, or one of its further forms by name (MLA-C02's beta)."""
        bank = await self.exam_of(learner_id)
        sized = choice.form_size(bank.exam, form)
        if isinstance(sized, Reply):
            return sized
        return await self._form(bank, learner_id, Mode.DIAGNOSTIC, *sized, channel)

    async def mock(self, learner_id: int, size: int | None = None, channel: str | None = None) -> Reply:
        bank = await self.exam_of(learner_id)
        exam = bank.exam
        size = MOCK_SIZE if size is None else size
        if not 5 <= size <= exam.questions:
            return Reply([f"A mock has 5 to {exam.questions} questions, for example /mock 30."], refused=True)
        minutes = round(size * exam.minutes / exam.questions) if size != MOCK_SIZE else MOCK_MINUTES
        return await self._form(bank, learner_id, Mode.MOCK, size, minutes, channel)

    async def review(self, learner_id: int, channel: str | None = None, weakest_stages: int | None = None,
                     history: list[Answer] | None = None) -> Reply:
        """Due review cards, most overdue first (core/review); `weakest_stages` keeps only cards in that many
        weakest lifecycle stages; `history`, if given, is the learner's answers as just read."""
        if self.reviews is None:
            return Reply(["Spaced review is not set up here."])
        async with self._locks[learner_id]:
            bank = await self.exam_of(learner_id)
            history = await self.store.history(learner_id) if history is None else history
            stages = selection.weakest_stages(bank, history, weakest_stages) if weakest_stages else None
            due = await self.reviews.due(learner_id, history, REVIEW_SIZE, stages)
            ids = [qid for qid in due.ids if qid in bank.questions]  # a card of the other exam waits for it
            if not ids:
                return Reply([due.nothing], actions=["quiz"])
            return await self._begin(bank, learner_id, Mode.REVIEW, ids, channel=channel)

    async def _form(self, bank: Bank, learner_id: int, mode: Mode, size: int, minutes: int,
                    channel: str | None) -> Reply:
        async with self._locks[learner_id]:
            history = await self.store.history(learner_id)
            shown = frozenset(qid for s in await self.store.forms(learner_id) for qid in s.question_ids)
            pick = selection.form(bank, size, history, shown, self.rng)
            notes = [note] if (note := progress.shortfall(pick, mode)) else []
            if mode is Mode.MOCK and size < progress.MIN_MOCK_SIZE:
                notes.append(f"A mock under {progress.MIN_MOCK_SIZE} questions does not count toward readiness.")
            return await self._begin(bank, learner_id, mode, pick.ids, minutes=minutes, unseen=pick.unseen,
                                     channel=channel, notes=notes)

    async def _begin(self, bank: Bank, learner_id: int, mode: Mode, ids: list[str], minutes: int | None = None,
                     scope: str | None = None, unseen: bool = False, channel: str | None = None,
                     notes: list[str] | None = None) -> Reply:
        now = self.clock()
        current = await self.store.active_session(learner_id)
        if current is not None:
            if current.mode in FULL_LENGTH and not current.expired(now):
                return Reply([f"Your {current.exam.upper()} {current.mode} is still running. Answer the question "
                              "below, or send /stop to end it and get its report."],
                             card=await self._card(current))
            engine.finish(current, now)
            await self.store.save(current)
        intro = report.closed(current) if current is not None else []
        session = engine.start(bank, learner_id, mode, ids, now, self.rng, minutes, scope, unseen, channel)
        session = await self.store.create_session(session)
        code = bank.exam.code
        if mode is Mode.DIAGNOSTIC or mode is Mode.MOCK:
            intro.append(f"{code} {'diagnostic' if mode is Mode.DIAGNOSTIC else 'mock exam'}: {len(ids)} questions, "
                         f"{minutes} minutes. No feedback until the end, as on the exam.")
        elif mode is Mode.DRILL:
            intro.append(f"{code} drill on {menu.scope_name(bank, scope)}: {plural(len(ids), 'question')}.")
        elif mode is Mode.REVIEW:
            intro.append(f"{code} review: {plural(len(ids), 'question')}, the most overdue first.")
        return Reply(intro + (notes or []), card=await self._card(session))

    # --- answering -------------------------------------------------------------------------------

    async def answer_text(self, learner_id: int, text: str, sent: Sent | None = None) -> Reply:
        """A typed answer such as "B", "A C", "C A B D" or "1B 2A 3C" for the question it was typed for.

        `sent` says which update carried it and what the learner saw (core/quiz/binding.py): an update
        applied already gets an empty reply (nothing is sent: the learner had their answer before the
        restart), and an answer typed for a question answered since is refused, never recorded for the next.
        """
        async with self._locks[learner_id]:
            update = sent.update if sent is not None else None
            if update is not None and await self.store.seen_update(update):
                return Reply([])
            session, expired = await self._active(learner_id)
            if expired is not None:
                return expired
            if session is None:
                return Reply(["No question is waiting for an answer. Try /quiz, /drill or /review."],
                             actions=["quiz"])
            note = await self._note(session)
            binding = bind_shown(session, sent, self.clock())
            if binding is not Binding.PENDING:
                return Reply(note + [EARLIER if binding is Binding.EARLIER else UNSEEN], refused=True,
                             card=await self._card(session))
            try:
                response = engine.parse_typed(session, self._bank(session), text)
            except AnswerFormatError as exc:
                return Reply(note + [str(exc)], refused=True)
            return _noted(note, await self._record(session, session.position, response, update))

    async def first_delivery(self, learner_id: int | None, update: UpdateKey) -> bool:
        """Record a chat update before it is applied; False if it was recorded already (a re-delivery after
        a restart, or by another process), and then the caller ignores it. A command is so applied at most
        once: one whose process died while applying it is lost, and the learner sends it again."""
        return await self.store.record_update(update, learner_id, self.clock())

    async def answer(self, learner_id: int, session_id: int, position: int, response: list[int],
                     from_message: bool = False) -> Reply:
        """An answer from buttons; anything not matching the pending question changes nothing. A chat message
        keeps showing its question (`from_message`): in a diagnostic or mock it answers that one (binding.py)."""
        async with self._locks[learner_id]:
            session, expired = await self._active(learner_id)
            if expired is not None:
                return expired
            if session is None or not tapped(session, session_id, position, self.clock(), from_message):
                return Reply([STALE], refused=True)
            note = await self._note(session)
            try:
                return _noted(note, await self._record(session, position, response))
            except AnswerFormatError as exc:
                return Reply(note + [str(exc)], refused=True)

    async def _record(self, session: Session, position: int, response: list[int],
                      update: UpdateKey | None = None) -> Reply:
        now, bank = self.clock(), self._bank(session)
        try:
            answer = engine.submit(session, bank, position, response, now)
        except NotPending:
            return Reply([STALE], refused=True)
        if not await self.store.save(session, answer, update):
            return Reply([STALE], refused=True)
        if session.navigable:  # answers change until submit, which tells spaced review (exam_service.py)
            return await ExamService(self).answered(session, answer)
        if self.reviews is not None:
            await self.reviews.record(answer)
        q = bank[answer.question_id]
        paragraphs: list[str] = []
        actions: list[str] = []
        if session.immediate_feedback:
            paragraphs += report.verdict(q, answer, session.orders[position])
            actions.append("explain")
        answered = (session.saved_id, position) if session.immediate_feedback else None
        shown = engine.card(session, bank, now, position) if session.immediate_feedback else None
        if session.finished:
            paragraphs += await self._report(session, bank)
            actions += ["quiz", "review", "stats"] if session.mode is not Mode.QUICK else ["quiz"]
            return Reply(paragraphs, actions=actions, answered=answered, answered_card=shown,
                         buttons=report.next_buttons(session, bank), image=await self._report_chart(session))
        return Reply(paragraphs, card=await self._card(session), actions=actions, answered=answered,
                     answered_card=shown)

    async def _card(self, session: Session) -> QuestionCard:
        """The pending question, with the web view's button where the web view serves the session."""
        card = navigate.dress(engine.card(session, self._bank(session), self.clock()), session)
        web = await self.web(session) if self.web is not None else None
        return replace(card, web=web) if web is not None else card

    async def _active(self, learner_id: int) -> tuple[Session | None, Reply | None]:
        """The running session; a timed one past its deadline is finished here and its report returned."""
        session = await self.store.active_session(learner_id)
        if session is not None and session.expired(self.clock()):
            return None, await self._expire(session)
        return session, None

    async def _expire(self, session: Session) -> Reply | None:
        """The report of a timed session that ran out, finished here; None if another process finished it
        first (a replica's scheduler), which sends the report itself."""
        note = self.timekeeper.note(session)
        engine.finish(session, self.clock())
        if not await self.store.save(session):
            return None
        bank = self._bank(session)
        return Reply(([note] if note else []) + [f"⏰ Time is up for your {session.exam.upper()} {session.mode}."]
                     + await self._report(session, bank), actions=["review", "stats"], card=None,
                     buttons=report.next_buttons(session, bank), image=await self._report_chart(session))

    async def _report(self, session: Session, bank: Bank) -> list[str]:
        """The session's report; a diagnostic's or mock's with the pass estimate beside its readiness note."""
        lines = report.session_report(session, bank)
        if session.mode in FULL_LENGTH:
            lines[-1:-1] = [await self.practice.estimate_line(bank, await self.store.history(session.learner_id))]
        return lines

    async def _note(self, session: Session | None) -> list[str]:
        """The offline note owed on a running timed session's reply (once per outage), saved as told."""
        note = self.timekeeper.note(session) if session is not None else None
        if session is None or note is None:
            return []
        await self.store.save(session)
        return [note]

    # --- the runtime's tick: heartbeat and warnings ------------------------------------------------

    async def beat(self, every: timedelta) -> None:
        """The heartbeat the runtime writes each tick (and at start): how downtime is noticed."""
        await self.timekeeper.beat(every)

    async def warnings_due(self) -> list[tuple[Session, Reply]]:
        """The 10-minute warnings to push now, each claimed once (core/quiz/timekeeper.py); the caller
        sends each to session.channel."""
        return [(session, Reply([text], actions=["question"]))
                for session, text in await self.timekeeper.warnings_due()]

    async def expire_due(self) -> list[tuple[Session, Reply]]:
        """Finish every timed session past its deadline; the caller sends each report to session.channel."""
        out = []
        for session in await self.store.expired_sessions(self.clock()):
            async with self._locks[session.learner_id]:
                fresh = await self.store.session(session.saved_id)
                reply = await self._expire(fresh) if fresh is not None and fresh.expired(self.clock()) else None
                if fresh is not None and reply is not None:
                    out.append((fresh, reply))
        return out

    async def is_pending(self, learner_id: int, session_id: int, position: int) -> bool:
        """Whether a button for (session, position) still belongs to this learner's pending question."""
        session = await self.store.active_session(learner_id)
        return (session is not None and session.id == session_id and session.position == position
                and not session.expired(self.clock()))

    async def forget(self, learner_id: int) -> Reply:
        """Erase everything kept about the learner (asked for with /forget, after a confirmation)."""
        async with self._locks[learner_id]:
            await self.erase(learner_id)
        return Reply(["Done: your answers, sessions and settings are erased. /start begins afresh."])

    # --- reading ---------------------------------------------------------------------------------

    async def current(self, learner_id: int) -> Reply:
        """Show the pending question again (after a restart, or when the learner scrolled away)."""
        async with self._locks[learner_id]:
            session, expired = await self._active(learner_id)
            if expired is not None:
                return expired
            if session is None:
                return Reply(["No session is running. Try /quiz, /drill or /diagnostic."], actions=["quiz"])
            return Reply(await self._note(session), card=await self._card(session))

    async def stop(self, learner_id: int) -> Reply:
        async with self._locks[learner_id]:
            session, expired = await self._active(learner_id)
            if expired is not None:
                return expired
            if session is None:
                return Reply(["No session is running."])
            engine.finish(session, self.clock())
            await self.store.save(session)
            bank = self._bank(session)
            return Reply(["Session stopped."] + await self._report(session, bank), actions=["stats"],
                         buttons=report.next_buttons(session, bank), image=await self._report_chart(session))

    async def history(self, learner_id: int) -> list[Answer]:
        """Every answer of the learner, oldest first (for the plan's weakest area and days done)."""
        return await self.store.history(learner_id)

    async def forms(self, learner_id: int) -> list[Session]:
        """The learner's diagnostics and mocks in the exam they study, oldest first."""
        code = (await self.exam_of(learner_id)).code
        return [s for s in await self.store.forms(learner_id) if s.exam == code]

    async def stats(self, learner_id: int) -> Reply:
        """Accuracy and readiness in the exam the learner studies: its questions' answers (a question both
        exams share counts in both, whichever showed it) and its own diagnostics and mocks."""
        async with self._locks[learner_id]:
            bank = await self.exam_of(learner_id)
            history = await self.store.history(learner_id)
            forms = [s for s in await self.store.forms(learner_id) if s.exam == bank.code]
            extra = await self.reviews.stats_lines(learner_id, history) if self.reviews is not None else []
            estimate = [await self.practice.estimate_line(bank, history)]
            return Reply(progress.stats(bank, history, forms) + estimate + extra, actions=["diagnostic", "review"],
                         image=await self._stats_chart(bank, history, forms))


def _noted(note: list[str], reply: Reply) -> Reply:
    """The reply with the offline note first."""
    return replace(reply, paragraphs=note + reply.paragraphs) if note else reply
