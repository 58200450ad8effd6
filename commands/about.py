"""/help (every command and what it is for, read from the command tree) and /about (version, figures in force,
what is stored about a member and how to erase it). Both only for the member who asks."""

from __future__ import annotations

from collections.abc import Iterator

import discord
from discord import app_commands
from discord.ext import commands

from bot.formatting import Formatter
from bot.version import __version__
from knowledge.facts import FactBase
from knowledge.profile import PlanProfile

from ._common import EMBED_COLOUR, default_year, facts_for, fmt
from ._profile_render import PROFILE_LABELS
from ._render import FOOTER, add_long_field, citation_lines

EXTRA_STORED = {"not_sure": "Checklist questions you answered “not sure”"}


def command_lines(tree: app_commands.CommandTree) -> Iterator[str]:
    """`/name` — description for every command and subcommand the tree syncs, so the list stays true."""
    for top in sorted(tree.get_commands(type=discord.AppCommandType.chat_input), key=lambda c: c.name):
        moderators = " *(moderators)*" if getattr(top, "default_permissions", None) else ""
        if isinstance(top, app_commands.Group):
            for sub in _leaves(top):
                yield f"`/{sub.qualified_name}` — {sub.description}{moderators}"
        else:
            yield f"`/{top.name}` — {top.description}{moderators}"


def _leaves(group: app_commands.Group) -> Iterator[app_commands.Command]:
    for child in sorted(group.commands, key=lambda c: c.name):
        if isinstance(child, app_commands.Group):
            yield from _leaves(child)
        else:
            yield child


def help_embed(tree: app_commands.CommandTree) -> discord.Embed:
    embed = discord.Embed(
        title="Roth Room commands",
        description="Mega backdoor Roth answers with every IRS figure cited. Personal answers are shown only to you.",
        colour=EMBED_COLOUR,
    )
    add_long_field(embed, "Commands", command_lines(tree))
    embed.set_footer(text=f"Roth Room {__version__} · /about: what is stored about you and where the figures come from")
    return embed


def stored_lines() -> list[str]:
    """What a profile can hold, from the profile model itself (a new field without a label still shows)."""
    labels = {**PROFILE_LABELS, **EXTRA_STORED}
    return [labels.get(name, name.replace("_", " ").capitalize()) for name in PlanProfile.model_fields]


def about_embed(facts: FactBase, year: int, f: Formatter) -> discord.Embed:
    years = facts.known_years()
    embed = discord.Embed(
        title=f"About Roth Room {__version__}",
        description=(
            "An open-source (MIT licence) Discord bot for mega backdoor Roth questions. Education, not tax advice.\n"
            f"Tax years with figures: **{years[0]}–{years[-1]}**; commands use **{year}** unless you give a year. "
            "Every figure is read from the bot's fact files, each with its IRS source; a server's moderators may "
            "update one with `/facts`, and answers then cite their source and say so."
        ),
        colour=EMBED_COLOUR,
    )
    sources = citation_lines(facts.year(year).figures.values(), f)
    add_long_field(embed, f"Figures in force for {year} and their sources", sources)
    embed.add_field(
        name="What is stored about you",
        value=(
            "Only what you save with `/profile set` or a checklist answer, under your Discord user id (your "
            "profile is yours, not a server's): " + "; ".join(stored_lines()) + ". "
            "Nothing else: no messages, no server membership. Moderators' `/facts` changes record the "
            "moderator's user id in that server's audit log."
        )[:1024],
        inline=False,
    )
    embed.add_field(
        name="Seeing and erasing it",
        value=(
            "`/profile show` shows it, `/profile export` sends it to you as JSON, and `/profile delete` erases the "
            "record from the bot's database at once (cached copies in every bot process are dropped too). "
            "After that the bot knows nothing about you."
        ),
        inline=False,
    )
    embed.set_footer(text=FOOTER)
    return embed


class About(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="The bot's commands and what each is for")
    async def help_(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=help_embed(self.bot.tree), ephemeral=True)

    @app_commands.command(
        name="about", description="Version, the figures in force and their sources, what is stored about you"
    )
    async def about(self, interaction: discord.Interaction) -> None:
        facts = await facts_for(interaction)
        embed = about_embed(facts, default_year(facts), fmt(interaction))
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(About(bot))
