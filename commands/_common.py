"""Small helpers every cog uses: the member's formatter, the server's facts, the default tax year."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.formatting import Formatter, formatter
from knowledge.facts import FactBase

if TYPE_CHECKING:
    from bot.app import RothRoomBot

EMBED_COLOUR = discord.Colour(0x2E8B57)


def bot_of(interaction: discord.Interaction) -> RothRoomBot:
    return interaction.client  # type: ignore[return-value]


def fmt(interaction: discord.Interaction) -> Formatter:
    return formatter(interaction.locale)


async def facts_for(interaction: discord.Interaction) -> FactBase:
    return await bot_of(interaction).facts.get(interaction.guild_id)


def default_year(facts: FactBase, today: date | None = None) -> int:
    """The current tax year when its figures are known, else the latest year that is."""
    year = (today or date.today()).year
    return year if year in facts.years else facts.latest_year()
