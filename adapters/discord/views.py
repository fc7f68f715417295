"""Buttons and menus as DynamicItems: each click is decoded from its custom_id and handed to the core.

No state lives in View objects: a View is only the envelope that carries the items to Discord, and a
click is matched against the templates in DYNAMIC_ITEMS (with rounds.py's, client.DYNAMIC_ITEMS),
registered once in setup_hook. A command button runs its command through the core's dispatcher, with the
clicker's rights, like a slash command.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Self

import discord

from adapters.discord import ids, render
from adapters.discord.host import Interaction
from core.commands import Chat, Surface, by_button
from core.dispatch import Caller
from core.quiz.grading import LETTERS
from core.quiz.service import STALE, QuizService
from core.reply import FAILED, QuestionCard, Reply

log = logging.getLogger(__name__)
PLATFORM = "discord"
NOT_YOURS = "This confirmation belongs to someone else."
NAME_LIMIT = 64
USER = "user:"  # "discord:user:<id>" addresses a member's DMs


def private(interaction: Interaction) -> bool:
    """Personal output is ephemeral in guild channels; a direct message is private already."""
    return interaction.guild_id is not None


def channel_of(interaction: Interaction) -> str:
    """The channel itself: a group round's chat, or whose push settings a command changes."""
    return f"{PLATFORM}:{interaction.channel_id}"


def personal_channel(interaction: Interaction) -> str:
    """Where a learner's own session sends a report nobody asked for (a timed session's deadline): the
    DM they are in, or, from a server channel, a direct message to them, since feedback there is private."""
    if interaction.guild_id is None:
        return channel_of(interaction)
    return f"{PLATFORM}:{USER}{interaction.user.id}"


async def learner_of(interaction: Interaction) -> int:
    """The core's learner id for whoever caused the interaction (created on first sight)."""
    return await interaction.client.service.learner(PLATFORM, str(interaction.user.id))


def caller_of(interaction: Interaction) -> Awaitable[Caller]:
    """The core's view of who caused the interaction and where."""
    async def build() -> Caller:
        chat = Chat.PRIVATE if interaction.guild_id is None else Chat.GROUP
        return Caller(await learner_of(interaction), Surface.DISCORD, channel_of(interaction), chat,
                      personal=personal_channel(interaction), manager=manages(interaction),
                      name=name_of(interaction))
    return build()


async def run_button(interaction: Interaction, text: str) -> None:
    """A Reply.buttons click: the command runs for the clicker; a refusal is a private notice."""
    name, _, arg = text.removeprefix("/").partition(" ")
    if not by_button(name):
        await refuse(interaction, STALE)
        return
    await interaction.response.defer()
    reply = await interaction.client.dispatcher.run(await caller_of(interaction), name, arg or None)
    if reply.refused:
        await refuse(interaction, reply.text)
        return
    await reply_to(interaction, reply)


def manages(interaction: Interaction) -> bool:
    """Whether the member may change the channel's shared settings: Manage Server or Administrator."""
    permissions = interaction.permissions
    return interaction.guild_id is not None and (permissions.manage_guild or permissions.administrator)


def name_of(interaction: Interaction) -> str:
    """The member's name as the server shows it, for round standings."""
    user = interaction.user
    return (getattr(user, "display_name", None) or str(user.id))[:NAME_LIMIT]


def message(chunk: render.Chunk, items: Iterable[type[discord.ui.DynamicItem]] | None = None, *,
            drop_buttons: bool = False) -> dict[str, Any]:
    """Keyword arguments for send/edit calls; only the parts the chunk has. `drop_buttons` makes an edit
    without rows take the old buttons off."""
    kwargs = chunk.parts()
    if chunk.rows:
        kwargs["view"] = build(chunk.rows, items or DYNAMIC_ITEMS)
    elif drop_buttons:
        kwargs["view"] = None
    return kwargs


async def reply_to(interaction: Interaction, reply: Reply, ephemeral: bool | None = None) -> None:
    """Send a Reply: the first message answers the interaction if nothing has yet, the rest follow up.

    Personal replies are ephemeral in a server (see private()); `ephemeral` overrides that."""
    hidden = private(interaction) if ephemeral is None else ephemeral
    for chunk in render.reply_chunks(reply):
        kwargs = message(chunk, interaction.client.dynamic_items)
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs, ephemeral=hidden)
        else:
            await interaction.response.send_message(**kwargs, ephemeral=hidden)


