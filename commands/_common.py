"""Small helpers every cog uses: the member's formatter, the server's facts, the default tax year."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import discord

from bot import clock
from bot.formatting import Formatter, formatter
from knowledge.facts import FactBase
from knowledge.years import YearChoice, choose_year

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
    """The current tax year when its figures are known, else the latest earlier year that is."""
    return choose_year(facts, None, today or clock.today()).year


def year_choice(facts: FactBase, requested: int | None) -> YearChoice:
    """The year to answer for by the bot's clock, with the note to show when the current year is not in yet."""
    return choose_year(facts, requested, clock.today())
