"""/limits: the year's IRS figures with their citations and what changed since the year before."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from ._common import embeds_kwargs, facts_for, fmt, year_choice
from ._render import limits_embed


class Limits(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="limits", description="The year's IRS retirement-plan limits, cited")
    @app_commands.describe(year="Tax year (default: the current one)", share="Post it in the channel")
    async def limits(
        self,
        interaction: discord.Interaction,
        year: app_commands.Range[int, 2000, 2100] | None = None,
        share: bool = True,
    ) -> None:
        facts = await facts_for(interaction)
        choice = year_choice(facts, year)
        embeds = [limits_embed(facts.year(y), facts.years.get(y - 1), fmt(interaction))
                  for y in (choice.year, choice.next_year) if y is not None]
        await interaction.response.send_message(content=choice.note(), **embeds_kwargs(embeds), ephemeral=not share)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Limits(bot))
