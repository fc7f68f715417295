"""Fake interactions that record what the adapter sends, and helpers that click like Discord would."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import discord

from adapters.discord import views
from core.grading import LETTERS
from core.model import QuestionType
from tests.answers import right_response, wrong_response

ANN, BOB = 1001, 1002
GUILD, CHANNEL = 5005, 7007


@dataclass
class Sent:
    """One call the adapter made: "defer", "send" (first response), "followup", "edit" or "update"."""

    how: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def content(self) -> str | None:
        return self.kwargs.get("content")

    @property
    def embed(self) -> discord.Embed | None:
        return self.kwargs.get("embed")

    @property
    def view(self) -> discord.ui.View | None:
        return self.kwargs.get("view")

    @property
    def ephemeral(self) -> bool:
        return bool(self.kwargs.get("ephemeral"))

    @property
    def items(self) -> list[Any]:
        """The view's components (DynamicItems wrapping Buttons and Selects), in the order they were added."""
        return list(self.view.children) if self.view else []

    def buttons(self) -> dict[str, Any]:
        return {i.item.label: i for i in self.items if isinstance(i.item, discord.ui.Button)}

    def menus(self) -> list[Any]:
        return [i for i in self.items if isinstance(i.item, discord.ui.Select)]


class FakeResponse:
    def __init__(self, log: list[Sent]) -> None:
        self.log = log
        self.done = False

    def is_done(self) -> bool:
        return self.done

    async def _record(self, how: str, kwargs: dict[str, Any]) -> None:
        assert not self.done, "an interaction can be responded to only once"
        self.done = True
        self.log.append(Sent(how, kwargs))

    async def defer(self, **kwargs: Any) -> None:
        await self._record("defer", kwargs)

    async def send_message(self, content: str | None = None, **kwargs: Any) -> None:
        await self._record("send", {"content": content, **kwargs})

    async def edit_message(self, **kwargs: Any) -> None:
        await self._record("update", kwargs)


class FakeFollowup:
    def __init__(self, response: FakeResponse) -> None:
        self.response = response

    async def send(self, content: str | None = None, **kwargs: Any) -> None:
        assert self.response.done, "a follow-up needs a response (or a deferral) first"
        self.response.log.append(Sent("followup", {"content": content, **kwargs}))


class FakeInteraction:
    """The part of discord.Interaction the adapter uses; everything sent lands in .log."""

    def __init__(self, client: discord.Client, *, user: int = ANN, guild: int | None = GUILD,
                 channel: int = CHANNEL, data: dict[str, Any] | None = None) -> None:
        self.client = client
        self.user = SimpleNamespace(id=user)
        self.guild_id = guild
        self.channel_id = channel
        self.data = data or {}
        self.log: list[Sent] = []
        self.response = FakeResponse(self.log)
        self.followup = FakeFollowup(self.response)

    async def edit_original_response(self, **kwargs: Any) -> None:
        assert self.response.done, "the original response is edited only after responding"
        self.log.append(Sent("edit", kwargs))

    def messages(self) -> list[Sent]:
        """What the learner sees arrive as new messages."""
        return [s for s in self.log if s.how in ("send", "followup")]

    def card(self) -> Sent:
        """The last message carrying a question (an embed with answer components)."""
        return [s for s in self.messages() if s.embed is not None and s.view is not None][-1]

    def text(self) -> str:
        return "\n".join(s.content for s in self.messages() if s.content)


async def command(bot: discord.Client, name: str, /, *, user: int = ANN, guild: int | None = GUILD,
                  **options: Any) -> FakeInteraction:
    """Run a slash command's callback as Discord would after parsing its options."""
    interaction = FakeInteraction(bot, user=user, guild=guild)
    await bot.tree.get_command(name).callback(interaction, **options)
    return interaction


async def click(bot: discord.Client, custom_id: str, *, values: list[str] | None = None, user: int = ANN,
                guild: int | None = GUILD) -> FakeInteraction:
    """Dispatch a component interaction the way discord.py does: match a template, build the item, call it."""
    data = {"custom_id": custom_id, **({"values": values} if values is not None else {})}
    interaction = FakeInteraction(bot, user=user, guild=guild, data=data)
    for template, cls in views.TEMPLATES.items():
        if match := re.fullmatch(template, custom_id):
            base = discord.ui.Select(custom_id=custom_id) if values is not None else discord.ui.Button(
                custom_id=custom_id)
            item = await cls.from_custom_id(interaction, base, match)
            await item.callback(interaction)
            return interaction
    raise AssertionError(f"no dynamic item matches {custom_id!r}; Discord's click would be ignored")


def question(custom_id: str) -> tuple[int, int]:
    """(session id, position) from an answer component's custom_id."""
    _, _, session, position, *_ = custom_id.split(":")
    return int(session), int(position)


def slot_menu(message: Sent, slot: int) -> Any | None:
    return next((m for m in message.menus() if m.custom_id.split(":")[4] == str(slot)), None)


async def answer(bot: discord.Client, card: Sent, response: list[int], **who: Any) -> FakeInteraction:
    """Answer as a learner would: click a letter, fill the multi menu, or pick every slot (paging on) and Submit."""
    menus = card.menus()
    if not menus:
        return await click(bot, card.buttons()[LETTERS[response[0]]].custom_id, **who)
    if menus[0].custom_id.startswith("mla:m:"):
        return await click(bot, menus[0].custom_id, values=[LETTERS[p] for p in response], **who)
    shown = card
    for slot, pick in enumerate(response):
        if slot_menu(shown, slot) is None:
            forward = next(b for label, b in shown.buttons().items() if label.endswith("▶"))
            shown = (await click(bot, forward.custom_id, **who)).log[-1]
        shown = (await click(bot, slot_menu(shown, slot).custom_id, values=[LETTERS[pick]], **who)).log[-1]
    return await click(bot, shown.buttons()["Submit"].custom_id, **who)


def key(store, bank, card: Sent, right: bool = True) -> list[int]:
    """The display positions that answer the card right (or wrong) under its session's shuffle."""
    session_id, position = question(card.items[0].custom_id)
    session = store.sessions[session_id]
    q = bank[session.question_ids[position]]
    pick = right_response if right else wrong_response
    return pick(q, session.orders[position])


def kind(store, bank, card: Sent) -> QuestionType:
    session_id, position = question(card.items[0].custom_id)
    return bank[store.sessions[session_id].question_ids[position]].type


async def drill_to(bot: discord.Client, store, bank, wanted: QuestionType) -> Sent:
    """Start a drill on task 1.1 and answer right until a question of the wanted kind shows."""
    shown = await command(bot, "drill", scope="1.1")
    card = shown.card()
    while kind(store, bank, card) is not wanted:
        card = (await answer(bot, card, key(store, bank, card))).card()
    return card


class FakeChannel:
    """A PartialMessageable stand-in for deliver()."""

    def __init__(self, channel_id: int) -> None:
        self.id = channel_id
        self.sent: list[Sent] = []

    async def send(self, content: str | None = None, **kwargs: Any) -> None:
        self.sent.append(Sent("channel", {"content": content, **kwargs}))
