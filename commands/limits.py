"""/limits: the year's IRS figures with their citations and what changed since the year before."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.replies import defer_if_slow, reply

from ._common import facts_for, fmt, year_choice, year_note
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
        defer_if_slow(interaction, ephemeral=not share)
        facts = await facts_for(interaction)
        choice = year_choice(facts, year)
        f = fmt(interaction, public=share)
        embeds = [
            limits_embed(facts.year(y), facts.years.get(y - 1), f, shared=share)
            for y in (choice.year, choice.next_year)
            if y is not None
        ]
        await reply(interaction, year_note(choice, f), embeds=embeds, ephemeral=not share)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Limits(bot))
