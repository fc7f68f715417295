"""The round service: load a chat's round, apply a pure transition, commit, then say what to show.

One chat's requests run one at a time (per-chat locks), so an answer, a stop and the scheduler's tick
never interleave within a chat. Adapters call only this, and render the platform-neutral results.
"""

from __future__ import annotations

import random
from dataclasses import replace

from core.args import parse_number
from core.exam import choice
from core.exam.bank import Bank
from core.exam.exams import Exams
from core.exam.model import QuestionType
from core.lockmap import LockMap
from core.ports import Clock, RoundStore, utcnow
from core.quiz.grading import LETTERS, AnswerFormatError
from core.reply import Reply
from core.rounds import engine as rounds
from core.rounds.engine import (
    ALREADY,
    CLOSED,
    AlreadyAnswered,
    Closed,
    Round,
    RoundArgsError,
    RoundSettings,
)
from core.rounds.view import Reason, RoundReply, RoundUpdate
from core.text import plural

NOT_IN_PRIVATE = "Rounds are for group chats: add me to a group and send /round there."
NO_ROUND = "No round is running here. Start one with /round."
MOVED_ON = "The round moved on just now. Send /stopround again to stop it."


class RoundService:
    """Every rule of group rounds the chat adapters rely on."""

    def __init__(self, exams: Exams | Bank, store: RoundStore, clock: Clock = utcnow,
                 rng: random.Random | None = None):
        # a chat studies one; a round remembers the exam it was drawn from;
        # a single bank serves alone (tests, a one-exam deployment)
        self.exams = exams if isinstance(exams, Exams) else Exams.of(exams)
        self.store = store
        self.clock = clock
        self.rng = rng or random.Random()
        self._locks: LockMap[str] = LockMap()  # an idle chat's lock is freed

    # --- settings --------------------------------------------------------------------------------

    async def settings(self, chat: str) -> RoundSettings:
        return await self.store.settings(chat) or RoundSettings()

    async def exam_of(self, chat: str) -> Bank:
        """The chat's exam (its rounds and question of the day): a manager's choice, else the newest."""
        return self.exams[(await self.settings(chat)).exam]

    def _bank(self, rnd: Round) -> Bank:
        return self.exams[rnd.exam]

    async def choose_exam(self, chat: str, text: str | None) -> Reply:
        """`/exam` in a group shows its exam; `/exam mla-c01` switches it (the dispatcher has checked that
        the sender manages the chat). A live round finishes with the questions it was drawn from."""
        current = await self.exam_of(chat)
        if text is None:
            return choice.menu(self.exams, current, group=True)
        chosen = self.exams.parse(text)
        if chosen is None:
            return choice.unknown(self.exams, text)
        if chosen is current:
            return Reply([f"This chat already studies {chosen.exam.code}."])
        async with self._locks[chat]:
            await self.store.save_settings(chat, replace(await self.settings(chat), exam=chosen.code))
        return Reply(choice.switched(chosen, group=True))

    async def configure(self, chat: str, is_admin: bool, words: list[str]) -> RoundReply:
        """`/roundsettings`, `/roundsettings time 30`, `/roundsettings length 8` (changes: admins only)."""
        current = await self.settings(chat)
        shown = f"Round settings: {current.seconds} s per question, {plural(current.length, 'question')} per round."
        usage = (f"Change them with /roundsettings time {rounds.MIN_SECONDS}-{rounds.MAX_SECONDS} (seconds) or "
                 f"/roundsettings length {rounds.MIN_LENGTH}-{rounds.MAX_LENGTH} (admins only).")
        if not words:
            return RoundReply([shown, usage])
        if not is_admin:
            return RoundReply(["Only an admin can change the round settings.", shown], refused=True)
        key = words[0].lower() if len(words) == 2 else None
        if key == "time":
            value = parse_number(words[1], rounds.MIN_SECONDS, rounds.MAX_SECONDS)
        elif key == "length":
            value = parse_number(words[1], rounds.MIN_LENGTH, rounds.MAX_LENGTH)
        else:
            value = None
        if value is None:
            return RoundReply([usage], refused=True)
        new = replace(current, seconds=value) if key == "time" else replace(current, length=value)
        await self.store.save_settings(chat, new)
        return RoundReply([f"Saved. Round settings: {new.seconds} s per question, "
                           f"{plural(new.length, 'question')} per round (from the next round on)."])

    # --- starting and stopping -------------------------------------------------------------------

    async def start(self, chat: str, member_id: int, name: str, words: list[str]) -> RoundReply:
        """`/round [n] [domain]`: the first question, for everyone; the starter has joined."""
        settings = await self.settings(chat)
        bank = self.exams[settings.exam]
        try:
            length, scope = rounds.parse_args(bank.exam, words, settings.length)
        except RoundArgsError as exc:
            return RoundReply([str(exc)], refused=True)
        async with self._locks[chat]:
            live = await self.store.live_round(chat)
            if live is not None:
                return RoundReply([f"A round is already running here (question {live.position + 1} of "
                                   f"{live.total}). One round per chat at a time: /stopround ends it (its "
                                   "starter or an admin)."], refused=True)
            ids = rounds.choose(bank, scope, length, self.rng)
            if not ids:
                return RoundReply(["No questions fit that scope for a round."], refused=True)
            now = self.clock()
            rnd = rounds.start(bank, chat, member_id, name, ids, now, self.rng, settings.seconds, scope)
            created = await self.store.create_round(rnd)
            if created is None:  # another process started one in between
                return RoundReply(["A round is already running here."], refused=True)
            return RoundReply(card=rounds.card(created, bank))

    async def stop(self, chat: str, member_id: int, is_admin: bool) -> RoundReply:
        """`/stopround`: only the starter or a chat admin; reveals the open question and ends the round."""
        async with self._locks[chat]:
            rnd = await self.store.live_round(chat)
            if rnd is None:
                return RoundReply([NO_ROUND], refused=True)
            if member_id != rnd.starter_id and not is_admin:
                return RoundReply([f"Only {rnd.starter_name}, who started this round, or an admin can stop "
                                   "it."], refused=True)
            update = await self._close(rnd, Reason.STOPPED)
            if update is None:
                return RoundReply([MOVED_ON], refused=True)
            return RoundReply(update=update)

    # --- answering -------------------------------------------------------------------------------

    async def answer(self, chat: str, round_id: int, position: int, member_id: int, name: str,
                     response: list[int]) -> RoundReply:
        """A member's single-answer tap (display positions). Late, repeated or stale taps change nothing."""
        async with self._locks[chat]:
            return await self._answer(chat, round_id, position, member_id, name, response)

    async def toggle(self, chat: str, round_id: int, position: int, member_id: int, choice: int) -> RoundReply:
        """Add or remove one option from the member's pick on a multi-response question (stored, not shown)."""
        async with self._locks[chat]:
            rnd = await self._open(chat, round_id, position, member_id)
            if isinstance(rnd, RoundReply):
                return rnd
            q = self._bank(rnd)[rnd.question_ids[position]]
            if q.type is not QuestionType.MULTI or not 0 <= choice < q.size:
                return RoundReply(ack=CLOSED, refused=True)
            picks = set(await self.store.selection(round_id, position, member_id))
            picks ^= {choice}
            await self.store.save_selection(round_id, position, member_id, sorted(picks))
            return RoundReply(ack=selection_ack(sorted(picks), len(q.correct)))

    async def submit(self, chat: str, round_id: int, position: int, member_id: int, name: str) -> RoundReply:
        """Submit the member's stored pick on a multi-response question."""
        async with self._locks[chat]:
            rnd = await self._open(chat, round_id, position, member_id)
            if isinstance(rnd, RoundReply):
                return rnd
            picks = await self.store.selection(round_id, position, member_id)
            select = len(self._bank(rnd)[rnd.question_ids[position]].correct)
            if len(picks) != select:
                return RoundReply(ack=f"Select {select} options, then tap Submit (you have {len(picks)}).",
                                  refused=True)
            return await self._answer(chat, round_id, position, member_id, name, picks, rnd)

    async def _open(self, chat: str, round_id: int, position: int, member_id: int) -> Round | RoundReply:
        """The round if that question takes this member's answer now, else the refusal to send."""
        rnd = await self.store.live_round(chat)
        if rnd is None or rnd.id != round_id:
            return RoundReply(ack=CLOSED, refused=True)
        try:
            rounds.check_open(rnd, position, member_id, self.clock())
        except Closed:
            return await self._late(rnd)
        except AlreadyAnswered:
            return RoundReply(ack=ALREADY, refused=True)
        return rnd

    async def _late(self, rnd: Round) -> RoundReply:
        """Refuse politely; if the deadline has passed and nobody revealed it yet, reveal it now."""
        update = await self._close(rnd, Reason.TIME) if rnd.due(self.clock()) else None
        return RoundReply(ack=CLOSED, refused=True, update=update)

    async def _answer(self, chat: str, round_id: int, position: int, member_id: int, name: str,
                      response: list[int], rnd: Round | None = None) -> RoundReply:
        rnd = rnd or await self.store.live_round(chat)
        if rnd is None or rnd.id != round_id:
            return RoundReply(ack=CLOSED, refused=True)
        now = self.clock()
        try:
            given = rounds.answer(rnd, self._bank(rnd), member_id, name, position, response, now)
        except Closed:
            return await self._late(rnd)
        except AlreadyAnswered:
            return RoundReply(ack=ALREADY, refused=True)
        except AnswerFormatError as exc:
            return RoundReply(ack=str(exc), refused=True)
        if not await self.store.record_answer(given):
            return RoundReply(ack=ALREADY, refused=True)
        shown = " ".join(LETTERS[p] for p in sorted(response))
        ack = f"Answer recorded: {shown}. The answer is revealed when the question closes."
        if rounds.everyone_answered(rnd):
            return RoundReply(ack=ack, update=await self._close(rnd, Reason.EVERYONE))
        current = rnd.questions[position]
        return RoundReply(ack=ack, live=rounds.card(rnd, self._bank(rnd)), message_ref=current.message_ref)

    # --- closing ---------------------------------------------------------------------------------

    async def _close(self, rnd: Round, reason: Reason) -> RoundUpdate | None:
        """Reveal the open question and move on; None when another process (a replica's scheduler, or one
        handling an answer in the same chat) took this step first, so it is shown once, by that process."""
        closing = rnd.current
        ref = closing.message_ref if closing else None
        reveal = rounds.close(rnd, self._bank(rnd), self.clock(), reason) if closing else None
        if closing is None:
            rounds.finish(rnd, self.clock(), stopped=reason is Reason.STOPPED)
        if not await self.store.save(rnd, closing.position if closing else None):
            return None
        return RoundUpdate(chat=rnd.chat, round_id=rnd.saved_id, reveal=reveal, message_ref=ref,
                           next=None if rnd.finished else rounds.card(rnd, self._bank(rnd)),
                           end=rounds.summary(rnd, self._bank(rnd)) if rnd.finished else None)

    async def due(self) -> list[RoundUpdate]:
        """Reveal every open question past its deadline (also those that passed while the bot was down)
        and move each round on; the caller renders each update in its chat."""
        out = []
        for stale in await self.store.due_rounds(self.clock()):
            async with self._locks[stale.chat]:
                rnd = await self.store.live_round(stale.chat)
                if rnd is not None and rnd.id == stale.id and rnd.due(self.clock()):
                    update = await self._close(rnd, Reason.TIME)
                    out += [update] if update is not None else []
        return out

    async def is_open(self, chat: str, round_id: int, position: int) -> bool:
        """Whether that question still takes answers (an adapter checks before redrawing its live count)."""
        rnd = await self.store.live_round(chat)
        current = rnd.current if rnd is not None and rnd.id == round_id else None
        return rnd is not None and current is not None and current.position == position and not rnd.due(
            self.clock())

    async def set_message(self, round_id: int, position: int, message_ref: str) -> None:
        """Remember the platform message that shows a question (called right after sending it)."""
        await self.store.set_message(round_id, position, message_ref)

    # --- reading ---------------------------------------------------------------------------------

    async def leaderboard(self, chat: str) -> RoundReply:
        """`/leaderboard`: the chat's standings over the last 7 days."""
        answers = await self.store.answers_since(chat, self.clock() - rounds.WEEK)
        if not answers:
            return RoundReply(["No round answers here in the last 7 days. Start one with /round."])
        return RoundReply(leaderboard=rounds.leaderboard(answers))


def selection_ack(picks: list[int], select: int) -> str:
    """The private acknowledgement of a toggle, e.g. "Selected A, C (2 of 2) - tap Submit"."""
    if not picks:
        return f"Nothing selected: pick {select}, then tap Submit."
    letters = ", ".join(LETTERS[p] for p in picks)
    if len(picks) == select:
        return f"Selected {letters} ({len(picks)} of {select}) - tap Submit"
    return f"Selected {letters} ({len(picks)} of {select})"
