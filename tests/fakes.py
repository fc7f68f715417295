"""Fakes over mocks: an in-memory Store and a clock the tests move by hand."""

from __future__ import annotations

import copy
import itertools
from dataclasses import replace
from datetime import date, datetime, timedelta

from adapters.sql.tables import NEW_LEARNER_EXAM
from core.plan.engine import PushTarget
from core.quiz.engine import FULL_LENGTH, Answer, Session
from core.review.engine import Card, Review


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


class InMemoryStore:
    """The Store port in memory; copies on the way in and out, as a database would."""

    def __init__(self) -> None:
        self.identities: dict[tuple[str, str], int] = {}
        self.sessions: dict[int, Session] = {}
        self.answers: list[Answer] = []
        self.processed: dict[tuple[str, str], tuple[int | None, datetime]] = {}  # update -> (learner, when)
        self.last_beat: datetime | None = None
        self.outage_list: list[tuple[datetime, datetime]] = []
        self.exams: dict[int, str] = {}  # learner id -> exam code they chose
        self._ids = itertools.count(1)

    async def learner(self, platform: str, external_id: str) -> int:
        if (platform, external_id) not in self.identities:
            self.identities[(platform, external_id)] = next(self._ids)
        return self.identities[(platform, external_id)]

    async def exam(self, learner_id: int) -> str:
        return self.exams.get(learner_id, NEW_LEARNER_EXAM)

    async def set_exam(self, learner_id: int, exam: str) -> None:
        self.exams[learner_id] = exam

    def _load(self, session: Session) -> Session:
        out = copy.deepcopy(session)
        out.answers = sorted((a for a in self.answers if a.session_id == session.id), key=lambda a: a.position)
        return out

    async def active_session(self, learner_id: int) -> Session | None:
        live = [s for s in self.sessions.values() if s.learner_id == learner_id and not s.finished]
        return self._load(live[-1]) if live else None

    async def session(self, session_id: int) -> Session | None:
        return self._load(self.sessions[session_id]) if session_id in self.sessions else None

    async def latest_session(self, learner_id: int) -> Session | None:
        mine = [s for s in self.sessions.values() if s.learner_id == learner_id]
        return self._load(mine[-1]) if mine else None

    async def create_session(self, session: Session) -> Session:
        session.id = len(self.sessions) + 1
        self.sessions[session.id] = copy.deepcopy(session)
        return session

    async def save(self, session: Session, answer: Answer | None = None, update=None) -> bool:
        if self.sessions[session.id].finished_at is not None:
            return False  # finished already, by another caller (the SQL store's conditional step)
        if answer is not None:
            mine = [a for a in self.answers if a.session_id == session.id and a.position == answer.position]
            if mine and not session.navigable:
                return False
            if update is not None and update in self.processed:
                return False
            self.answers = [a for a in self.answers if a not in mine]
            if update is not None:
                if update in self.processed:
                    return False
                self.processed[update] = (answer.learner_id, answer.answered_at)
            self.answers.append(answer)
        stored = self.sessions[session.id]
        stored.position, stored.finished_at = session.position, session.finished_at
        stored.offline_told = session.offline_told
        stored.flags, stored.spent, stored.shown_at = list(session.flags), list(session.spent), session.shown_at
        stored.submitted = session.submitted
        return True

    async def history(self, learner_id: int) -> list[Answer]:
        return [a for a in self.answers if a.learner_id == learner_id]

    async def tallies(self) -> dict[str, tuple[int, int]]:
        firsts: dict[tuple[int, str], bool] = {}
        for a in self.answers:
            firsts.setdefault((a.learner_id, a.question_id), a.correct)
        out: dict[str, tuple[int, int]] = {}
        for (_, qid), right in firsts.items():
            n, k = out.get(qid, (0, 0))
            out[qid] = (n + 1, k + right)
        return out

    async def forms(self, learner_id: int) -> list[Session]:
        return [self._load(s) for s in self.sessions.values()
                if s.learner_id == learner_id and s.mode in FULL_LENGTH]

    async def expired_sessions(self, now: datetime) -> list[Session]:
        return [self._load(s) for s in self.sessions.values() if s.expired(now)]

    async def seen_update(self, update) -> bool:
        return update in self.processed

    async def record_update(self, update, learner_id: int | None, at: datetime) -> bool:
        if update in self.processed:
            return False
        self.processed[update] = (learner_id, at)
        return True

    async def prune_updates(self, before: datetime) -> int:
        old = [k for k, (_, at) in self.processed.items() if at < before]
        for k in old:
            del self.processed[k]
        return len(old)

    async def beat(self, now: datetime) -> datetime | None:
        last, self.last_beat = self.last_beat, now
        return last

    async def add_outage(self, started_at: datetime, ended_at: datetime) -> None:
        if all(start != started_at for start, _ in self.outage_list):
            self.outage_list.append((started_at, ended_at))

    async def outages(self, since: datetime) -> list[tuple[datetime, datetime]]:
        return [o for o in self.outage_list if o[1] >= since]

    async def prune_outages(self, before: datetime) -> int:
        kept = [o for o in self.outage_list if o[1] >= before]
        gone, self.outage_list = len(self.outage_list) - len(kept), kept
        return gone

    async def warnings_due(self, now: datetime, within: timedelta) -> list[Session]:
        return [self._load(s) for s in self.sessions.values() if not s.finished and s.warned_at is None
                and s.deadline is not None and now < s.deadline <= now + within]

    async def claim_warning(self, session_id: int, now: datetime) -> bool:
        stored = self.sessions[session_id]
        if stored.warned_at is not None:
            return False
        stored.warned_at = now
        return True

    async def forget(self, learner_id: int) -> None:
        self.processed = {k: v for k, v in self.processed.items() if v[0] != learner_id}
        self.identities = {k: v for k, v in self.identities.items() if v != learner_id}
        self.sessions = {k: v for k, v in self.sessions.items() if v.learner_id != learner_id}
        self.answers = [a for a in self.answers if a.learner_id != learner_id]
        self.exams.pop(learner_id, None)


