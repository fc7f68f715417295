"""Study-group rounds in server channels: /round, /stopround, /roundsettings, /leaderboard and the round buttons.

Each question is ONE channel message: sent once, edited for the live answer count, edited again for the
reveal. It is sent with the bot's own channel permissions (not as an interaction response), so the
scheduler can still edit it once every interaction token has expired, and its id is stored with the
question (message_ref), so a reveal after a restart edits the right message. Every tap is acknowledged
privately (ephemeral); a multi-response pick is toggled per member in the database, then submitted.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Self

import discord
from discord import app_commands

from adapters.discord import choices, ids, render, round_render, views
from adapters.discord.host import CoachBot, Interaction
from core.exam.exams import Exams
from core.rounds.engine import MAX_LENGTH, MAX_SECONDS, MIN_LENGTH, MIN_SECONDS
from core.rounds.layout import Layout, leaderboard_layout, plain_layout
from core.rounds.view import RoundReply

log = logging.getLogger(__name__)
NOT_IN_SERVER = "Rounds are for server channels: send /round in a channel of a server I am in."
CANNOT_POST = (f"I cannot post a round here: I need the {round_render.PERMISSIONS} permissions in this channel. "
               "Ask a server admin, then send /round again.")
STARTED = "Round started: the first question is in the channel. Tap your answer there."
STOPPED = "Round stopped."


def channel_id_of(chat: str) -> int:
    return int(chat.removeprefix(f"{views.PLATFORM}:"))


def can_post(interaction: Interaction) -> bool:
    """Whether the bot itself may post and embed in the channel (the round's messages are its own)."""
    allowed = interaction.app_permissions
    in_thread = isinstance(interaction.channel, discord.Thread)
    return allowed.view_channel and allowed.embed_links and (
        allowed.send_messages_in_threads if in_thread else allowed.send_messages)


def _message(chunk: render.Chunk, *, edit: bool = False) -> dict[str, Any]:
    """Keyword arguments for a send or an edit; an edit without rows takes the buttons off."""
    return views.message(chunk, DYNAMIC_ITEMS, drop_buttons=edit)


class DiscordRoundSurface:
    """Round messages as the bot's own channel messages (embeds with buttons), sent and edited over REST."""

    per_row = round_render.PER_ROW

    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot

    async def post(self, chat: str, layout: Layout) -> str:
        channel = self.bot.get_partial_messageable(channel_id_of(chat))
        message = await channel.send(**_message(round_render.chunk(layout)))
        return str(message.id)

    async def edit(self, chat: str, ref: str, layout: Layout) -> bool:
        channel = self.bot.get_partial_messageable(channel_id_of(chat))
        try:
            await channel.get_partial_message(int(ref)).edit(**_message(round_render.chunk(layout), edit=True))
        except discord.HTTPException as exc:
            log.info("could not edit round message %s: %s", ref, exc)
            return False
        return True

    async def say(self, chat: str, layout: Layout) -> None:
        channel = self.bot.get_partial_messageable(channel_id_of(chat))
        for text in round_render.texts(layout):
            await channel.send(**_message(render.Chunk(content=text)))


def _plain(paragraphs: list[str]) -> list[str]:
    return round_render.texts(plain_layout(paragraphs))


async def _say(interaction: Interaction, texts: list[str], ephemeral: bool = True) -> None:
    for text in texts:
        await interaction.followup.send(text, ephemeral=ephemeral)


async def _member(interaction: Interaction) -> tuple[int, str]:
    return await views.learner_of(interaction), views.name_of(interaction)


async def _in_server(interaction: Interaction) -> bool:
    if interaction.guild_id is not None:
        return True
    await interaction.response.send_message(NOT_IN_SERVER)
    return False


# --- commands ----------------------------------------------------------------------------------------


async def start_round(interaction: Interaction, words: list[str]) -> None:
    """/round: the first question goes to the channel as the bot's own message; the starter is told privately."""
    if not await _in_server(interaction):
        return
    if not can_post(interaction):
        await interaction.response.send_message(CANNOT_POST, ephemeral=True)
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    bot, chat = interaction.client, views.channel_of(interaction)
    caller = await views.caller_of(interaction)
    reply = await bot.dispatcher.run(caller, "round", " ".join(words))
    if not isinstance(reply, RoundReply) or reply.card is None:
        await _say(interaction, _plain(reply.paragraphs))
        return
    try:
        await bot.round_delivery.start(chat, reply.card)
    except discord.Forbidden:  # permissions changed since the interaction was created: end the round at once
        await bot.rounds.stop(chat, caller.learner_id, True)
        await _say(interaction, [CANNOT_POST])
        return
    await _say(interaction, [STARTED])


async def stop_round(interaction: Interaction) -> None:
    """/stopround: the starter, or a member with Manage Server; the open question is revealed."""
    if not await _in_server(interaction):
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    reply = await interaction.client.dispatcher.run(await views.caller_of(interaction), "stopround")
    if isinstance(reply, RoundReply) and reply.update is not None:
        await interaction.client.round_delivery.deliver(reply.update)
    await _say(interaction, _plain(reply.paragraphs) if reply.paragraphs else [STOPPED])


async def configure(interaction: Interaction, seconds: int | None, length: int | None) -> None:
    """/roundsettings: show them, or (Manage Server) change the time per question and the round length."""
    if not await _in_server(interaction):
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    dispatcher, caller = interaction.client.dispatcher, await views.caller_of(interaction)
    changes: list[str | None] = [f"{name} {value}" for name, value in (("time", seconds), ("length", length))
                                 if value is not None]
    paragraphs: list[str] = []
    for words in changes or [None]:
        reply = await dispatcher.run(caller, "roundsettings", words)
        paragraphs = reply.paragraphs  # the last reply shows the settings after every change
        if reply.refused:
            break
    await _say(interaction, _plain(paragraphs))


async def leaderboard(interaction: Interaction) -> None:
    """/leaderboard: the channel's week, for everyone to see."""
    if not await _in_server(interaction):
        return
    await interaction.response.defer(ephemeral=False, thinking=True)
    reply = await interaction.client.dispatcher.run(await views.caller_of(interaction), "leaderboard")
    texts = (round_render.texts(leaderboard_layout(reply.leaderboard))
             if isinstance(reply, RoundReply) and reply.leaderboard is not None
             else _plain(reply.paragraphs))
    await _say(interaction, texts, ephemeral=False)


def register(tree: app_commands.CommandTree, exams: Exams) -> None:
    """Add the round commands (server channels only) to the tree; domain suggestions carry the titles of the
    channel's exam."""
    scopes = choices.suggest_scopes(exams, choices.channel_exam)

    @tree.command(name="round")
    @app_commands.describe(questions=f"How many questions ({MIN_LENGTH}-{MAX_LENGTH}; default: this channel's "
                                     "setting)", domain="A domain (2) or task statement (2.1); default: all")
    @app_commands.autocomplete(domain=scopes)
    @app_commands.guild_only()
    async def round_(interaction: discord.Interaction,
                     questions: app_commands.Range[int, MIN_LENGTH, MAX_LENGTH] | None = None,
                     domain: str | None = None) -> None:
        """A quiz round for everyone in this channel: one question at a time, scored for speed."""
        words = ([str(questions)] if questions is not None else []) + ([domain] if domain else [])
        await start_round(interaction, words)

    @tree.command()
    @app_commands.guild_only()
    async def stopround(interaction: discord.Interaction) -> None:
        """Stop this channel's round (its starter, or Manage Server permission)."""
        await stop_round(interaction)

    @tree.command()
    @app_commands.describe(seconds=f"Seconds per question ({MIN_SECONDS}-{MAX_SECONDS}; Manage Server)",
                           length=f"Questions per round ({MIN_LENGTH}-{MAX_LENGTH}; Manage Server)")
    @app_commands.guild_only()
    async def roundsettings(interaction: discord.Interaction,
                            seconds: app_commands.Range[int, MIN_SECONDS, MAX_SECONDS] | None = None,
                            length: app_commands.Range[int, MIN_LENGTH, MAX_LENGTH] | None = None) -> None:
        """This channel's round settings; Manage Server permission changes them."""
        await configure(interaction, seconds, length)

    @tree.command(name="leaderboard")
    @app_commands.guild_only()
    async def leaderboard_(interaction: discord.Interaction) -> None:
        """This channel's round standings over the last 7 days."""
        await leaderboard(interaction)


# --- the buttons -----------------------------------------------------------------------------------


async def tap(interaction: Interaction, reply_for) -> None:
    """Any round button: the member is answered privately; the count is drawn (core/rounds/delivery.py), or
    the reveal."""
    await interaction.response.defer()
    bot, chat = interaction.client, views.channel_of(interaction)
    reply: RoundReply = await reply_for(bot.rounds, chat, *await _member(interaction))
    if reply.ack:
        await interaction.followup.send(render.escape(reply.ack), ephemeral=True)
    if reply.live is not None:
        tapped = str(interaction.message.id) if interaction.message is not None else None
        bot.round_delivery.show_count(chat, reply.live, reply.message_ref or tapped)
    if reply.update is not None:
        await bot.round_delivery.deliver(reply.update)


class _RoundItem(views.Failsafe):
    """Rebuilt from the custom_id alone: the round, the question and the option."""

    @classmethod
    async def from_custom_id(cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /,
                             ) -> Self:
        return cls(item)

    def fields(self) -> tuple[int, int]:
        found = self.parts()
        return int(found["round"]), int(found["position"])

    def choice(self) -> int:
        return int(self.parts()["choice"])


class RoundAnswerButton(_RoundItem, discord.ui.DynamicItem[discord.ui.Button], template=ids.ROUND_ANSWER):
    """A single-answer option of the open question; one answer per member."""

    async def callback(self, interaction: Interaction) -> None:
        (round_id, position), choice = self.fields(), self.choice()
        await tap(interaction, lambda service, chat, member, name: service.answer(
            chat, round_id, position, member, name, [choice]))


class RoundToggleButton(_RoundItem, discord.ui.DynamicItem[discord.ui.Button], template=ids.ROUND_TOGGLE):
    """Add or remove one option from the member's own multi-response pick (kept in the database)."""

    async def callback(self, interaction: Interaction) -> None:
        (round_id, position), choice = self.fields(), self.choice()
        await tap(interaction, lambda service, chat, member, name: service.toggle(
            chat, round_id, position, member, choice))


class RoundSubmitButton(_RoundItem, discord.ui.DynamicItem[discord.ui.Button], template=ids.ROUND_SUBMIT):
    """Submit the member's stored multi-response pick."""

    async def callback(self, interaction: Interaction) -> None:
        round_id, position = self.fields()
        await tap(interaction, lambda service, chat, member, name: service.submit(
            chat, round_id, position, member, name))


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (RoundAnswerButton, RoundToggleButton,
                                                                 RoundSubmitButton)
