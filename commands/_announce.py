"""Fact packs and new years in Discord: reading an uploaded pack, its differences, and the new-year announcement.

A new year is announced once per server, whoever brought it (the operator's import, a moderator's import) and
however many processes notice it: the first to record "announced year N" in guild_settings posts. Announcements
are rendered with the server's Formatter (its preferred locale), replies with the moderator's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord
from discord import app_commands

from bot.formatting import Formatter
from bot.replies import fit_message, link
from bot.storage import FactChange, Repository
from knowledge.errors import InputError
from knowledge.facts import YearFacts
from knowledge.packs import MAX_PACK_BYTES, FigureDiff, ImportPlan, kilobytes
from knowledge.updates import JUMP_LIMIT

from ._common import EMBED_COLOUR
from ._facts_render import draft_line, label, percent
from ._render import add_long_field, limits_embed

log = logging.getLogger(__name__)
ANNOUNCE_KEY = "announce_channel"
# The server's language when its announcement channel was set: the bot keeps no server cache (an interactions bot
# needs none), so the yearly announcement, which no interaction carries, is written in this language.
LOCALE_KEY = "guild_locale"
# Discord sends what the uploader's system guessed; a .toml file often comes as octet-stream or with no type.
PACK_TYPES = ("text/", "application/toml", "application/x-toml", "application/octet-stream")


def announced_key(year: int) -> str:
    return f"announced_year:{year}"


async def claim_year(repo: Repository, guild_id: int, year: int) -> bool:
    """True for the one caller, in any process, that gets to announce `year` in this server."""
    return await repo.claim_setting(guild_id, announced_key(year), "1")


async def read_attachment(file: discord.Attachment, name: str) -> bytes:
    """The pack's bytes, after checking its name, type and size (a refusal names the option)."""
    # The error handler shows text params escaped (kind is whatever the uploader's system sent).
    if not file.filename.lower().endswith(".toml"):
        raise InputError("file", "{name} is not a .toml fact pack (see /facts export)", name=name)
    kind = (file.content_type or "").lower()
    if kind and not kind.startswith(PACK_TYPES):
        raise InputError("file", "{name} is {kind}, not a text file", name=name, kind=kind[:60])
    if file.size > MAX_PACK_BYTES:
        raise InputError(
            "file",
            "{name} is {size} KB; a fact pack is at most {limit} KB",
            name=name,
            size=kilobytes(file.size),
            limit=MAX_PACK_BYTES // 1024,
        )
    try:
        return await file.read()
    except discord.HTTPException as exc:
        raise InputError(
            "file", "couldn't download {name} from Discord ({status}); try again", name=name, status=exc.status
        ) from None


def import_embed(
    plan: ImportPlan, name: str | None, f: Formatter, only: Iterable[FigureDiff] | None = None
) -> discord.Embed:
    """The differences a pack brings: the moderator's preview (with `name`), or the announcement of an import."""
    diffs = list(plan.diffs if only is None else only)
    if name:
        title = f.t("Import {name}: {count} change(s)", name=name, count=len(diffs))
    else:
        title = f.t("{count} figure(s) updated", count=len(diffs))
    embed = discord.Embed(title=title[:256], colour=EMBED_COLOUR)
    add_long_field(embed, f.t("Changes"), (change_text(d, f) for d in diffs))
    jumps = [d for d in diffs if d.needs_confirmation]
    if jumps and name:
        add_long_field(
            embed,
            f.t("⚠️ More than {limit} from the year before: check these", limit=percent(JUMP_LIMIT, f)),
            (f"{d.year} {label(d.figure, f)}" for d in jumps),
        )
    if plan.drafts and name:
        add_long_field(
            embed,
            f.t("Drafts: not used for answers until complete"),
            (draft_line(plan.result, year, f) for year in plan.drafts),
        )
    if plan.new_years and name:
        years = ", ".join(str(y) for y in plan.new_years)
        embed.set_footer(text=f.t("New in this server: {years}. Applies to this server only.", years=years))
    return embed


def change_text(d: FigureDiff, f: Formatter) -> str:
    """One difference, its source shown escaped (a title from a file is someone's free text)."""
    before = f.money(d.old.value) if d.old is not None else f.t("not set")
    parts = [f"{d.year} · {label(d.figure, f)}: {before} → **{f.money(d.new.value)}**"]
    if d.jump is not None:
        change = percent(d.jump, f, signed=True)
        if d.needs_confirmation:
            limit = percent(JUMP_LIMIT, f)
            parts.append(f.t("({change} on {year}, over {limit})", change=change, year=d.year - 1, limit=limit))
        else:
            parts.append(f.t("({change} on {year})", change=change, year=d.year - 1))
    if d.old is not None and d.old.value == d.new.value:
        parts.append(f.t("(new source)"))
    return f"{' '.join(parts)} · {link(d.new.citation.title, d.new.citation.url)}"


def imported_embed(changes: list[FactChange], name: str, f: Formatter) -> discord.Embed:
    ids = ", ".join(f"#{c.id}" for c in changes)
    embed = discord.Embed(
        title=f.t("Imported {name}", name=name)[:256],
        colour=EMBED_COLOUR,
        description=f.t(
            "{count} figure(s) saved in one go (changes {ids}); /facts history lists them and /facts revert undoes "
            "one.",
            count=len(changes),
            ids=ids,
        ),
    )
    return embed


def new_year_embed(year: YearFacts, before: YearFacts | None, f: Formatter) -> discord.Embed:
    """The new year's figures, each with the change from the year before, and their sources (posted in the
    channel: f is the server's language)."""
    embed = limits_embed(year, before, f)
    embed.title = f.t("{year}'s IRS retirement-plan figures are in", year=year.year)[:256]
    return embed


async def announce_new_year(
    channel: discord.abc.Messageable,
    repo: Repository,
    guild_id: int,
    year: YearFacts,
    before: YearFacts | None,
    f: Formatter,
) -> bool:
    """Post the new year once in this server (claimed first, so no other process posts it too)."""
    if not await claim_year(repo, guild_id, year.year):
        return False
    try:
        await channel.send(embeds=fit_message(None, [new_year_embed(year, before, f)])[1])
    except discord.HTTPException as exc:
        log.warning("announcing %s in guild %s failed: %s %s", year.year, guild_id, exc.status, exc.code)
        return False
    return True


class TextChannelOption(app_commands.Transformer):
    """A text or announcement channel option, as Discord resolved it in the interaction: no channel cache needed
    (the bot keeps none), and the same option as a discord.TextChannel one."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(self, interaction: discord.Interaction, value: object, /) -> object:
        return value


AnnounceChannel = app_commands.Transform[app_commands.AppCommandChannel, TextChannelOption]


def channel_by_id(client: discord.Client, channel_id: int, guild_id: int | None) -> discord.PartialMessageable:
    """A channel to post to by its id alone (no cache): a missing one shows as discord.NotFound when posting."""
    return client.get_partial_messageable(channel_id, guild_id=guild_id, type=discord.ChannelType.text)


async def can_post(channel: discord.PartialMessageable) -> bool:
    """Whether the bot may post there (View Channel and Send Messages), asked of Discord without a cache and
    without posting: a typing indicator needs the same permissions."""
    try:
        await channel.typing()
    except (discord.Forbidden, discord.NotFound):
        return False
    return True