class InMemoryPlanStore:
    """The PlanStore port in memory."""

    def __init__(self) -> None:
        self.plans: dict[int, tuple] = {}
        self.targets: dict[str, PushTarget] = {}
        self.claims: dict[tuple[str, date], tuple[datetime, datetime | None]] = {}  # -> (claimed_at, sent_at)
        self.miss_labels: dict[tuple[int, int], str] = {}

    async def exam_date(self, learner_id: int):
        return self.plans.get(learner_id, (None, False))

    async def set_exam_date(self, learner_id: int, exam_date: date, explicit: bool) -> None:
        self.plans[learner_id] = (exam_date, explicit)

    async def target(self, channel: str) -> PushTarget | None:
        return self.targets.get(channel)

    async def targets_of(self, learner_id: int) -> list[PushTarget]:
        return sorted((t for t in self.targets.values() if t.learner_id == learner_id), key=lambda t: t.channel)

    async def save_target(self, target: PushTarget) -> None:
        self.targets[target.channel] = target

    async def due_targets(self, now: datetime, limit: int) -> list[PushTarget]:
        due = [t for t in self.targets.values() if not t.paused and not t.unreachable
               and t.next_push_at is not None and t.next_push_at <= now]
        return sorted(due, key=lambda t: t.next_push_at)[:limit]

    async def claim(self, channel: str, day: date, now: datetime, lease: timedelta) -> bool:
        held = self.claims.get((channel, day))
        if held is not None and (held[1] is not None or held[0] > now - lease):
            return False
        self.claims[(channel, day)] = (now, None)
        return True

    async def confirm(self, target: PushTarget, day: date, now: datetime) -> None:
        if (target.channel, day) in self.claims:
            self.claims[(target.channel, day)] = (self.claims[(target.channel, day)][0], now)
        stored = self.targets.get(target.channel)
        if stored is not None:
            self.targets[target.channel] = replace(stored, last_pushed=target.last_pushed,
                                                   next_push_at=target.next_push_at, unreachable=target.unreachable)

    async def release(self, channel: str, day: date) -> None:
        if self.claims.get((channel, day), (None, None))[1] is None:
            self.claims.pop((channel, day), None)

    async def prune_claims(self, before: date) -> int:
        kept = {k: v for k, v in self.claims.items() if k[1] >= before and k[0] in self.targets}
        pruned, self.claims = len(self.claims) - len(kept), kept
        return pruned

    async def labels(self, session_id: int) -> dict[int, str]:
        return {p: s for (sid, p), s in self.miss_labels.items() if sid == session_id}

    async def add_label(self, learner_id: int, session_id: int, position: int, stage: str) -> bool:
        if (session_id, position) in self.miss_labels:
            return False
        self.miss_labels[(session_id, position)] = stage
        return True

    async def forget(self, learner_id: int) -> None:
        self.plans.pop(learner_id, None)
        channels = {c for c, t in self.targets.items() if t.learner_id == learner_id}
        self.claims = {k: v for k, v in self.claims.items() if k[0] not in channels}
        self.targets = {c: t for c, t in self.targets.items() if c not in channels}


