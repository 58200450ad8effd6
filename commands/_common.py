"""Small helpers every cog uses: the member's formatter, the server's facts, the default tax year."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.formatting import Formatter, formatter
from knowledge.facts import FactBase
from knowledge.money import parse_money

if TYPE_CHECKING:
    from bot.app import RothRoomBot

EMBED_COLOUR = discord.Colour(0x2E8B57)


def bot_of(interaction: discord.Interaction) -> RothRoomBot:
    return interaction.client  # type: ignore[return-value]


def fmt(interaction: discord.Interaction) -> Formatter:
    return formatter(interaction.locale)


def locale_tag(interaction: discord.Interaction) -> str:
    return str(getattr(interaction.locale, "value", interaction.locale) or "en-US")


def read_amounts(interaction: discord.Interaction, options: dict[str, object], names: frozenset[str]) -> dict:
    """Money options read the way the member's Discord language writes numbers ("23.500" is 23,500 in German);
    an ambiguous one is refused with each reading shown. Other options pass through."""
    tag = locale_tag(interaction)
    return {k: parse_money(k, v, locale=tag) if k in names and isinstance(v, str) else v for k, v in options.items()}


async def facts_for(interaction: discord.Interaction) -> FactBase:
    return await bot_of(interaction).facts.get(interaction.guild_id)


def default_year(facts: FactBase, today: date | None = None) -> int:
    """The current tax year when its figures are known, else the latest year that is."""
    year = (today or date.today()).year
    return year if year in facts.years else facts.latest_year()
