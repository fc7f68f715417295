"""Raw Discord payloads and a recording HTTP layer, so real discord.py objects run with no network.

Written against discord.py 2.7 (pyproject pins >=2.7,<2.8). The seams are discord.py internals:
HTTPClient.request (REST), AsyncWebhookAdapter.request (interaction responses and follow-ups),
ConnectionState.parse_interaction_create (the gateway's INTERACTION_CREATE) and CommandTree._call.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any

import discord
from discord.webhook.async_ import AsyncWebhookAdapter

from tests.adapters.discord.fakes import ANN, CHANNEL, GUILD

APP_ID = 4242
BOT_USER = {"id": str(APP_ID), "username": "mla-coach", "discriminator": "0", "avatar": None, "bot": True}
_ids = itertools.count(900_000)


def user(user_id: int = ANN) -> dict[str, Any]:
    return {"id": str(user_id), "username": f"learner{user_id}", "discriminator": "0", "avatar": None,
            "global_name": None}


def message(components: list[dict], embeds: list[dict] | None = None, content: str = "") -> dict[str, Any]:
    """A message as Discord returns it: the bot's, in the study channel."""
    return {"id": str(next(_ids)), "channel_id": str(CHANNEL), "author": BOT_USER, "content": content,
            "timestamp": "2026-11-28T09:00:00+00:00", "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": embeds or [], "pinned": False, "type": 0, "components": components, "flags": 64}


def interaction(kind: int, data: dict[str, Any], *, user_id: int = ANN, **extra: Any) -> dict[str, Any]:
    """An INTERACTION_CREATE payload from a learner in a guild text channel."""
    return {"id": str(next(_ids)), "application_id": str(APP_ID), "type": kind, "token": f"token-{next(_ids)}",
            "version": 1, "guild_id": str(GUILD), "app_permissions": "0", "locale": "en-US",
            "attachment_size_limit": 8_388_608, "entitlements": [], "authorizing_integration_owners": {"0": str(GUILD)},
            "context": 0,
            "channel": {"id": str(CHANNEL), "type": 0, "guild_id": str(GUILD), "name": "study", "position": 0,
                        "permission_overwrites": [], "nsfw": False, "parent_id": None},
            "channel_id": str(CHANNEL),
            "member": {"user": user(user_id), "roles": [], "joined_at": "2026-01-01T00:00:00+00:00",
                       "deaf": False, "mute": False, "flags": 0, "permissions": "0"},
            "data": data, **extra}


def slash(name: str, **options: Any) -> dict[str, Any]:
    kinds = {str: 3, int: 4}
    return interaction(2, {"id": "1", "name": name, "type": 1, "options": [
        {"name": key, "type": kinds[type(value)], "value": value} for key, value in options.items()]})


def autocomplete(name: str, option: str, typed: str) -> dict[str, Any]:
    return interaction(4, {"id": "1", "name": name, "type": 1, "options": [
        {"name": option, "type": 3, "value": typed, "focused": True}]})


def component(sent: dict[str, Any], custom_id: str, values: list[str] | None = None, **who: Any) -> dict[str, Any]:
    """A click on a component of a message the bot sent (`sent` is the JSON body of that send)."""
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2 if values is None else 3}
    if values is not None:
        data["values"] = values
    return interaction(3, data, message=message(sent.get("components", []), sent.get("embeds")), **who)


@dataclass
class Call:
    method: str
    path: str
    body: Any


class Recorder:
    """Stands in for Discord's REST API: answers what login and sync need, and records every call."""

    def __init__(self, gateway_url: str | None = None, recommended_shards: int = 1) -> None:
        self.calls: list[Call] = []
        self.gateway_url, self.recommended_shards = gateway_url, recommended_shards  # GET /gateway/bot

    def install(self, bot: discord.Client, monkeypatch) -> None:
        monkeypatch.setattr(bot.http, "request", self.rest)
        monkeypatch.setattr(AsyncWebhookAdapter, "request", self.webhook)

    async def rest(self, route, **kwargs: Any) -> Any:
        self.calls.append(Call(route.method, route.path, kwargs.get("json")))
        if route.path == "/users/@me":
            return BOT_USER
        if route.path == "/oauth2/applications/@me":
            return {"id": str(APP_ID), "name": "MLA Coach", "description": "", "icon": None, "bot_public": True,
                    "bot_require_code_grant": False, "owner": user(1), "verify_key": "00", "flags": 0}
        if route.path == "/gateway/bot" and self.gateway_url:  # what an AutoShardedClient with no count asks
            return {"url": self.gateway_url, "shards": self.recommended_shards, "session_start_limit": {
                "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}}
        if route.path.endswith("/commands"):
            return []
        if route.path in ("/channels/{channel_id}/messages", "/channels/{channel_id}/messages/{message_id}"):
            return message(kwargs["json"].get("components", []), kwargs["json"].get("embeds"))
        raise AssertionError(f"unexpected REST call {route.method} {route.path}")

    async def webhook(self, route, session, **kwargs: Any) -> Any:
        self.calls.append(Call(route.method, route.path, kwargs.get("payload")))
        if route.path.endswith("/callback"):
            return {"interaction": {"id": str(route.webhook_id), "type": kwargs["payload"]["type"]}}
        return message(kwargs["payload"].get("components", []), kwargs["payload"].get("embeds"))

    def sent(self) -> list[Call]:
        """Messages the learner receives: interaction responses with a message, and follow-ups."""
        return [c for c in self.calls if c.method == "POST" and c.path.startswith("/webhooks/")]

    def responses(self) -> list[Call]:
        return [c for c in self.calls if c.path.endswith("/callback")]

    def edits(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PATCH"]


async def settle() -> None:
    """Wait for the tasks discord.py spawned to dispatch an interaction, and the round counts they drew."""
    ours = ("discord-ui-", "CommandTree-", "round-count-")
    while tasks := [t for t in asyncio.all_tasks() if t.get_name().startswith(ours) and not t.done()]:
        await asyncio.gather(*tasks)


def dispatch(bot: discord.Client, payload: dict[str, Any]) -> None:
    """Hand a payload to discord.py exactly as the gateway's INTERACTION_CREATE would."""
    bot._connection.parse_interaction_create(payload)


async def call_command(bot: discord.Client, payload: dict[str, Any]) -> None:
    """Run a slash command through the CommandTree: option parsing, checks, then the callback."""
    await bot.tree._call(discord.Interaction(data=payload, state=bot._connection))
