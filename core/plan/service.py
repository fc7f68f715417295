"""The study plan service: /plan, the learner's push settings, Day-2 miss sorting, and daily pushes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from core.commands import DAILY, Surface
from core.exam.bank import Bank
from core.exam.model import QuestionType
from core.lockmap import LocalTurns
from core.plan import compress
from core.plan import engine as plan
from core.plan.classify import classify
from core.plan.engine import Activity, PushTarget, SettingError
from core.ports import Clock, PlanStore, Turns, utcnow
from core.quiz import selection
from core.quiz.engine import FULL_LENGTH, Answer, Mode, Session
from core.quiz.grading import LETTERS
from core.quiz.service import QuizService
from core.reply import QuizPoll, Reply
from core.text import plural

log = logging.getLogger(__name__)
PUSH_BATCH = 500
# Pushes in flight: enough that the adapter's rate limiter, not each push's latency, sets the pace. At
# Telegram's 30 msg/s a push of two messages leaves every 1/15 s; one takes up to a second or more end to
# end (its database calls, two sends with Telegram's round trips, a busy machine), so 8 in flight held the
# end-to-end bench to 22-29 msg/s on a loaded machine and 24 kept it at the limit. A claim waits in the
# limiter's queue for about 24/15 s, far inside PUSH_LEASE.
PUSH_CONCURRENCY = 24
# An unconfirmed claim older than this is taken again (its sender died or failed). Several times the
# longest send: a send is given up at SEND_TIMEOUT, so a live sender never loses its lease.
PUSH_LEASE = timedelta(minutes=2)
SEND_TIMEOUT = timedelta(minutes=1)
# Claims are consulted only for today's push; older ones are kept a while for the record, then deleted so
# push_claim does not grow by one row per learner per day forever.
CLAIM_RETENTION = timedelta(days=30)
Send = Callable[[PushTarget, Reply], Awaitable[bool]]  # False: the recipient cannot be reached
ChatExam = Callable[[str], Awaitable[Bank]]  # a group chat's exam, as its managers chose it


class PlanService:
    """Settings are stored exactly as the learner chose them; defaults apply only where nothing was chosen."""

    def __init__(self, quiz: QuizService, store: PlanStore, clock: Clock = utcnow,
                 chat_exam: ChatExam | None = None, turns: Turns | None = None) -> None:
        self.quiz = quiz
        # A push may open a session: it takes its chat's turn, as an update from that chat would (replicas).
        self.turns: Turns = turns or LocalTurns()
        self.store = store
        self.clock = clock
        self.chat_exam = chat_exam or self._newest  # the composition root passes the rounds' group choice

    async def _newest(self, chat: str) -> Bank:
        return self.quiz.exams.newest

    # --- push targets and settings ---------------------------------------------------------------

    async def target(self, channel: str, learner_id: int | None) -> PushTarget:
        """The channel's push target, created with the defaults on first use (a learner's private chat)."""
        found = await self.store.target(channel)
        if found is None:  # a group's question of the day stays off until an admin sends /daily on
            found = plan.schedule(PushTarget(channel=channel, learner_id=learner_id, paused=learner_id is None),
                                  self.clock())
            await self.store.save_target(found)
        return found

    async def _update(self, target: PushTarget, **changes: Any) -> PushTarget:
        updated = plan.schedule(replace(target, **changes), self.clock())
        await self.store.save_target(updated)
        return updated

    # `surface` below: where the learner reads the reply, which names the daily message (core.commands.DAILY:
    # a chat's push, the console's reminder); a chat's words unless told.

    async def settings(self, channel: str, learner_id: int | None, surface: Surface = Surface.TELEGRAM) -> Reply:
        t = await self.target(channel, learner_id)
        state = "paused" if t.paused else ("unreachable (send /resume)" if t.unreachable else "on")
        what = "Question of the day" if t.is_group else f"Daily {DAILY[surface][0]}"
        at = t.next_push_at  # a stored target is always scheduled (plan.schedule)
        when = f"{plan.local_time(at, t.timezone):%a %d %b %H:%M}" if at is not None else "not scheduled"
        return Reply([f"{what}: {state}, at {t.push_time} {t.timezone}. Next: {when}.",
                      "Change with /time 07:30, /timezone Europe/Berlin, /pause or /resume."],
                     buttons=[("Pause", "/pause"), ("Resume", "/resume"), ("07:00", "/time 07:00"),
                              ("12:30", "/time 12:30"), ("19:00", "/time 19:00")])

    async def set_time(self, channel: str, learner_id: int | None, text: str,
                       surface: Surface = Surface.TELEGRAM) -> Reply:
        try:
            value = plan.parse_time(text)
        except SettingError as exc:
            return Reply([str(exc)], refused=True)
        t = await self._update(await self.target(channel, learner_id), push_time=value)
        return Reply([f"Daily {DAILY[surface][0]} time set to {t.push_time} ({t.timezone})."])

    async def set_timezone(self, channel: str, learner_id: int | None, text: str,
                           surface: Surface = Surface.TELEGRAM) -> Reply:
        try:
            value = plan.parse_timezone(text)
        except SettingError as exc:
            return Reply([str(exc)], refused=True)
        t = await self._update(await self.target(channel, learner_id), timezone=value)
        return Reply([f"Time zone set to {t.timezone}; daily {DAILY[surface][0]} at {t.push_time} local time."])

    async def pause(self, channel: str, learner_id: int | None, surface: Surface = Surface.TELEGRAM) -> Reply:
        await self._update(await self.target(channel, learner_id), paused=True)
        return Reply([f"Daily {DAILY[surface][1]} paused. /resume starts them again."])

    async def resume(self, channel: str, learner_id: int | None, surface: Surface = Surface.TELEGRAM) -> Reply:
        t = await self._update(await self.target(channel, learner_id), paused=False, unreachable=False)
        return Reply([f"Daily {DAILY[surface][1]} on, at {t.push_time} {t.timezone}."])

    async def channel_setting(self, name: str, arg: str | None, channel: str, owner: int | None,
                              surface: Surface = Surface.TELEGRAM) -> Reply:
        """/settings, /time, /timezone, /pause, /resume and /daily for a channel; the adapter has already
        checked that the sender may change it (anyone in a private chat, admins in a group)."""
        if name == "daily":
            if owner is not None:
                return Reply(["/daily is for groups. In a private chat use /pause and /resume."], refused=True)
            if arg not in ("on", "off"):
                return Reply(["Usage: /daily on or /daily off"], refused=True)
            return await self.daily(channel, arg == "on")
        if name == "time":
            return await self.set_time(channel, owner, arg or "", surface)
        if name == "timezone":
            return await self.set_timezone(channel, owner, arg or "", surface)
        if name == "pause":
            return await self.pause(channel, owner, surface)
        if name == "resume":
            return await self.resume(channel, owner, surface)
        return await self.settings(channel, owner, surface)

    async def daily(self, channel: str, on: bool) -> Reply:
        """A group's question of the day (the adapter checks that the sender is an admin)."""
        t = await self._update(await self.target(channel, None), paused=not on)  # groups start paused
        if on:
            return Reply([f"Question of the day is on: every day at {t.push_time} {t.timezone}, for anyone here. "
                          "Admins can change it with /time and /timezone."])
        return Reply(["Question of the day is off."])

    # --- the plan --------------------------------------------------------------------------------

    async def _zone(self, learner_id: int) -> str:
        return plan.private_zone(await self.store.targets_of(learner_id))

    async def _anchor(self, learner_id: int, today: date) -> tuple[date, bool]:
        exam_date, explicit = await self.store.exam_date(learner_id)
        if exam_date is None:
            exam_date, explicit = plan.implicit_exam_date(today), False
            await self.store.set_exam_date(learner_id, exam_date, explicit)
        return exam_date, explicit

    async def set_exam_date(self, learner_id: int, text: str, surface: Surface = Surface.TELEGRAM) -> Reply:
        today = plan.local_date(self.clock(), await self._zone(learner_id))
        try:
            exam_date = plan.parse_date(text, today + timedelta(days=14))
            compress.check_exam_date(exam_date, today)
        except SettingError as exc:
            return Reply([str(exc)], refused=True)
        await self.store.set_exam_date(learner_id, exam_date, True)
        return await self.plan(learner_id, surface)

    async def today(self, learner_id: int, history: list[Answer] | None = None) -> tuple[int | None, plan.Activity]:
        """Today's plan step; `history`, if given, is the learner's answers as just read (else read here)."""
        zone = await self._zone(learner_id)
        today = plan.local_date(self.clock(), zone)
        exam_date, _ = await self._anchor(learner_id, today)
        history = await self.quiz.history(learner_id) if history is None else history
        days = await self._days(learner_id, today, exam_date, zone, await self.quiz.forms(learner_id))
        return plan.activity_for(today, exam_date, self._weakest(await self.quiz.exam_of(learner_id), history), days)

    async def _days(self, learner_id: int, today: date, exam_date: date, zone: str,
                    forms: list[Session]) -> dict[int, Activity]:
        """The plan's days (number to activity), fitted into fewer than seven when it started late."""
        diagnosed = [plan.local_date(s.finished_at, zone) for s in forms
                     if s.mode is Mode.DIAGNOSTIC and s.finished_at is not None]
        return compress.fit(compress.plan_length(today, exam_date, diagnosed))

    def _weakest(self, bank: Bank, history: list[Answer]) -> str:
        scores = selection.weakness(bank, history)
        return min(scores, key=lambda task: (scores[task], task))

    async def welcome(self, learner_id: int, channel: str | None) -> Reply:
        """/start: the quiz welcome with today's plan step; a private chat gets its daily push set up."""
        if channel is not None:
            await self.target(channel, learner_id)
        start = await self.quiz.start(learner_id)
        number, activity = await self.today(learner_id)  # once: it reads the learner's whole history
        if start.card is None and not await self.quiz.history(learner_id):
            return self._first_step(start, activity, await self.quiz.exam_of(learner_id))  # dates set by today()
        line = f"Today{f' (Day {number})' if number else ''}: {activity.title}"
        return replace(start, paragraphs=start.paragraphs[:1] + [line] + start.paragraphs[1:],
                       buttons=_start_button(activity) + start.buttons)

    def _first_step(self, start: Reply, today: Activity, bank: Bank) -> Reply:
        """A brand-new learner's /start: the welcome and one step, the diagnostic (they have no weak area
        yet to warm up on, and the plan starts with it), or the timed mixed set the day before the exam."""
        if today.mode is Mode.MOCK:
            return Reply(start.paragraphs[:1] + [f"Your first step, with your exam tomorrow: {today.title}"],
                         buttons=_start_button(today))
        exam = bank.exam
        line = (f"Your first step: /diagnostic, a full-length practice exam ({exam.questions} questions, "
                f"{exam.minutes} minutes) that shows where you stand; everything after builds on it.")
        return Reply(start.paragraphs[:1] + [line], buttons=[("Start: /diagnostic", "/diagnostic")])

    async def plan(self, learner_id: int, surface: Surface = Surface.TELEGRAM) -> Reply:
        """Seven days counted down to the exam, today marked, days done ticked from what was done."""
        zone = await self._zone(learner_id)
        today = plan.local_date(self.clock(), zone)
        exam_date, explicit = await self._anchor(learner_id, today)
        history = await self.quiz.history(learner_id)
        forms = await self.quiz.forms(learner_id)
        bank = await self.quiz.exam_of(learner_id)
        domain_of = {qid: q.domain for qid, q in bank.questions.items()}
        left = plan.days_left(today, exam_date)
        head = (f"Exam on {exam_date:%a %d %b %Y}: {plural(left, 'day')} to go." if explicit else
                f"Your seven-day plan starts {exam_date - timedelta(days=7):%a %d %b}; set your exam date with "
                f"/examdate {today + timedelta(days=14)} (yours) to count down to it.") + \
            f" Exam: {bank.exam.code} (/exam switches)."
        days = await self._days(learner_id, today, exam_date, zone, forms)
        lines = []
        for number, activity in sorted(days.items(), reverse=True):
            day = exam_date - timedelta(days=number)
            done = plan.done_on(day, activity, zone, history, forms, domain_of)
            mark = "✅" if done else ("👉" if day == today else "▫️")
            lines.append(f"{mark} Day {number} · {day:%a %d %b}: {activity.title}")
        _, activity = plan.activity_for(today, exam_date, self._weakest(bank, history), days)
        return Reply([head, "\n".join(lines), f"Today: {activity.title}", *await self._reminder(learner_id, surface)],
                     buttons=_start_button(activity))

    async def _reminder(self, learner_id: int, surface: Surface) -> list[str]:
        """/plan's last line: when the daily push (reminder) comes, in the zone the plan's days are counted in."""
        targets = [t for t in await self.store.targets_of(learner_id) if not t.is_group]
        if not targets:
            return []
        t = targets[0]
        state = "paused (/resume)" if t.paused else f"at {t.push_time}"
        return [f"Daily {DAILY[surface][0]} {state}, {t.timezone} time; change with /time 07:30 or "
                "/timezone Europe/Berlin."]

    # --- Day 2: sorting misses by lifecycle stage ------------------------------------------------

    async def classify(self, learner_id: int, text: str | None = None) -> Reply:
        """/classify: sort the latest mock's misses by lifecycle stage (core/plan/classify.py)."""
        return await classify(self.quiz, self.store, learner_id, text)

    # --- daily pushes ----------------------------------------------------------------------------

    async def run_pushes(self, send: Send, concurrency: int = PUSH_CONCURRENCY) -> int:
        """Push to every due target; returns how many were sent.

        At least once, and once in practice: each push is claimed under (channel, local date) as a lease
        (PUSH_LEASE) before it is sent, and confirmed after. A second scheduler skips a claim within its
        lease; a claim never confirmed (the process died mid-send, or an error struck) is taken again once
        its lease runs out, by a restart or another scheduler. The only duplicate left is a send that
        went out but whose confirmation was not yet written. A target stays due until its push is
        confirmed, which is how an unsent claim gets found again.

        Each push runs on its own: an error in one (a database error, say) is logged and that push is
        retried on a later tick, while the others go on. Several pushes are prepared at once, so the
        adapter's rate limiter, not the database round trips, sets the pace."""
        now = self.clock()
        gate = asyncio.Semaphore(concurrency)
        sent = 0

        async def one(target: PushTarget) -> None:
            nonlocal sent
            try:
                async with gate:
                    pushed = await self._push_one(target, now, send)
            except Exception:  # its claim is released or lapses with its lease: a later tick retries it
                log.exception("push to %s failed; will retry", target.channel)
                return
            sent += pushed  # read-modify-write after the await, so concurrent pushes are all counted

        async with asyncio.TaskGroup() as group:  # a cancelled run (shutdown) cancels and awaits every push
            for target in await self.store.due_targets(now, PUSH_BATCH):
                group.create_task(one(target))
        return sent

    async def prune_claims(self) -> int:
        """Delete push claims older than CLAIM_RETENTION (by their local day) and any left without a target;
        the scheduler calls it every hour."""
        pruned = await self.store.prune_claims((self.clock() - CLAIM_RETENTION).date())
        if pruned:
            log.info("pruned %d push claims", pruned)
        return pruned

    async def _push_one(self, target: PushTarget, now: datetime, send: Send) -> int:
        day = plan.due_date(target, now)
        if day is None:  # a whole local day was missed (downtime past midnight): skip it, keep today
            target = plan.schedule(target, now)
            await self.store.save_target(target)
            day = plan.due_date(target, now)
            if day is None:
                return 0
        if not await self.store.claim(target.channel, day, now, PUSH_LEASE):
            return 0
        pushed = plan.schedule(replace(target, last_pushed=day), now)
        try:
            async with self.turns.turn(target.channel):
                reply = await self._push_reply(target)
                wanted = await self._still_wanted(target)
                if wanted:
                    # A send that outlives the lease could be taken over and sent twice: give up on it first.
                    async with asyncio.timeout(SEND_TIMEOUT.total_seconds()):
                        delivered = await send(target, reply)
        except Exception:  # not sent: give the day back so the next tick tries again
            log.exception("push to %s failed; will retry", target.channel)
            await self.store.release(target.channel, day)
            return 0
        if not wanted:  # erased (/forget) or paused since it was found due: nothing is sent or kept
            await self.store.release(target.channel, day)
            log.info("push to %s dropped: the target was erased or paused meanwhile", target.channel)
            return 0
        if not delivered:
            await self.store.confirm(replace(pushed, unreachable=True), day, now)
            log.info("push target %s unreachable; paused until /resume", target.channel)
            return 0
        await self.store.confirm(pushed, day, now)
        return 1

    async def _still_wanted(self, target: PushTarget) -> bool:
        """Whether the target is still there, for the same learner, and not paused, just before sending.

        A learner who sends /forget after their push was claimed must not get it: /forget deletes the target
        and its claims, and the push, found due before, is dropped here (its claim released, so no row names
        the chat). Building the push for an erased learner writes nothing: the database refuses rows for a
        learner who no longer exists, and that error releases the claim too. Only a /forget that lands
        while the message is already on its way cannot stop it; its confirmation then finds no row to mark."""
        current = await self.store.target(target.channel)
        return current is not None and current.learner_id == target.learner_id and not current.paused

    async def _push_reply(self, target: PushTarget) -> Reply:
        learner_id = target.learner_id
        if learner_id is None:  # a group's target: its question of the day
            return await self._question_of_the_day(target)
        history = await self.quiz.history(learner_id)  # read once: a long history is most of a push's cost
        number, activity = await self.today(learner_id, history)
        code = (await self.quiz.exam_of(learner_id)).exam.code
        line = f"Good day! {f'Day {number}: ' if number else ''}{activity.title} ({code})"
        reviews = self.quiz.reviews
        head = [line] + ([await reviews.push_line(learner_id, history)] if reviews else [])
        if activity.mode is None:
            return Reply(head)
        if activity.mode in FULL_LENGTH:  # a timed form starts its clock only when the learner is there
            return Reply(head + ["The clock starts when you tap Start."], buttons=_start_button(activity))
        if await self.quiz.store.active_session(learner_id) is not None:
            return Reply(head + ["Finish the session you are in first (/question shows it again)."],
                         buttons=_start_button(activity))  # a push never closes what the learner is doing
        first = await self._open(learner_id, activity, target.channel, history)
        return Reply(head + first.paragraphs, card=first.card, actions=first.actions)

    async def _open(self, learner_id: int, activity: Activity, channel: str, history: list[Answer]) -> Reply:
        """The first question of an untimed activity, chosen from the `history` the push has read."""
        quiz = self.quiz
        if activity.mode is Mode.DRILL:
            return await quiz.drill(learner_id, activity.scope, channel, history)
        if activity.mode is Mode.REVIEW:
            reply = await quiz.review(learner_id, channel, weakest_stages=2, history=history)
            return reply if reply.card else await quiz.quick(learner_id, channel, history)
        return await quiz.quick(learner_id, channel, history)

    async def _question_of_the_day(self, target: PushTarget) -> Reply:
        """One single-answer question of the group's exam, the same for everyone there, different each day."""
        bank = await self.chat_exam(target.channel)
        singles = sorted(q.id for q in bank.questions.values() if q.type is QuestionType.SINGLE and not q.case)
        day = target.last_pushed or plan.local_date(self.clock(), target.timezone)
        q = bank[singles[(day.toordinal() * 7919 + sum(map(ord, target.channel))) % len(singles)]]
        options = "\n".join(f"{LETTERS[i]}) {o.text}" for i, o in enumerate(q.options))
        return Reply([f"Question of the day ({bank.exam.code})", q.stem, options],
                     poll=QuizPoll(question_id=q.id, question=f"Question of the day ({bank.exam.code} task {q.task}):"
                                                              " your answer?",
                                   options=list(LETTERS[:4]), correct=q.correct[0], explanation=q.takeaway))


def _start_button(activity: plan.Activity) -> list[tuple[str, str]]:
    """The command that opens the day's activity."""
    if activity.mode is None:
        return []
    command = {Mode.DIAGNOSTIC: "/diagnostic", Mode.MOCK: "/mock", Mode.DRILL: f"/drill {activity.scope}",
               Mode.REVIEW: "/review", Mode.QUICK: "/quiz"}[activity.mode]
    return [(f"Start: {command}", command)]