async def refuse(interaction: Interaction, text: str = STALE) -> None:
    """A short private notice for a click that changes nothing."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


async def failed(interaction: Interaction, error: BaseException, what: str) -> None:
    """Log a failure once, with its traceback, and tell the member privately (the core's FAILED wording)
    rather than leave them with Discord's bare "This interaction failed"."""
    log.error("%s failed", what, exc_info=error)
    try:
        await refuse(interaction, FAILED)
    except discord.HTTPException as exc:  # the interaction expired, or Discord is unreachable too
        log.warning("could not tell the member that %s failed: %s", what, exc)


def picked_values(interaction: Interaction) -> list[str]:
    """The values a select menu sent (its options' values, as Discord lists them)."""
    data: Mapping[str, Any] = interaction.data or {}
    values = data.get("values", [])
    return [str(v) for v in values] if isinstance(values, list) else []


class Failsafe:
    """A mixin for DynamicItems: discord.py only logs an exception from a dynamic item's callback (View.on_error
    is not called for them), so each subclass's callback is wrapped to answer the member through failed().
    It also states, for type checkers, what the DynamicItem beside it in each subclass provides."""

    if TYPE_CHECKING:
        template: re.Pattern[str]
        custom_id: str

        def __init__(self, item: discord.ui.Item[Any]) -> None: ...

        async def callback(self, interaction: Interaction) -> None: ...

    def parts(self) -> re.Match[str]:
        """The custom_id's fields, by the template that matched it (so it matches)."""
        found = self.template.fullmatch(self.custom_id)
        assert found is not None, "a dynamic item is made only for a custom_id its template matches"
        return found

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        callback = cls.__dict__.get("callback")
        if callback is None:
            return

        @functools.wraps(callback)
        async def guarded(self, interaction: Interaction) -> None:
            handling = getattr(interaction.client, "handling", contextlib.nullcontext)  # tracked: in flight, latency
            async with handling():
                try:
                    await callback(self, interaction)
                except Exception as exc:
                    await failed(interaction, exc, type(self).__name__)
        setattr(cls, "callback", guarded)  # noqa: B010  (assigning a method, which mypy refuses)


class SafeView(discord.ui.View):
    """A View whose items' failures are answered too (for items that are not dynamic)."""

    async def on_error(self, interaction: Interaction, error: Exception, item: discord.ui.Item, /) -> None:
        await failed(interaction, error, type(item).__name__)


async def submit(interaction: Interaction, session_id: int, position: int, response: list[int], shown: str) -> None:
    """Answer the question; the answered message loses its components, and the core's reply follows."""
    await interaction.response.defer()  # the database may take longer than Discord's 3 seconds
    service = interaction.client.service
    learner = await learner_of(interaction)
    reply = await service.answer(learner, session_id, position, response, from_message=True)
    if reply.refused:  # stale, foreign, repeated or malformed: nothing was recorded
        await refuse(interaction, reply.text)
        return
    await interaction.edit_original_response(content=shown, view=None)
    await reply_to(interaction, reply)


async def _pending_card(interaction: Interaction, session_id: int, position: int) -> QuestionCard | None:
    service = interaction.client.service
    learner = await learner_of(interaction)
    if not await service.is_pending(learner, session_id, position):
        return None
    card = (await service.current(learner)).card
    return card if card and (card.session_id, card.position) == (session_id, position) else None


async def show_picks(interaction: Interaction, session_id: int, position: int, picks: str, page: int,
                     slot: int | None = None) -> None:
    """Redraw an ordering or matching question with the picks so far, at `page` or at the page with `slot`."""
    await interaction.response.defer()
    card = await _pending_card(interaction, session_id, position)
    if card is None or not ids.fits(picks, len(card.choices)):
        await refuse(interaction)
        return
    last = render.card_chunks(card, picks, page if slot is None else slot // render.slots_per_page(card))[-1]
    view = build(last.rows, interaction.client.dynamic_items)
    await interaction.edit_original_response(content=last.content, embed=last.embed, view=view)


# --- the items -------------------------------------------------------------------------------------


class _Decoded(Failsafe):
    """Rebuilt from whatever component Discord sent back: the custom_id holds all the state."""

    @classmethod
    async def from_custom_id(cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /,
                             ) -> Self:
        return cls(item)

    def field(self, name: str) -> str:
        return self.parts()[name]

    def question(self) -> tuple[int, int]:
        return int(self.field("session")), int(self.field("position"))


class AnswerButton(_Decoded, discord.ui.DynamicItem[discord.ui.Button], template=ids.ANSWER):
    """One option of a single-answer question."""

    async def callback(self, interaction: Interaction) -> None:
        choice = int(self.field("choice"))
        await submit(interaction, *self.question(), [choice], f"Your answer: {LETTERS[choice]}")


class MultiMenu(_Decoded, discord.ui.DynamicItem[discord.ui.Select], template=ids.MULTI):
    """A multiple-response question: Discord closes the menu only with exactly `select` picks."""

    async def callback(self, interaction: Interaction) -> None:
        picked = sorted(ids.letters(picked_values(interaction)))
        await submit(interaction, *self.question(), ids.positions(picked), f"Your answer: {' '.join(picked)}")


class SlotMenu(_Decoded, discord.ui.DynamicItem[discord.ui.Select], template=ids.SLOT):
    """The pick for one place in a sequence or one matching prompt."""

    async def callback(self, interaction: Interaction) -> None:
        picked = ids.letters(picked_values(interaction))
        slot, picks = int(self.field("slot")), self.field("picks")
        if len(picked) != 1 or slot >= len(picks):
            await refuse(interaction)
            return
        picks = ids.with_pick(picks, slot, picked[0])
        await show_picks(interaction, *self.question(), picks, 0, slot)


class PageButton(_Decoded, discord.ui.DynamicItem[discord.ui.Button], template=ids.PAGE):
    """Show the other slot menus of a question with more slots than fit one message."""

    async def callback(self, interaction: Interaction) -> None:
        await show_picks(interaction, *self.question(), self.field("picks"), int(self.field("page")))


class SubmitButton(_Decoded, discord.ui.DynamicItem[discord.ui.Button], template=ids.SUBMIT):
    """Send the ordering or matching picks as the answer."""

    async def callback(self, interaction: Interaction) -> None:
        picks = self.field("picks")
        await submit(interaction, *self.question(), ids.positions(picks), render.picks_line(picks, "Your answer"))


class ExplainButton(_Decoded, discord.ui.DynamicItem[discord.ui.Button], template=ids.EXPLAIN):
    """The full rationale of one answer, however many questions later it is clicked."""

    async def callback(self, interaction: Interaction) -> None:
        await interaction.response.defer()
        session, position = self.question()
        reply = await interaction.client.service.explain(await learner_of(interaction), position + 1, session)
        await reply_to(interaction, reply)


ACTIONS: dict[str, Callable[[QuizService, int, str], Awaitable[Reply]]] = {
    "quiz": lambda service, learner, channel: service.quick(learner, channel=channel),
    "drill": lambda service, learner, channel: service.drill(learner, None, channel=channel),
    "diagnostic": lambda service, learner, channel: service.diagnostic(learner, channel=channel),
    "mock": lambda service, learner, channel: service.mock(learner, channel=channel),
    "review": lambda service, learner, channel: service.review(learner, channel=channel),
    "stats": lambda service, learner, channel: service.stats(learner),
    "explain": lambda service, learner, channel: service.explain(learner),
}


class ActionButton(_Decoded, discord.ui.DynamicItem[discord.ui.Button], template=ids.ACTION):
    """A suggested next command; it runs for whoever clicks it."""

    async def callback(self, interaction: Interaction) -> None:
        run = ACTIONS.get(self.field("action"))
        if run is None:
            await refuse(interaction)
            return
        await interaction.response.defer()
        reply = await run(interaction.client.service, await learner_of(interaction), personal_channel(interaction))
        await reply_to(interaction, reply)


class ForgetButton(_Decoded, discord.ui.DynamicItem[discord.ui.Button], template=ids.FORGET):
    """The /forget confirmation: erase, or leave everything as it is."""

    async def callback(self, interaction: Interaction) -> None:
        if int(self.field("user")) != interaction.user.id:
            await refuse(interaction, NOT_YOURS)
            return
        if self.field("confirm") == "no":
            await interaction.response.edit_message(content="Nothing was erased.", view=None)
            return
        await interaction.response.defer()
        reply = await interaction.client.service.forget(await learner_of(interaction))
        await interaction.edit_original_response(content=reply.text, view=None)


class CommandButton(_Decoded, discord.ui.DynamicItem[discord.ui.Button], template=ids.COMMAND):
    """A button the core offered (Reply.buttons): its command runs for whoever clicks, with their rights."""

    async def callback(self, interaction: Interaction) -> None:
        await run_button(interaction, self.field("command"))


class CommandMenu(_Decoded, discord.ui.DynamicItem[discord.ui.Select], template=ids.COMMAND_MENU):
    """A choice among commands the core offered (Reply.menu, e.g. the drill menu): the pick runs as if typed."""

    async def callback(self, interaction: Interaction) -> None:
        picked = picked_values(interaction)
        if len(picked) != 1 or ids.command(picked[0]) is None:  # forged: not one command that fits a button
            await refuse(interaction, STALE)
            return
        await run_button(interaction, picked[0])


class PollButton(_Decoded, discord.ui.DynamicItem[discord.ui.Button], template=ids.POLL):
    """An option of a question of the day: right or wrong, privately, with the explanation; nothing is stored."""

    async def callback(self, interaction: Interaction) -> None:
        correct, choice = int(self.field("correct")), int(self.field("choice"))
        q = interaction.client.service.exams.question(self.field("question"))
        answer = LETTERS[correct]
        if q is not None and correct < q.size:
            answer += f") {q.options[correct].text}"
        lines = [f"✅ Right: {answer}." if choice == correct else
                 f"❌ Not quite: you picked {LETTERS[choice]}; the answer is {answer}."]
        if q is not None:
            lines.append(q.takeaway)
        await interaction.response.send_message(render.escape("\n\n".join(lines)), ephemeral=True)


TEMPLATES: dict[str, type[discord.ui.DynamicItem[Any]]] = {
    ids.ANSWER: AnswerButton, ids.MULTI: MultiMenu, ids.SLOT: SlotMenu, ids.PAGE: PageButton,
    ids.SUBMIT: SubmitButton, ids.EXPLAIN: ExplainButton, ids.ACTION: ActionButton, ids.FORGET: ForgetButton,
    ids.COMMAND: CommandButton, ids.COMMAND_MENU: CommandMenu, ids.POLL: PollButton}
DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = tuple(TEMPLATES.values())


def _item(spec: render.Button | render.Menu, row: int) -> discord.ui.Item:
    if isinstance(spec, render.Button):
        return discord.ui.Button(custom_id=spec.custom_id, label=spec.label, style=spec.style,
                                 disabled=spec.disabled, row=row)
    options = [discord.SelectOption(label=o.label, value=o.value, default=o.default) for o in spec.options]
    return discord.ui.Select(custom_id=spec.custom_id, placeholder=spec.placeholder, options=options,
                             min_values=spec.picks, max_values=spec.picks, row=row)


def build(rows: tuple[render.Row, ...], items: Iterable[type[discord.ui.DynamicItem]] = DYNAMIC_ITEMS,
          ) -> discord.ui.View:
    """A View of DynamicItems for the rows; timeout=None because the state lives in custom_ids, not here.

    `items` are the DynamicItem classes the custom_ids are matched against (rounds.py has its own)."""
    view = SafeView(timeout=None)
    for number, row in enumerate(rows):
        for spec in row:
            if isinstance(spec, render.Link):  # no custom_id: Discord opens the URL and tells the bot nothing
                view.add_item(discord.ui.Button(label=spec.label, url=spec.url, row=number))
                continue
            cls = next(cls for cls in items if cls.__discord_ui_compiled_template__.fullmatch(spec.custom_id))
            view.add_item(cls(_item(spec, number)))
    return view
