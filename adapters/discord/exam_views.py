"""Discord: the keys of a diagnostic or mock (Flag, Previous, Skip, Review screen, Submit under each question;
the review screen's paged grid, the submit confirmation, the walk-through's pages), run by the core
(core/quiz/exam_keys.py).

One DynamicItem serves every key: its custom_id carries act, session and question, so a click works after a
restart. The clicked message becomes what the click shows (ephemeral in a server, as the question was),
and a move's words (flagged, an offline note) come as a private notice. A refused click (another attempt's
key, a question moved away from, a forgery) is a private notice only and changes nothing.
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from adapters.discord import ids, render, views
from adapters.discord.host import Interaction
from core.quiz import key_press
from core.quiz.exam_keys import Act
from core.quiz.exam_service import ExamService
from core.reply import Reply


class ExamKey(views.Failsafe, discord.ui.DynamicItem[discord.ui.Button], template=ids.EXAM_KEY):
    """A key of a diagnostic or mock, for whoever clicks it (the core checks it is theirs)."""

    @classmethod
    async def from_custom_id(cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /,
                             ) -> Self:
        return cls(item)

    async def callback(self, interaction: Interaction) -> None:
        parts = self.parts()
        await interaction.response.defer()  # the database may take longer than Discord's 3 seconds
        learner = await views.learner_of(interaction)
        reply = await key_press.press(ExamService(interaction.client.service), learner, Act(parts["act"]),
                                      int(parts["session"]), int(parts["number"]))
        if reply.refused:
            await views.refuse(interaction, reply.text)
            return
        await show(interaction, reply)


async def show(interaction: Interaction, reply: Reply) -> None:
    """Put what a click shows in place of the clicked message; a card's words come as a private notice. What
    needs more than one message (a long report) follows, and the clicked message loses its buttons."""
    shown = Reply([], card=reply.card) if reply.card is not None else reply
    chunks = render.reply_chunks(shown)
    if len(chunks) == 1:
        chunk = chunks[0]
        view = views.build(chunk.rows, interaction.client.dynamic_items) if chunk.rows else None
        await interaction.edit_original_response(content=chunk.content, embed=chunk.embed, view=view)
    else:
        await interaction.edit_original_response(view=None)
        await views.reply_to(interaction, shown)
    if shown is not reply and reply.paragraphs:
        await interaction.followup.send(render.escape(reply.text), ephemeral=True)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (ExamKey,)
