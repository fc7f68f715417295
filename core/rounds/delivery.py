"""Putting a round on a chat's screen, the same way on every platform, over a small surface interface.

Each question is ONE message: posted once, edited for the live answer count, edited again for the reveal
(Telegram allows a group about 20 messages a minute; Discord limits a channel's messages too). Its message
id is stored with the question (message_ref), so a reveal after a restart still edits the right message.

A chat's drawing is serialised by a per-chat lock, so a count edit never lands on top of the reveal.

The live count has one strategy on every platform: drawn in the background, newest wins. A member's tap
is answered at once; the count's edit may wait in the platform's rate limiter, and drawn inline it would
hold up the next members' taps and their answer times. While one count edit is on its way, newer counts
replace each other, and only the newest is drawn after it; a count for a question that has closed is not
drawn at all (the reveal is, or is being, drawn).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from core.lockmap import LockMap
from core.rounds.layout import Layout, card_layout, plain_layout, reveal_layout, summary_layout
from core.rounds.service import RoundService
from core.rounds.view import RoundCard, RoundUpdate

log = logging.getLogger(__name__)


class RoundSurface(Protocol):
    """What a chat platform offers the round delivery; `chat` is the core's chat address."""

    per_row: int  # buttons a row may hold

    async def post(self, chat: str, layout: Layout) -> str:
        """Send a new message; return its reference (message id) for later edits."""

    async def edit(self, chat: str, ref: str, layout: Layout) -> bool:
        """Replace a message's text and buttons (none in the layout: take them off); False if it cannot be
        edited (deleted, too old, no access)."""

    async def say(self, chat: str, layout: Layout) -> None:
        """Send text without buttons, split into as many messages as the platform needs."""


class RoundDelivery:
    """Draws one platform's rounds: new questions, live counts, reveals, the end."""

    def __init__(self, rounds: RoundService, surface: RoundSurface) -> None:
        self.rounds = rounds
        self.surface = surface
        self._drawing: LockMap[str] = LockMap()
        self._counts: dict[str, tuple[RoundCard, str | None] | None] = {}  # chat -> newest count not yet drawn
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, chat: str, card: RoundCard) -> None:
        """Post a round's first question (errors reach the caller: it may have to end the round)."""
        async with self._drawing[chat]:
            await self._post_card(chat, card)

    async def deliver(self, update: RoundUpdate) -> None:
        """Show a round update: the reveal edited into the question's message, the next question, the end."""
        chat = update.chat
        async with self._drawing[chat]:
            if update.reveal is not None:
                shown = reveal_layout(update.reveal)
                if update.message_ref is None or not await self.surface.edit(chat, update.message_ref, shown):
                    await self.surface.post(chat, shown)  # never shown (a crash), or its message is gone
            if update.next is not None:
                await self._post_card(chat, update.next)
            if update.end is not None:
                await self.surface.say(chat, summary_layout(update.end))

    async def say(self, chat: str, paragraphs: list[str]) -> None:
        await self.surface.say(chat, plain_layout(paragraphs))

    def show_count(self, chat: str, live: RoundCard, ref: str | None) -> None:
        """Draw a question's new answer count in the background (see the module's docstring)."""
        drawing = chat in self._counts
        self._counts[chat] = (live, ref)
        if not drawing:
            task = asyncio.create_task(self._draw_counts(chat), name=f"round-count-{chat}")
            self._tasks.add(task)
            task.add_done_callback(self._count_drawn)

    async def settle(self) -> None:
        """Wait until every count in flight is drawn (tests, and a graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _post_card(self, chat: str, card: RoundCard) -> None:
        ref = await self.surface.post(chat, card_layout(card, self.surface.per_row))
        await self.rounds.set_message(card.round_id, card.position, ref)

    async def _draw_counts(self, chat: str) -> None:
        try:
            while (newest := self._counts[chat]) is not None:
                self._counts[chat] = None
                live, ref = newest
                async with self._drawing[chat]:
                    if ref is not None and await self.rounds.is_open(chat, live.round_id, live.position):
                        await self.surface.edit(chat, ref, card_layout(live, self.surface.per_row))
        finally:
            del self._counts[chat]

    def _count_drawn(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("could not draw a round's live count: %r", task.exception())
