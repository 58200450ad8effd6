"""Every reply goes through here: built inside Discord's limits, and acknowledged within Discord's window.

Discord rejects a message whose embed title passes 256 characters, description 4,096, a field 1,024 (name 256),
more than 25 fields, footer 2,048, 10 embeds, 6,000 characters across a message's embeds, or content over 2,000
(400/50035), and forgets an interaction not acknowledged within 3 seconds (404/10062). `fit_*` clip what would
pass a limit (saying so) so an invalid payload is never built; `defer_if_slow` defers when storage is slow.
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from collections import deque
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import discord

from knowledge.text import N_

from .formatting import Formatter, formatter

log = logging.getLogger(__name__)

TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE = 256, 4096, 25, 256, 1024
FOOTER, AUTHOR, TOTAL, EMBEDS, CONTENT = 2048, 256, 6000, 10, 2000
CLIPPED = "…"
SHORTENED = N_("(shortened to fit Discord)")
PLACEHOLDER = N_("Couldn't answer this one; the reason went to you privately.")
NOT_YOURS = N_("These pages belong to someone else's answer.")
# Discord allows 3 s to acknowledge; past this a slow storage call gets a deferral first.
DEFER_AFTER = 1.5
_TIMER, _DEFER, _PUBLIC = "rr_ack_timer", "rr_ack_defer", "rr_ack_public"
_CACHED_LEN = 256  # longer free text is escaped without being kept in a cache
# A bracket not already escaped: preceded by an even number of backslashes (escape_markdown doubles them).
_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]])")
# What may stand in a link target unencoded; anything else (spaces of every kind, brackets, <>, quotes) is
# percent-encoded so the target cannot end early and let the rest be read as markdown.
_URL_SAFE = ":/?#@!$&'*+,;=%~-._"


def clip(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - len(CLIPPED)] + CLIPPED


def embed_size(embed: discord.Embed) -> int:
    """What Discord counts toward the 6,000: title, description, field names and values, footer, author."""
    size = len(embed.title or "") + len(embed.description or "")
    size += sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    size += len(embed.footer.text or "") if embed.footer else 0
    size += len(embed.author.name or "") if embed.author else 0
    return size


def _within(embed: discord.Embed, fields: Sequence[Any], budget: int) -> bool:
    """One look at every limit, for the usual case where nothing needs clipping."""
    if len(fields) > FIELDS or len(embed.title or "") > TITLE or len(embed.description or "") > DESCRIPTION:
        return False
    if embed.author and len(embed.author.name or "") > AUTHOR:
        return False
    footer = embed.footer.text if embed.footer else None
    if footer and len(footer) > FOOTER:
        return False
    size = len(embed.title or "") + len(embed.description or "") + len(footer or "")
    size += len(embed.author.name or "") if embed.author else 0
    for f in fields:
        name, value = f.name or "", f.value or ""
        if not name or not value or len(name) > FIELD_NAME or len(value) > FIELD_VALUE:
            return False  # Discord refuses an empty field name or value too
        size += len(name) + len(value)
    return size <= budget


def shown_to(interaction: discord.Interaction, *, public: bool) -> Formatter:
    """The language of a message: the member's when only they see it, the server's when the channel does
    (as commands._common.fmt chooses; a DM has no server language, so it is the member's)."""
    guild_locale = getattr(interaction, "guild_locale", None) if public else None
    return formatter(guild_locale if guild_locale is not None else interaction.locale)


def fit_embed(embed: discord.Embed, budget: int = TOTAL, f: Formatter | None = None) -> discord.Embed:
    """Clip the embed in place to Discord's limits and to `budget` characters in all; returns it.

    Whole fields are dropped from the end before the description is cut, and the footer then says so, in the
    language of `f` (English without one).
    """
    if _within(embed, embed.fields, budget):
        return embed
    embed.title = clip(embed.title, TITLE)
    embed.description = clip(embed.description, DESCRIPTION)
    footer = embed.footer.text if embed.footer else None
    if embed.author and embed.author.name:
        embed.set_author(name=clip(embed.author.name, AUTHOR), url=embed.author.url, icon_url=embed.author.icon_url)
    fields = [
        (clip(f.name, FIELD_NAME) or "\u200b", clip(f.value, FIELD_VALUE) or "\u200b", f.inline) for f in embed.fields
    ]
    shortened = len(fields) > FIELDS
    fields = fields[:FIELDS]
    _set_fields(embed, fields)
    if footer:
        embed.set_footer(text=clip(footer, FOOTER))
    target = budget
    if shortened or embed_size(embed) > budget:
        shortened = True
        said = f.gettext(SHORTENED) if f is not None else SHORTENED
        target = budget - len(said) - 1
    while embed_size(embed) > target and fields:
        fields.pop()
        _set_fields(embed, fields)
    if embed_size(embed) > target and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - (embed_size(embed) - target)))
    if shortened:
        embed.set_footer(text=clip(f"{footer} {said}" if footer else said, FOOTER))
        if embed_size(embed) > budget:
            embed.set_footer(text=None)
    return embed


