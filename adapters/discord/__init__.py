"""The Discord adapter: slash commands and restart-proof buttons that translate to QuizService calls."""

from adapters.discord.client import DiscordBot

__all__ = ["DiscordBot"]
