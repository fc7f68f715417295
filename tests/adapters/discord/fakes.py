"""Fake interactions that record what the adapter sends, and helpers that click like Discord would."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import discord

from adapters.discord.client import DYNAMIC_ITEMS
from core.exam.model import QuestionType
from core.quiz.grading import LETTERS
from tests.answers import right_response, wrong_response

ANN, BOB, CY, DI = 1001, 1002, 1003, 1004
GUILD, CHANNEL, DM = 5005, 7007, 8008
MANAGER = discord.Permissions(manage_guild=True)
ADMIN = discord.Permissions(administrator=True)
MEMBER = discord.Permissions(view_channel=True, send_messages=True, use_application_commands=True)
BOT_CAN_POST = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
_message_ids = itertools.count(950_000)


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
                 channel: int | None = None, data: dict[str, Any] | None = None,
                 permissions: discord.Permissions = MEMBER, app_permissions: discord.Permissions = BOT_CAN_POST,
                 message: int | None = None) -> None:
        self.client = client
        self.user = SimpleNamespace(id=user, display_name=f"U{user}")
        self.guild_id = guild
        self.channel_id = channel if channel is not None else (CHANNEL if guild is not None else DM)
        self.channel = None  # not a thread
        self.data = data or {}
        self.permissions = permissions if guild is not None else discord.Permissions.none()
        self.app_permissions = app_permissions
        self.message = SimpleNamespace(id=message) if message is not None else None
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
                  permissions: discord.Permissions = MEMBER, app_permissions: discord.Permissions = BOT_CAN_POST,
                  **options: Any) -> FakeInteraction:
    """Run a slash command's callback as Discord would after parsing its options."""
    interaction = FakeInteraction(bot, user=user, guild=guild, permissions=permissions,
                                  app_permissions=app_permissions)
    await bot.tree.get_command(name).callback(interaction, **options)
    return interaction


async def click(bot: discord.Client, custom_id: str, *, values: list[str] | None = None, user: int = ANN,
                guild: int | None = GUILD, permissions: discord.Permissions = MEMBER,
                message: int | None = None) -> FakeInteraction:
    """Dispatch a component interaction the way discord.py does: match a template, build the item, call it.

    `message` is the id of the message the component is on (round questions are edited through it)."""
    data = {"custom_id": custom_id, **({"values": values} if values is not None else {})}
    interaction = FakeInteraction(bot, user=user, guild=guild, data=data, permissions=permissions,
                                  message=message)
    found = [(cls, m) for cls in DYNAMIC_ITEMS if (m := cls.__discord_ui_compiled_template__.fullmatch(custom_id))]
    assert len(found) <= 1, f"{custom_id!r} matches several templates: each click would run twice"
    if not found:
        raise AssertionError(f"no dynamic item matches {custom_id!r}; Discord's click would be ignored")
    cls, match = found[0]
    base = discord.ui.Select(custom_id=custom_id) if values is not None else discord.ui.Button(custom_id=custom_id)
    item = await cls.from_custom_id(interaction, base, match)
    await item.callback(interaction)
    return interaction


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


def http_error(kind: type[discord.HTTPException] = discord.Forbidden, code: int = 50007) -> discord.HTTPException:
    """A Forbidden (or NotFound...) as discord.py raises it from a REST response."""
    status = {discord.Forbidden: 403, discord.NotFound: 404}.get(kind, 500)
    return kind(SimpleNamespace(status=status, reason="refused"), {"code": code, "message": "refused by Discord"})


class FakeChannel:
    """A PartialMessageable stand-in: the bot's own messages in one channel, sent and edited through REST."""

    def __init__(self, channel_id: int) -> None:
        self.id = channel_id
        self.sent: list[Sent] = []
        self.messages: dict[int, Sent] = {}  # message id -> the message as it looks now
        self.edits: list[tuple[int, dict[str, Any]]] = []
        self.fail: discord.HTTPException | None = None  # raised by every send and edit

    async def send(self, content: str | None = None, **kwargs: Any) -> SimpleNamespace:
        if self.fail is not None:
            raise self.fail
        message_id = next(_message_ids)
        sent = Sent("channel", {"content": content, **kwargs})
        self.sent.append(sent)
        self.messages[message_id] = Sent("channel", dict(sent.kwargs))
        return SimpleNamespace(id=message_id)

    def get_partial_message(self, message_id: int) -> FakeMessage:
        return FakeMessage(self, message_id)

    def last(self) -> tuple[int, Sent]:
        return list(self.messages.items())[-1]


class FakeMessage:
    def __init__(self, channel: FakeChannel, message_id: int) -> None:
        self.channel, self.id = channel, message_id

    async def edit(self, **kwargs: Any) -> None:
        if self.channel.fail is not None:
            raise self.channel.fail
        if self.id not in self.channel.messages:
            raise http_error(discord.NotFound, 10008)
        self.channel.edits.append((self.id, kwargs))
        self.channel.messages[self.id].kwargs.update(kwargs)


def channels(bot: discord.Client, monkeypatch) -> dict[int, FakeChannel]:
    """Every channel the bot sends to, made on first use (deliver, pushes, round messages)."""
    made: dict[int, FakeChannel] = {}

    def partial(channel_id: int) -> FakeChannel:
        return made.setdefault(channel_id, FakeChannel(channel_id))

    monkeypatch.setattr(bot, "get_partial_messageable", partial)
    return made