def _set_fields(embed: discord.Embed, fields: Sequence[tuple[str, str, bool]]) -> None:
    embed.clear_fields()
    for name, value, inline in fields:
        embed.add_field(name=name, value=value, inline=inline)


def fit_message(
    content: str | None, embeds: Iterable[discord.Embed], f: Formatter | None = None
) -> tuple[str | None, list[discord.Embed]]:
    """Content within 2,000 characters; at most 10 embeds sharing 6,000 characters (later ones shrink first).
    `f`: the message's language, for the note that something was shortened (English without one)."""
    kept = list(embeds)[:EMBEDS]
    for e in kept:
        fit_embed(e, f=f)
    if len(kept) < 2:
        return clip(content, CONTENT), kept
    total = sum(embed_size(e) for e in kept)
    for e in reversed(kept):
        if total <= TOTAL:
            break
        before = embed_size(e)
        fit_embed(e, max(0, before - (total - TOTAL)), f)
        total -= before - embed_size(e)
    return clip(content, CONTENT), kept


def add_long_field(embed: discord.Embed, name: str, lines: Iterable[str], f: Formatter | None = None) -> None:
    """Add lines as one field, continued in more fields when they pass Discord's 1,024-character limit (their
    names say "continued" in the language of `f`; English without one)."""
    chunk: list[str] = []
    size = 0
    heading = name
    for line in lines:
        line = clip(line, FIELD_VALUE - 1) or ""
        if size + len(line) + 1 > FIELD_VALUE and chunk:
            embed.add_field(name=heading, value="\n".join(chunk), inline=False)
            heading, chunk, size = (f or formatter()).t("{name} (cont.)", name=name), [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        embed.add_field(name=heading, value="\n".join(chunk), inline=False)


def pages(
    title: str,
    lines: Iterable[str],
    *,
    colour: discord.Colour,
    footer: str | None = None,
    per_page: int = DESCRIPTION - 200,
    f: Formatter | None = None,
) -> list[discord.Embed]:
    """Lines packed into as many embeds (one a page) as they need; each well inside Discord's limits. Titles
    number the pages in the language of `f` (English without one)."""
    f = f or formatter()
    packed: list[list[str]] = [[]]
    size = 0
    for line in lines:
        line = clip(line, per_page) or ""
        if packed[-1] and size + len(line) + 1 > per_page:
            packed.append([])
            size = 0
        packed[-1].append(line)
        size += len(line) + 1
    out = []
    for n, chunk in enumerate(packed, 1):
        heading = title if len(packed) == 1 else f.t("{title} ({page}/{pages})", title=title, page=n, pages=len(packed))
        embed = discord.Embed(title=clip(heading, TITLE), description="\n".join(chunk) or None, colour=colour)
        if footer:
            embed.set_footer(text=footer)
        out.append(fit_embed(embed, f=f))
    return out


# --------------------------------------------------------------------------- acknowledging in time
class _Deferrals:
    """The armed deferrals of one event loop, served by ONE timer: every deferral waits the same DEFER_AFTER, so
    arming order is deadline order, and arming costs an append rather than a timer of its own (asyncio keeps
    each timer in a heap and wakes for it). A settled answer just blanks its entry.

    The timer itself is started only once the loop comes round (call_soon) with an answer still unsettled: an
    answer built without waiting (cached facts and profile, the usual case) settles before that, so it costs no
    timer at all, and many answers in flight share one check per loop turn."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: deque[list[Any]] = deque()  # [deadline, interaction or None once settled, ephemeral, update]
        self.timer: asyncio.TimerHandle | None = None
        self.live = 0  # entries not yet settled or fired: at 0 the timer is stopped, so an idle loop has none
        self.checking = False  # a _check is scheduled for the next loop turn

    def settled(self, entry: list[Any]) -> None:
        if entry[1] is None:
            return  # fired already
        entry[1] = None  # skipped by the timer (and the interaction is not kept alive meanwhile)
        self.live -= 1
        if self.live == 0:
            self.queue.clear()
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None

    def arm(self, interaction: discord.Interaction, ephemeral: bool, update: bool) -> list[Any]:
        entry: list[Any] = [self.loop.time() + DEFER_AFTER, interaction, ephemeral, update]
        self.queue.append(entry)
        self.live += 1
        if self.timer is None and not self.checking:
            self.checking = True
            self.loop.call_soon(self._check)
        return entry

    def _check(self) -> None:
        self.checking = False
        queue = self.queue
        while queue and queue[0][1] is None:
            queue.popleft()
        if queue and self.timer is None:
            self.timer = self.loop.call_at(queue[0][0], self._due)

    def _due(self) -> None:
        self.timer = None
        now, queue = self.loop.time(), self.queue
        while queue and (queue[0][1] is None or queue[0][0] <= now):
            entry = queue.popleft()
            _deadline, interaction, ephemeral, update = entry
            if interaction is not None:
                entry[1] = None
                self.live -= 1
                _defer_now(self.loop, interaction, ephemeral, update)
        if queue:
            self.timer = self.loop.call_at(queue[0][0], self._due)


_deferrals: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Deferrals] = weakref.WeakKeyDictionary()
_last: _Deferrals | None = None  # the running loop's, found without a weak reference made per answer


def _defer_now(loop: asyncio.AbstractEventLoop, interaction: discord.Interaction, ephemeral: bool, update: bool):
    if not interaction.response.is_done():
        coro = (
            interaction.response.defer() if update else interaction.response.defer(ephemeral=ephemeral, thinking=True)
        )
        interaction.extras[_DEFER] = loop.create_task(coro)
        interaction.extras[_PUBLIC] = not ephemeral and not update


def defer_if_slow(interaction: discord.Interaction, *, ephemeral: bool, update: bool = False) -> None:
    """Arm a deferral that fires if no reply has gone out DEFER_AFTER seconds from now.

    Costs an append when storage is fast (the usual case: see _Deferrals); when it is slow the member sees
    "thinking…" instead of "The application did not respond". `update`: a button press, acknowledged as a
    deferred message edit.
    """
    global _last
    if _TIMER in interaction.extras:
        return  # armed already
    loop = asyncio.get_running_loop()
    deferrals = _last if _last is not None and _last.loop is loop else None
    if deferrals is None:
        deferrals = _deferrals.get(loop)
        if deferrals is None:
            deferrals = _deferrals[loop] = _Deferrals(loop)
        _last = deferrals
    interaction.extras[_TIMER] = (deferrals, deferrals.arm(interaction, ephemeral, update))


async def settle(interaction: discord.Interaction) -> None:
    """Stop the deferral; if it is on its way, let it land before replying."""
    armed = interaction.extras.pop(_TIMER, None)
    if armed is not None:
        armed[0].settled(armed[1])
    task = interaction.extras.pop(_DEFER, None)
    if task is not None:
        try:
            await task
        except discord.HTTPException as exc:
            log.warning("deferring an interaction failed (%s %s)", exc.status, exc.code)


async def reply_private(interaction: discord.Interaction, content: str) -> None:
    """A message only the member sees, even after a public deferral (whose first follow-up Discord would post
    publicly in its place): the public "thinking…" is removed first."""
    await settle(interaction)
    if not interaction.extras.pop(_PUBLIC, False):
        await reply(interaction, clip(content, CONTENT), ephemeral=True)
        return
    # Until the public "thinking…" is completed, a follow-up would become it (and be public). Complete it with a
    # neutral line, send the message privately, then remove the public line.
    await interaction.edit_original_response(content=shown_to(interaction, public=True).gettext(PLACEHOLDER))
    await interaction.followup.send(clip(content, CONTENT) or "", ephemeral=True)
    try:
        await interaction.delete_original_response()
    except discord.HTTPException as exc:
        log.warning("could not remove a public placeholder (%s %s)", exc.status, exc.code)


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    ephemeral: bool,
    embed: discord.Embed | None = None,
    embeds: Sequence[discord.Embed] = (),
    view: discord.ui.View | None = None,
    files: Sequence[discord.File] = (),
    f: Formatter | None = None,
    fitted: bool = False,
) -> None:
    """Send the answer: as the response, or as a follow-up when the interaction was deferred. `f`: the answer's
    language, for a note that it was shortened (by default the member's, or the server's for a public answer).
    `fitted`: content and embeds already went through fit_message (an answer given again), so they are sent as
    they are."""
    await settle(interaction)
    if fitted:
        embeds = [embed] if embed is not None else list(embeds)
    else:
        f = f or shown_to(interaction, public=not ephemeral)
        content, embeds = fit_message(content, [embed] if embed is not None else embeds, f)
    kwargs: dict[str, Any] = {"ephemeral": ephemeral}
    if content is not None:
        kwargs["content"] = content
    if embeds:
        kwargs["embeds"] = embeds
    if view is not None:
        kwargs["view"] = view
    if files:
        kwargs["files"] = list(files)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def edit(
    interaction: discord.Interaction,
    *,
    embeds: Sequence[discord.Embed],
    view: discord.ui.View | None,
    f: Formatter | None = None,
) -> None:
    """Re-render the message a button sits on (after a deferred update, through the original response). `f`: its
    language, for a note that it was shortened (by default the language of the member who pressed)."""
    await settle(interaction)
    _content, fitted = fit_message(None, embeds, f or shown_to(interaction, public=False))
    if interaction.response.is_done():
        await interaction.edit_original_response(embeds=fitted, view=view)
    else:
        await interaction.response.edit_message(embeds=fitted, view=view)


# --------------------------------------------------------------------------- free text from people
def escape(text: str) -> str:
    """What a member or moderator typed, shown as typed: no markdown, no mentions, no autolinks."""
    return _escape_cached(text) if len(text) <= _CACHED_LEN else _escape(text)


@lru_cache(maxsize=4096)  # pure; the same formulas, titles and notes recur in every answer
def _escape_cached(text: str) -> str:
    return _escape(text)


def _escape(text: str) -> str:
    text = discord.utils.escape_markdown(text, as_needed=False)
    text = discord.utils.escape_mentions(text)
    return text.replace("://", ":\u200b//")


def quiet(text: str) -> str:
    """Our own message that may quote what someone typed: markdown and mentions in it are shown as typed."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text, as_needed=True))


def link(title: str, url: str) -> str:
    """A cited source as a markdown link whose text cannot break out of its brackets, nor its target out of its
    parentheses."""
    if len(title) + len(url) > _CACHED_LEN * 4:
        return _link(title, url)
    return _link_cached(title, url)


def _link(title: str, url: str) -> str:
    shown = _BRACKET.sub(r"\1\\\2", escape(title))
    return f"[{shown}]({quote(url, safe=_URL_SAFE)})"


_link_cached = lru_cache(maxsize=1024)(_link)


class PageView(discord.ui.View):
    """◀ ▶ through pages of one long answer (arrows: no language), with "Page 1 of 3" between them in the answer's
    language; only the member who asked may turn them."""

    def __init__(
        self,
        interaction: discord.Interaction,
        embeds: Sequence[discord.Embed],
        timeout: float = 600,
        f: Formatter | None = None,
    ):
        super().__init__(timeout=timeout)
        self.interaction, self.embeds, self.page = interaction, list(embeds), 0
        self.f = f or shown_to(interaction, public=False)
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page == len(self.embeds) - 1
        self.counter.label = self.f.t("Page {page} of {pages}", page=self.page + 1, pages=len(self.embeds))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.interaction.user.id:
            # Said to the member who pressed, in their language.
            text = shown_to(interaction, public=False).gettext(NOT_YOURS)
            await interaction.response.send_message(text, ephemeral=True)
            return False
        return True

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = max(0, min(len(self.embeds) - 1, self.page + step))
        self._sync()
        await interaction.response.edit_message(embed=self.embeds[self.page], view=self)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        await self._turn(interaction, 1)

    async def on_timeout(self) -> None:
        # Expired buttons would fail when pressed: take them away (the token lives 15 minutes, past this timeout).
        try:
            await self.interaction.edit_original_response(view=None)
        except discord.HTTPException:
            pass


async def reply_pages(
    interaction: discord.Interaction, embeds: Sequence[discord.Embed], *, ephemeral: bool, f: Formatter | None = None
) -> None:
    """One page, or the first with ◀ ▶ to turn through the rest; `f`: the pages' language (by default the
    member's, or the server's for public pages)."""
    f = f or shown_to(interaction, public=not ephemeral)
    view = PageView(interaction, embeds, f=f) if len(embeds) > 1 else None
    await reply(interaction, embed=embeds[0], view=view, ephemeral=ephemeral, f=f)
