"""DiscordBot: the discord.py client, given its services by the composition root."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import discord
from discord import app_commands

from adapters.discord import commands, exam_views, render, views
from adapters.discord import rounds as group_rounds
from core.dispatch import Dispatcher
from core.reply import Reply
from core.rounds.delivery import RoundDelivery
from core.rounds.view import RoundUpdate

log = logging.getLogger(__name__)
DYNAMIC_ITEMS = views.DYNAMIC_ITEMS + group_rounds.DYNAMIC_ITEMS + exam_views.DYNAMIC_ITEMS


async def command_failed(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
    """Log a failed command once and say so, rather than leave Discord's "thinking…" to time out."""
    await views.failed(interaction, error, f"/{interaction.command.name if interaction.command else '?'}")


class TrackedTree(app_commands.CommandTree):
    """The command tree, with each slash command's handling tracked by the client (in flight, latency)."""

    async def _call(self, interaction: discord.Interaction) -> None:
        # discord.py 2.7 runs every application command through _call, in a task of its own.
        async with self.client.handling():  # type: ignore[attr-defined]
            await super()._call(interaction)


class DiscordBot(discord.Client):
    """Slash commands and persistent components over the quiz, plan and round services.

    No message-content intent is needed: commands and clicks arrive as interactions."""

    def __init__(self, dispatcher: Dispatcher, *, guild_id: int | None = None,
                 handled: Callable[[float], None] | None = None, busy: Callable[[int], None] | None = None,
                 **options: Any) -> None:
        # `options` go to discord.py's client: ShardedDiscordBot's shard_count and shard_ids.
        super().__init__(intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none(),
                         **options)
        assert dispatcher.rounds is not None, "Discord serves rounds: wire a RoundService"
        self.dispatcher = dispatcher
        self.service = dispatcher.quiz
        self.planner = dispatcher.planner
        self.rounds = dispatcher.rounds
        self.guild_id = guild_id
        self.ready = asyncio.Event()  # set on the gateway's READY; the runner waits for it
        self.round_delivery = RoundDelivery(self.rounds, group_rounds.DiscordRoundSurface(self))
        self.dynamic_items = DYNAMIC_ITEMS  # replies are drawn against every template (views.reply_to)
        self.handled, self.busy = handled, busy  # told each interaction's seconds, and +1/-1 as they run
        self.in_flight = 0
        self.idle = asyncio.Event()  # set while no interaction is being handled: stop() waits for it
        self.idle.set()
        self.tree = TrackedTree(self)
        self.tree.error(command_failed)
        commands.register(self.tree, self.service.exams)
        group_rounds.register(self.tree, self.service.exams)

    async def setup_hook(self) -> None:
        """Route every component click by its custom_id, then publish the commands."""
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        if self.guild_id is None:
            await self.tree.sync()  # global commands can take a while to reach every guild
            return
        # One development guild gets the commands at once.
        guild = discord.Object(self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)

    @contextlib.asynccontextmanager
    async def handling(self) -> AsyncIterator[None]:
        """Around one interaction's handling: counts it in flight, and its latency once done."""
        began = time.perf_counter()
        self.in_flight += 1
        self.idle.clear()
        if self.busy:
            self.busy(1)
        try:
            yield
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                self.idle.set()
            if self.busy:
                self.busy(-1)
            if self.handled:
                self.handled(time.perf_counter() - began)

    async def on_ready(self) -> None:
        log.info("Discord adapter running as %s", self.user)
        self.ready.set()

    async def deliver(self, channel: str, reply: Reply) -> bool:
        """Send a reply nobody asked for just now (a timed session's report, a daily push, a question of the
        day) to "discord:<channel_id>". False when the channel cannot be reached (blocked, gone, no access)."""
        platform, _, channel_id = channel.partition(":")
        user_id = channel_id.removeprefix(views.USER)
        if platform != views.PLATFORM or not user_id.isdigit():
            raise ValueError(f"not a Discord channel: {channel!r}")
        try:
            target: discord.abc.Messageable
            if channel_id.startswith(views.USER):  # a member's DMs: reports of sessions begun in a server
                target = await (await self.fetch_user(int(user_id))).create_dm()
            else:
                target = self.get_partial_messageable(int(channel_id))
            for chunk in render.reply_chunks(reply):
                await target.send(**views.message(chunk, DYNAMIC_ITEMS))
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("Discord channel %s unreachable: %s", channel_id, exc)
            return False
        return True

    async def deliver_round(self, update: RoundUpdate) -> None:
        """Show a round update nobody asked for just now (a deadline passed): reveal, next question, end."""
        await self.round_delivery.deliver(update)


class ShardedDiscordBot(DiscordBot, discord.AutoShardedClient):
    """The DiscordBot over several gateway connections: shard_count shards in all (None: as many as Discord
    recommends), of which this process runs shard_ids (None: all of them).

    Every shard feeds the one command tree and the same core services, and every piece of quiz, round and
    plan state lives in the core's stores, so which shard (or which process) carries an event changes
    nothing; replies and unsolicited messages go over REST, which is not tied to a shard."""

    async def on_shard_ready(self, shard_id: int) -> None:
        log.info("Discord shard %d of %d ready", shard_id, self.shard_count)
