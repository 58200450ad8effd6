"""/ping: gateway latency, for operators and as the benchmark's floor."""

from __future__ import annotations

import math

import discord
from discord import app_commands
from discord.ext import commands

from ._common import fmt


class Ping(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="ping", description="Check that the bot is up and see its gateway latency")
    async def ping(self, interaction: discord.Interaction) -> None:
        f = fmt(interaction)
        latency = interaction.client.latency
        if math.isfinite(latency):
            text = f.t("Pong! Gateway latency: {ms} ms.", ms=f.number(round(latency * 1000)))
        else:
            text = f.t("Pong! Gateway latency: not measured yet.")
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ping(bot))
