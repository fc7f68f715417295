"""The Discord adapter: slash commands and restart-proof buttons that translate to core service calls."""

from adapters.discord.client import DiscordBot, ShardedDiscordBot
from adapters.discord.runner import DiscordAdapter

__all__ = ["DiscordAdapter", "DiscordBot", "ShardedDiscordBot"]
