"""DiscordBot: the discord.py client, given its QuizService by the composition root."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from adapters.discord import commands, render, views
from core.reply import Reply
from core.service import QuizService

log = logging.getLogger(__name__)
FAILED = "Something went wrong on our side; nothing was lost. Please try again in a moment."


async def command_failed(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
    """Log a failed command and say so, rather than leave Discord's "thinking…" to time out."""
    log.error("/%s failed", interaction.command.name if interaction.command else "?", exc_info=error)
    await views.refuse(interaction, FAILED)


class DiscordBot(discord.Client):
    """Slash commands and persistent components over one QuizService; no message-content intent needed."""

    def __init__(self, service: QuizService, *, guild_id: int | None = None) -> None:
        # Slash commands and components arrive as interactions, which need no privileged intent.
        super().__init__(intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none())
        self.service = service
        self.guild_id = guild_id
        self.tree = app_commands.CommandTree(self)
        self.tree.error(command_failed)
        commands.register(self.tree, service)

    async def setup_hook(self) -> None:
        """Route every component click by its custom_id, then publish the commands."""
        self.add_dynamic_items(*views.DYNAMIC_ITEMS)
        if self.guild_id is None:
            await self.tree.sync()  # global commands can take a while to reach every guild
            return
        # One development guild gets the commands at once.
        guild = discord.Object(self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)

    async def deliver(self, channel: str, reply: Reply) -> None:
        """Send a reply nobody asked for (a timed session's report) to "discord:<channel_id>"."""
        platform, _, channel_id = channel.partition(":")
        if platform != views.PLATFORM or not channel_id.isdigit():
            raise ValueError(f"not a Discord channel: {channel!r}")
        target = self.get_partial_messageable(int(channel_id))
        for chunk in render.reply_chunks(reply):
            await target.send(**views.message(chunk))