class InMemoryReviewStore:
    """The ReviewStore port in memory."""

    def __init__(self) -> None:
        self.cards_by_key: dict[tuple[int, str], Card] = {}
        self.reviews: list[Review] = []

    async def card(self, learner_id: int, question_id: str) -> Card | None:
        return self.cards_by_key.get((learner_id, question_id))

    async def cards(self, learner_id: int) -> list[Card]:
        return [c for (lid, _), c in self.cards_by_key.items() if lid == learner_id]

    async def logged(self, learner_id: int) -> set[tuple[int, int]]:
        return {(r.session_id, r.position) for r in self.reviews if r.learner_id == learner_id}

    async def logs(self, learner_id: int, question_ids: set[str]) -> list[Review]:
        return [r for r in self.reviews if r.learner_id == learner_id and r.question_id in question_ids]

    async def save(self, cards: list[Card], reviews: list[Review]) -> bool:
        keys = {(r.session_id, r.position) for r in self.reviews}
        if any((r.session_id, r.position) in keys for r in reviews):
            return False
        self.reviews += reviews
        self.cards_by_key.update({(c.learner_id, c.question_id): c for c in cards})
        return True

    async def forget(self, learner_id: int) -> None:
        self.cards_by_key = {k: c for k, c in self.cards_by_key.items() if k[0] != learner_id}
        self.reviews = [r for r in self.reviews if r.learner_id != learner_id]


class InMemoryRoundStore:
    """The RoundStore port in memory; copies on the way in and out, as a database would."""

    def __init__(self) -> None:
        self.rounds: dict = {}  # round id -> core.rounds.engine.Round, answers kept apart as in the database
        self.answers: list = []  # core.rounds.engine.RoundAnswer
        self.selections: dict[tuple[int, int, int], list[int]] = {}
        self.chat_settings: dict = {}  # chat -> core.rounds.engine.RoundSettings
        self._question_ids = itertools.count(1)

    def _load(self, rnd):
        out = copy.deepcopy(rnd)
        out.answers = sorted((a for a in self.answers if a.round_id == rnd.id), key=lambda a: a.answered_at)
        return out

    async def settings(self, chat: str):
        return self.chat_settings.get(chat)

    async def save_settings(self, chat: str, settings) -> None:
        self.chat_settings[chat] = settings

    async def live_round(self, chat: str):
        live = [r for r in self.rounds.values() if r.chat == chat and not r.finished]
        return self._load(live[-1]) if live else None

    async def create_round(self, rnd):
        if await self.live_round(rnd.chat) is not None:
            return None
        rnd.id = len(self.rounds) + 1
        for question in rnd.questions:
            question.id = next(self._question_ids)
        self.rounds[rnd.id] = copy.deepcopy(rnd)
        return rnd

    async def save(self, rnd, closes: int | None = None) -> bool:
        stored = self.rounds[rnd.id]
        if stored.finished_at is not None or (closes is not None and stored.questions[closes].closed_at is not None):
            return False  # another caller took this step first (the SQL store's compare-and-set)
        stored.position, stored.finished_at, stored.stopped = rnd.position, rnd.finished_at, rnd.stopped
        for question in rnd.questions:
            if question.id is None:
                question.id = next(self._question_ids)
                stored.questions.append(copy.deepcopy(question))
            else:
                stored.questions[question.position].closed_at = question.closed_at
        return True

    async def record_answer(self, answer) -> bool:
        if any((a.round_id, a.position, a.member_id) == (answer.round_id, answer.position, answer.member_id)
               for a in self.answers):
            return False
        self.answers.append(answer)
        return True

    async def selection(self, round_id: int, position: int, member_id: int) -> list[int]:
        return list(self.selections.get((round_id, position, member_id), []))

    async def save_selection(self, round_id: int, position: int, member_id: int, picks: list[int]) -> None:
        self.selections[(round_id, position, member_id)] = list(picks)

    async def set_message(self, round_id: int, position: int, message_ref: str) -> None:
        self.rounds[round_id].questions[position].message_ref = message_ref

    async def due_rounds(self, now: datetime):
        return [self._load(r) for r in self.rounds.values() if r.due(now)]

    async def forget(self, member_id: int) -> None:
        for rnd in self.rounds.values():
            if rnd.starter_id == member_id:
                rnd.starter_id, rnd.starter_name = None, "a former member"
        self.answers = [a for a in self.answers if a.member_id != member_id]
        self.selections = {k: v for k, v in self.selections.items() if k[2] != member_id}

    async def answers_since(self, chat: str, since: datetime):
        ids = {r.id for r in self.rounds.values() if r.chat == chat}
        return sorted((a for a in self.answers if a.round_id in ids and a.answered_at >= since),
                      key=lambda a: a.answered_at)


class OutageStore:
    """A store whose database goes away: while `down`, every call but `learner` raises, as asyncpg does when
    PostgreSQL restarts (or SQLite when another process holds the file locked)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.down = False

    def __getattr__(self, name: str):
        attr = getattr(self.inner, name)
        if not self.down or name == "learner":
            return attr

        async def fail(*args, **kwargs):
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
        return fail


class InMemorySecretStore:
    """The SecretStore port in memory: the first candidate for a name is kept."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    async def secret(self, name: str, candidate: str) -> str:
        return self.values.setdefault(name, candidate)
