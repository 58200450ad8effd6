"""/ping: gateway latency, for operators and as the benchmark's floor."""

from __future__ import annotations

import math

import discord
from discord import app_commands
from discord.ext import commands


class Ping(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="ping", description="Check that the bot is up and see its gateway latency")
    async def ping(self, interaction: discord.Interaction) -> None:
        latency = interaction.client.latency
        shown = "not measured yet" if not math.isfinite(latency) else f"{latency * 1000:.0f} ms"
        await interaction.response.send_message(f"Pong! Gateway latency: {shown}.", ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ping(bot))
