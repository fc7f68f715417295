"""The study plan service: /plan, the learner's push settings, Day-2 miss sorting, and daily pushes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from core.args import parse_number
from core.exam.bank import Bank
from core.exam.model import QuestionType, Stage
from core.plan import engine as plan
from core.plan.engine import Activity, PushTarget, SettingError
from core.ports import Clock, PlanStore, utcnow
from core.quiz import selection
from core.quiz.engine import FULL_LENGTH, Mode
from core.quiz.grading import LETTERS
from core.quiz.service import QuizService
from core.reply import QuizPoll, Reply

log = logging.getLogger(__name__)
PUSH_BATCH = 500
CLASSIFY_USAGE = ("Usage: /classify shows your next miss to sort; tap its stage, or type /classify MOCK QUESTION "
                  "STAGE as its buttons do (STAGE: " + ", ".join(s.value for s in Stage) + ").")
PUSH_CONCURRENCY = 8
# An unconfirmed claim older than this is taken again (its sender died or failed). Several times the
# longest send: a send is given up at SEND_TIMEOUT, so a live sender never loses its lease.
PUSH_LEASE = timedelta(minutes=2)
SEND_TIMEOUT = timedelta(minutes=1)
Send = Callable[[PushTarget, Reply], Awaitable[bool]]  # False: the recipient cannot be reached
ChatExam = Callable[[str], Awaitable[Bank]]  # a group chat's exam, as its managers chose it


class PlanService:
    """Settings are stored exactly as the learner chose them; defaults apply only where nothing was chosen."""

    def __init__(self, quiz: QuizService, store: PlanStore, clock: Clock = utcnow,
                 chat_exam: ChatExam | None = None) -> None:
        self.quiz = quiz
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

    async def settings(self, channel: str, learner_id: int | None) -> Reply:
        t = await self.target(channel, learner_id)
        state = "paused" if t.paused else ("unreachable (send /resume)" if t.unreachable else "on")
        what = "Question of the day" if t.is_group else "Daily push"
        at = t.next_push_at  # a stored target is always scheduled (plan.schedule)
        when = f"{plan.local_time(at, t.timezone):%a %d %b %H:%M}" if at is not None else "not scheduled"
        return Reply([f"{what}: {state}, at {t.push_time} {t.timezone}. Next: {when}.",
                      "Change with /time 07:30, /timezone Europe/Berlin, /pause or /resume."],
                     buttons=[("Pause", "/pause"), ("Resume", "/resume"), ("07:00", "/time 07:00"),
                              ("12:30", "/time 12:30"), ("19:00", "/time 19:00")])

    async def set_time(self, channel: str, learner_id: int | None, text: str) -> Reply:
        try:
            value = plan.parse_time(text)
        except SettingError as exc:
            return Reply([str(exc)], refused=True)
        t = await self._update(await self.target(channel, learner_id), push_time=value)
        return Reply([f"Daily push time set to {t.push_time} ({t.timezone})."])

    async def set_timezone(self, channel: str, learner_id: int | None, text: str) -> Reply:
        try:
            value = plan.parse_timezone(text)
        except SettingError as exc:
            return Reply([str(exc)], refused=True)
        t = await self._update(await self.target(channel, learner_id), timezone=value)
        return Reply([f"Time zone set to {t.timezone}; daily push at {t.push_time} local time."])

    async def pause(self, channel: str, learner_id: int | None) -> Reply:
        await self._update(await self.target(channel, learner_id), paused=True)
        return Reply(["Daily pushes paused. /resume starts them again."])

    async def resume(self, channel: str, learner_id: int | None) -> Reply:
        t = await self._update(await self.target(channel, learner_id), paused=False, unreachable=False)
        return Reply([f"Daily pushes on, at {t.push_time} {t.timezone}."])

    async def channel_setting(self, name: str, arg: str | None, channel: str, owner: int | None) -> Reply:
        """/settings, /time, /timezone, /pause, /resume and /daily for a channel; the adapter has already
        checked that the sender may change it (anyone in a private chat, admins in a group)."""
        if name == "daily":
            if owner is not None:
                return Reply(["/daily is for groups. In a private chat use /pause and /resume."], refused=True)
            if arg not in ("on", "off"):
                return Reply(["Usage: /daily on or /daily off"], refused=True)
            return await self.daily(channel, arg == "on")
        if name == "time":
            return await self.set_time(channel, owner, arg or "")
        if name == "timezone":
            return await self.set_timezone(channel, owner, arg or "")
        if name == "pause":
            return await self.pause(channel, owner)
        if name == "resume":
            return await self.resume(channel, owner)
        return await self.settings(channel, owner)

    async def daily(self, channel: str, on: bool) -> Reply:
        """A group's question of the day (the adapter checks that the sender is an admin)."""
        t = await self._update(await self.target(channel, None), paused=not on)  # groups start paused
        if on:
            return Reply([f"Question of the day is on: every day at {t.push_time} {t.timezone}, for anyone here. "
                          "Admins can change it with /time and /timezone."])
        return Reply(["Question of the day is off."])

    # --- the plan --------------------------------------------------------------------------------

    async def _zone(self, learner_id: int) -> str:
        targets = [t for t in await self.store.targets_of(learner_id) if not t.is_group]
        return targets[0].timezone if targets else plan.DEFAULT_TIMEZONE

    async def _anchor(self, learner_id: int, today: date) -> tuple[date, bool]:
        exam_date, explicit = await self.store.exam_date(learner_id)
        if exam_date is None:
            exam_date, explicit = plan.implicit_exam_date(today), False
            await self.store.set_exam_date(learner_id, exam_date, explicit)
        return exam_date, explicit

    async def set_exam_date(self, learner_id: int, text: str) -> Reply:
        try:
            exam_date = plan.parse_date(text)
        except SettingError as exc:
            return Reply([str(exc)], refused=True)
        today = plan.local_date(self.clock(), await self._zone(learner_id))
        if exam_date < today:
            return Reply(["That date has passed. Give a future exam date, for example /examdate "
                          f"{today + timedelta(days=14)}."], refused=True)
        await self.store.set_exam_date(learner_id, exam_date, True)
        return await self.plan(learner_id)

    async def today(self, learner_id: int) -> tuple[int | None, plan.Activity]:
        zone = await self._zone(learner_id)
        today = plan.local_date(self.clock(), zone)
        exam_date, _ = await self._anchor(learner_id, today)
        return plan.activity_for(today, exam_date, await self._weakest(learner_id))

    async def _weakest(self, learner_id: int) -> str:
        bank = await self.quiz.exam_of(learner_id)
        scores = selection.weakness(bank, await self.quiz.history(learner_id))
        return min(scores, key=lambda task: (scores[task], task))

    async def welcome(self, learner_id: int, channel: str | None) -> Reply:
        """/start: the quiz welcome with today's plan step; a private chat gets its daily push set up."""
        if channel is not None:
            await self.target(channel, learner_id)
        start = await self.quiz.start(learner_id)
        number, activity = await self.today(learner_id)  # once: it reads the learner's whole history
        line = f"Today{f' (Day {number})' if number else ''}: {activity.title}"
        return replace(start, paragraphs=start.paragraphs[:1] + [line] + start.paragraphs[1:],
                       buttons=_start_button(activity) + start.buttons)

    async def plan(self, learner_id: int) -> Reply:
        """Seven days counted down to the exam, today marked, days done ticked from what was done."""
        zone = await self._zone(learner_id)
        today = plan.local_date(self.clock(), zone)
        exam_date, explicit = await self._anchor(learner_id, today)
        history = await self.quiz.history(learner_id)
        forms = await self.quiz.forms(learner_id)
        bank = await self.quiz.exam_of(learner_id)
        domain_of = {qid: q.domain for qid, q in bank.questions.items()}
        left = plan.days_left(today, exam_date)
        head = (f"Exam on {exam_date:%a %d %b %Y}: {left} day(s) to go." if explicit else
                f"Your seven-day plan starts {exam_date - timedelta(days=7):%a %d %b}; set your exam date with "
                "/examdate YYYY-MM-DD to count down to it.") + f" Exam: {bank.exam.code} (/exam switches)."
        lines = []
        for number in range(7, 0, -1):
            day = exam_date - timedelta(days=number)
            done = plan.done_on(day, number, zone, history, forms, domain_of)
            mark = "✅" if done else ("👉" if day == today else "▫️")
            lines.append(f"{mark} Day {number} · {day:%a %d %b}: {plan.PLAN[number].title}")
        _, activity = plan.activity_for(today, exam_date, await self._weakest(learner_id))
        return Reply([head, "\n".join(lines), f"Today: {activity.title}"], buttons=_start_button(activity))

    # --- Day 2: sorting misses by lifecycle stage ------------------------------------------------

    async def classify(self, learner_id: int, text: str | None = None) -> Reply:
        """Show the next unsorted miss of the latest mock, or record `text` ("12 3 data") and go on."""
        mocks = [s for s in await self.quiz.forms(learner_id) if s.mode is Mode.MOCK and s.finished]
        if not mocks:
            return Reply(["Sorting misses comes after a timed mixed set: /mock first."])
        mock = mocks[-1]
        right = {a.position for a in mock.answers if a.correct}
        misses = [p for p in range(mock.total) if p not in right]
        labels = await self.store.labels(mock.saved_id)
        if text:
            parts = text.split()
            position = parse_number(parts[1], 0, mock.total - 1) if len(parts) == 3 else None
            if position is None or parts[2] not in {s.value for s in Stage}:
                return Reply([CLASSIFY_USAGE], refused=True)
            if parts[0] != str(mock.saved_id) or position not in misses or position in labels:
                return Reply(["That miss is not waiting to be sorted."], refused=True)
            await self.store.add_label(learner_id, mock.saved_id, position, parts[2])
            labels = await self.store.labels(mock.saved_id)
        waiting = [p for p in misses if p not in labels]
        bank = self.quiz.exams[mock.exam]
        if waiting:
            position = waiting[0]
            q = bank[mock.question_ids[position]]
            stem = q.stem if len(q.stem) <= 400 else q.stem[:399] + "…"
            return Reply([f"Miss {len(misses) - len(waiting) + 1} of {len(misses)}: Q{position + 1} "
                          f"(task {q.task})", stem,
                          "Was this a data, model, deployment or monitoring issue?"],
                         buttons=[(s.value, f"/classify {mock.saved_id} {position} {s.value}") for s in Stage])
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
            # A send that outlives the lease could be taken over and sent twice: give up on it first.
            async with asyncio.timeout(SEND_TIMEOUT.total_seconds()):
                delivered = await send(target, await self._push_reply(target))
        except Exception:  # not sent: give the day back so the next tick tries again
            log.exception("push to %s failed; will retry", target.channel)
            await self.store.release(target.channel, day)
            return 0
        if not delivered:
            await self.store.confirm(replace(pushed, unreachable=True), day, now)
            log.info("push target %s unreachable; paused until /resume", target.channel)
            return 0
        await self.store.confirm(pushed, day, now)
        return 1

    async def _push_reply(self, target: PushTarget) -> Reply:
        learner_id = target.learner_id
        if learner_id is None:  # a group's target: its question of the day
            return await self._question_of_the_day(target)
        number, activity = await self.today(learner_id)
        code = (await self.quiz.exam_of(learner_id)).exam.code
        line = f"Good day! {f'Day {number}: ' if number else ''}{activity.title} ({code})"
        if activity.mode is None:
            return Reply([line])
        if activity.mode in FULL_LENGTH:  # a timed form starts its clock only when the learner is there
            return Reply([line, "The clock starts when you tap Start."], buttons=_start_button(activity))
        first = await self._open(learner_id, activity, target.channel)
        return Reply([line] + first.paragraphs, card=first.card, actions=first.actions)

    async def _open(self, learner_id: int, activity: Activity, channel: str) -> Reply:
        """The first question of an untimed activity."""
        quiz = self.quiz
        if activity.mode is Mode.DRILL:
            return await quiz.drill(learner_id, activity.scope, channel)
        if activity.mode is Mode.REVIEW:
            reply = await quiz.review(learner_id, channel, weakest_stages=2)
            return reply if reply.card else await quiz.quick(learner_id, channel)
        return await quiz.quick(learner_id, channel)

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
