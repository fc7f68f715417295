"""The quiz service: load state, apply a pure transition, commit, then reply. Adapters call only this."""

from __future__ import annotations

import random

from core.args import is_id, parse_scope
from core.exam import choice
from core.exam.bank import Bank
from core.exam.exams import Exams
from core.lockmap import LockMap
from core.ports import Clock, Eraser, Store, utcnow
from core.quiz import engine, progress, report, selection
from core.quiz.engine import FULL_LENGTH, Answer, Mode, NotPending, Session
from core.quiz.grading import AnswerFormatError
from core.reply import Reply

STALE = "This question is no longer active."
MOCK_SIZE, MOCK_MINUTES = 20, 40
DRILL_SIZE, REVIEW_SIZE = 10, 10

class QuizService:
    """Every quiz rule the chat adapters rely on; one learner's requests run one at a time."""

    def __init__(self, exams: Exams, store: Store, clock: Clock = utcnow, rng: random.Random | None = None,
                 erase: Eraser | None = None):
        self.exams = exams  # every exam; each learner studies one, each session remembers its own
        self.store = store
        self.clock = clock
        self.rng = rng or random.Random()
        self._locks: LockMap[int] = LockMap()  # an idle learner's lock is freed
        # /forget: the composition root passes one eraser over every store that keeps learner data.
        self.erase: Eraser = erase or store.forget
        self._learner_ids: dict[tuple[str, str], int] = {}

    async def learner(self, platform: str, external_id: str) -> int:
        """The learner behind a chat identity; cached, since every update asks and the mapping only
        changes on /forget."""
        key = (platform, str(external_id))
        if key not in self._learner_ids:
            self._learner_ids[key] = await self.store.learner(*key)
        return self._learner_ids[key]

    # --- texts -----------------------------------------------------------------------------------

    async def start(self, learner_id: int) -> Reply:
        """The welcome, and the running session's question if there is one (after a restart, say)."""
        async with self._locks[learner_id]:
            welcome = self.welcome(await self.exam_of(learner_id))
            session, expired = await self._active(learner_id)
        if expired is not None:
            return Reply(welcome.paragraphs + expired.paragraphs, actions=expired.actions)
        if session is None:
            return welcome
        return Reply(welcome.paragraphs + [f"Your {session.exam.upper()} {session.mode} is where you left it:"],
                     card=engine.card(session, self._bank(session), self.clock()))

    def welcome(self, bank: Bank) -> Reply:
        exam = bank.exam
        return Reply([
            f"MLA Coach: practice for the {exam.title} ({exam.code}) exam. "
            f"{len(bank.questions)} original questions over {len(exam.domains)} domains."
            + (f" Sitting {choice.other(self.exams, bank)} instead? /exam switches." if len(self.exams) > 1 else ""),
            "Start with /diagnostic to find your weak spots, or /quiz for one quick question.",
        ], actions=["diagnostic", "quiz", "drill", "mock", "review", "stats"])

    def drill_menu(self, bank: Bank) -> Reply:
        lines = []
        for d in bank.exam.domains:
            lines.append(f"/drill {d.number}: {d.name} ({d.weight}%)")
            lines += [f"  /drill {t.id}: {t.title}" for t in d.tasks]
        return Reply([f"{bank.exam.code} drill: pick a domain or a task statement:\n" + "\n".join(lines)])

    # --- starting sessions -----------------------------------------------------------------------

    async def quick(self, learner_id: int, channel: str | None = None) -> Reply:
        async with self._locks[learner_id]:
            bank = await self.exam_of(learner_id)
            history = await self.store.history(learner_id)
            qid = selection.quick(bank, history, self.rng)
            return await self._begin(bank, learner_id, Mode.QUICK, [qid], channel=channel)

    async def drill(self, learner_id: int, scope: str | None, channel: str | None = None) -> Reply:
        async with self._locks[learner_id]:
            bank = await self.exam_of(learner_id)
            scope = parse_scope(bank.exam, scope)
            if scope is None:
                return self.drill_menu(bank)
            history = await self.store.history(learner_id)
            ids = selection.drill(bank, scope, history, self.rng, DRILL_SIZE)
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
        size = size or MOCK_SIZE
        if not 5 <= size <= exam.questions:
            return Reply([f"A mock has 5 to {exam.questions} questions, for example /mock 30."])
        minutes = round(size * exam.minutes / exam.questions) if size != MOCK_SIZE else MOCK_MINUTES
        return await self._form(bank, learner_id, Mode.MOCK, size, minutes, channel)

    async def review(self, learner_id: int, channel: str | None = None, weakest_stages: int | None = None) -> Reply:
        """Missed questions, oldest first; `weakest_stages` keeps only misses in that many weakest stages."""
        async with self._locks[learner_id]:
            bank = await self.exam_of(learner_id)
            history = await self.store.history(learner_id)
            stages = selection.weakest_stages(bank, history, weakest_stages) if weakest_stages else None
            ids = selection.review(bank, history, REVIEW_SIZE, stages)
            if not ids:
                return Reply([f"Nothing to review in {bank.exam.code}: every question you missed has since been "
                              "answered right."], actions=["quiz"])
            return await self._begin(bank, learner_id, Mode.REVIEW, ids, channel=channel)

    async def _form(self, bank: Bank, learner_id: int, mode: Mode, size: int, minutes: int,
                    channel: str | None) -> Reply:
        async with self._locks[learner_id]:
            history = await self.store.history(learner_id)
            earlier = {qid for s in await self.store.forms(learner_id) for qid in s.question_ids}
            ids, unseen = selection.form(bank, size, history, earlier, self.rng)
            return await self._begin(bank, learner_id, mode, ids, minutes=minutes, unseen=unseen, channel=channel)

    async def _begin(self, bank: Bank, learner_id: int, mode: Mode, ids: list[str], minutes: int | None = None,
                     scope: str | None = None, unseen: bool = False, channel: str | None = None) -> Reply:
        now = self.clock()
        current = await self.store.active_session(learner_id)
        if current is not None:
            if current.mode in FULL_LENGTH and not current.expired(now):
                return Reply([f"Your {current.exam.upper()} {current.mode} is still running. Answer the question "
                              "below, or send /stop to end it and get its report."],
                             card=engine.card(current, self._bank(current), now))
            engine.finish(current, now)
            await self.store.save(current)
        session = engine.start(bank, learner_id, mode, ids, now, self.rng, minutes, scope, unseen, channel)
        session = await self.store.create_session(session)
        code, intro = bank.exam.code, []
        if mode is Mode.DIAGNOSTIC or mode is Mode.MOCK:
            intro.append(f"{code} {'diagnostic' if mode is Mode.DIAGNOSTIC else 'mock exam'}: {len(ids)} questions, "
                         f"{minutes} minutes. No feedback until the end, as on the exam.")
        elif mode is Mode.DRILL:
            intro.append(f"{code} drill on {self.scope_name(bank, scope)}: {len(ids)} questions.")
        elif mode is Mode.REVIEW:
            intro.append(f"{code} review: {len(ids)} missed question(s), oldest first.")
        return Reply(intro, card=engine.card(session, bank, now))

    # --- answering -------------------------------------------------------------------------------

    async def answer_text(self, learner_id: int, text: str) -> Reply:
        """A typed answer such as "B", "A C", "C A B D" or "1B 2A 3C" for the pending question."""
        async with self._locks[learner_id]:
            session, expired = await self._active(learner_id)
            if expired is not None:
                return expired
            if session is None:
                return Reply(["No question is waiting for an answer. Try /quiz, /drill or /review."],
                             actions=["quiz"])
            try:
                response = engine.parse_typed(session, self._bank(session), text)
            except AnswerFormatError as exc:
                return Reply([str(exc)], refused=True)
            return await self._record(session, session.position, response)

    async def answer(self, learner_id: int, session_id: int, position: int, response: list[int]) -> Reply:
        """An answer from buttons; anything not matching the pending question changes nothing."""
        async with self._locks[learner_id]:
            session, expired = await self._active(learner_id)
            if expired is not None:
                return expired
            if session is None or session.id != session_id or session.position != position:
                return Reply([STALE], refused=True)
            try:
                return await self._record(session, position, response)
            except AnswerFormatError as exc:
                return Reply([str(exc)], refused=True)

    async def _record(self, session: Session, position: int, response: list[int]) -> Reply:
        now, bank = self.clock(), self._bank(session)
        try:
            answer = engine.submit(session, bank, position, response, now)
        except NotPending:
            return Reply([STALE], refused=True)
        if not await self.store.save(session, answer):
            return Reply([STALE], refused=True)
        q = bank[answer.question_id]
        paragraphs: list[str] = []
        actions: list[str] = []
        if session.immediate_feedback:
            paragraphs += report.verdict(q, answer, session.orders[position])
            actions.append("explain")
        answered = (session.saved_id, position) if session.immediate_feedback else None
        shown = engine.card(session, bank, now, position) if session.immediate_feedback else None
        if session.finished:
            paragraphs += report.session_report(session, bank)
            actions += ["quiz", "review", "stats"] if session.mode is not Mode.QUICK else ["quiz"]
            return Reply(paragraphs, actions=actions, answered=answered, answered_card=shown)
        return Reply(paragraphs, card=engine.card(session, bank, now), actions=actions, answered=answered,
                     answered_card=shown)

    async def _active(self, learner_id: int) -> tuple[Session | None, Reply | None]:
        """The running session; a timed one past its deadline is finished here and its report returned."""
        session = await self.store.active_session(learner_id)
        if session is not None and session.expired(self.clock()):
            return None, await self._expire(session)
        return session, None

    async def _expire(self, session: Session) -> Reply:
        engine.finish(session, self.clock())
        await self.store.save(session)
        return Reply([f"⏰ Time is up for your {session.exam.upper()} {session.mode}."]
                     + report.session_report(session, self._bank(session)),
                     actions=["review", "stats"], card=None)

    async def expire_due(self) -> list[tuple[Session, Reply]]:
        """Finish every timed session past its deadline; the caller sends each report to session.channel."""
        out = []
        for session in await self.store.expired_sessions(self.clock()):
            async with self._locks[session.learner_id]:
                fresh = await self.store.session(session.saved_id)
                if fresh is not None and fresh.expired(self.clock()):
                    out.append((fresh, await self._expire(fresh)))
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
        self._learner_ids = {k: v for k, v in self._learner_ids.items() if v != learner_id}
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
            return Reply([], card=engine.card(session, self._bank(session), self.clock()))

    async def stop(self, learner_id: int) -> Reply:
        async with self._locks[learner_id]:
            session, expired = await self._active(learner_id)
            if expired is not None:
                return expired
            if session is None:
                return Reply(["No session is running."])
            engine.finish(session, self.clock())
            await self.store.save(session)
            return Reply(["Session stopped."] + report.session_report(session, self._bank(session)),
                         actions=["stats"])

    async def explain(self, learner_id: int, number: int | None = None, session_id: int | None = None) -> Reply:
        """The last answered question's rationale, or question `number` of the latest (or given) session."""
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
            if session_id is None:
                source = await self.store.latest_session(learner_id)
            else:
                source = await self.store.session(session_id) if is_id(session_id) else None
                if source is not None and source.learner_id != learner_id:
                    source = None
            if source is None or not 1 <= number <= source.total:
                return Reply([f"There is no question {number} in your latest session."])
            position = number - 1
            answer = next((a for a in source.answers if a.position == position), None)
            if answer is None and not source.finished:
                return Reply(["That question has not been answered yet."])
            bank = self._bank(source)
            q = bank[source.question_ids[position]]
            return Reply(report.explain(q, answer, source.orders[position], bank))

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
            return Reply(progress.stats(bank, history, forms), actions=["diagnostic", "review"])

    # --- exams -----------------------------------------------------------------------------------

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

    # --- scope names -----------------------------------------------------------------------------

    @staticmethod
    def scope_name(bank: Bank, scope: str | None) -> str:
        exam = bank.exam
        if scope in exam.tasks:
            return f"task {scope} {exam.tasks[scope].title}"
        return f"domain {scope} {exam.domain(int(scope)).name}" if scope else "everything"
