"""Fact packs and new years in Discord: reading an uploaded pack, its differences, and the new-year announcement.

A new year is announced once per server, whoever brought it (the operator's import, a moderator's import) and
however many processes notice it: the first to record "announced year N" in guild_settings posts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import discord

from bot.formatting import Formatter
from bot.replies import escape, fit_message, link
from bot.storage import FactChange, Repository
from knowledge.errors import InputError
from knowledge.facts import YearFacts
from knowledge.packs import MAX_PACK_BYTES, FigureDiff, ImportPlan

from ._common import EMBED_COLOUR
from ._render import add_long_field, limits_embed

log = logging.getLogger(__name__)
ANNOUNCE_KEY = "announce_channel"
# Discord sends what the uploader's system guessed; a .toml file often comes as octet-stream or with no type.
PACK_TYPES = ("text/", "application/toml", "application/x-toml", "application/octet-stream")


def announced_key(year: int) -> str:
    return f"announced_year:{year}"


async def claim_year(repo: Repository, guild_id: int, year: int) -> bool:
    """True for the one caller, in any process, that gets to announce `year` in this server."""
    return await repo.claim_setting(guild_id, announced_key(year), "1")


async def read_attachment(file: discord.Attachment, name: str) -> bytes:
    """The pack's bytes, after checking its name, type and size (a refusal names the option)."""
    if not file.filename.lower().endswith(".toml"):
        raise InputError("file", f"{name} is not a .toml fact pack (see /facts export)")
    kind = (file.content_type or "").lower()
    if kind and not kind.startswith(PACK_TYPES):
        raise InputError("file", f"{name} is {escape(kind)}, not a text file")
    if file.size > MAX_PACK_BYTES:
        raise InputError("file", f"{name} is {file.size:,} bytes; a fact pack is at most {MAX_PACK_BYTES:,}")
    try:
        return await file.read()
    except discord.HTTPException as exc:
        raise InputError("file", f"couldn't download {name} from Discord ({exc.status}); try again") from None


def import_embed(
    plan: ImportPlan, name: str | None, f: Formatter, only: Iterable[FigureDiff] | None = None
) -> discord.Embed:
    diffs = list(plan.diffs if only is None else only)
    title = f"Import {name}: {len(diffs)} change(s)" if name else f"{len(diffs)} figure(s) updated"
    embed = discord.Embed(title=title[:256], colour=EMBED_COLOUR)
    add_long_field(embed, "Changes", (change_text(d, f) for d in diffs))
    jumps = [d for d in diffs if d.needs_confirmation]
    if jumps and name:
        add_long_field(
            embed, "⚠️ More than 15% from the year before: check these", (f"{d.year} {d.label}" for d in jumps)
        )
    if plan.new_years and name:
        years = ", ".join(str(y) for y in plan.new_years)
        embed.set_footer(text=f"New in this server: {years}. Applies to this server only.")
    return embed


def change_text(d: FigureDiff, f: Formatter) -> str:
    """One difference, its source shown escaped (a title from a file is someone's free text)."""
    before = f.money(d.old.value) if d.old is not None else "not set"
    line = f"{d.year} · {d.label}: {before} → **{f.money(d.new.value)}**"
    if d.jump is not None:
        line += f" ({d.jump * 100:+.1f}% on {d.year - 1}{', over 15%' if d.needs_confirmation else ''})"
    if d.old is not None and d.old.value == d.new.value:
        line += " (new source)"
    return f"{line} · {link(d.new.citation.title, d.new.citation.url)}"


def imported_embed(changes: list[FactChange], name: str, f: Formatter) -> discord.Embed:
    ids = ", ".join(f"#{c.id}" for c in changes)
    embed = discord.Embed(
        title=f"Imported {name}",
        colour=EMBED_COLOUR,
        description=f"{len(changes)} figure(s) saved in one go (changes {ids}); "
        "/facts history lists them and /facts revert undoes one.",
    )
    return embed


def new_year_embed(year: YearFacts, before: YearFacts | None, f: Formatter) -> discord.Embed:
    """The new year's figures, each with the change from the year before, and their sources."""
    embed = limits_embed(year, before, f)
    embed.title = f"{year.year}'s IRS retirement-plan figures are in"
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
