"""/about: version, figures in force, what is stored about a member and how to erase it, and the links that add
the bot. Only for the member who asks (/help is commands/help.py)."""

from __future__ import annotations

from pathlib import Path

import discord
from babel import Locale
from babel.lists import format_list
from discord import app_commands
from discord.ext import commands

from bot.formatting import Formatter, formatter
from bot.i18n import COMPLETE, DOMAIN, SOURCE_LANGUAGE, locale_dir
from bot.invite import server_invite, user_install
from bot.replies import FIELD_VALUE, clip
from bot.version import __version__
from knowledge.facts import FactBase
from knowledge.profile import PlanProfile
from knowledge.text import N_

from ._common import EMBED_COLOUR, default_year, facts_for, fmt
from ._profile_render import PROFILE_LABELS
from ._render import FOOTER, add_long_field, citation_lines

EXTRA_STORED = {"not_sure": N_("Checklist questions you answered “not sure”")}


def stored_lines(f: Formatter | None = None) -> list[str]:
    """What a profile can hold, from the profile model itself (a new field without a label still shows)."""
    f = f or formatter()
    labels = {**PROFILE_LABELS, **EXTRA_STORED}
    return [
        f.gettext(labels[name]) if name in labels else name.replace("_", " ").capitalize()
        for name in PlanProfile.model_fields
    ]


def languages() -> tuple[list[str], list[str]]:
    """(complete, partial): the languages whose catalogs translate everything (bot.i18n.COMPLETE, English
    included), and the others with a catalog, which translate command descriptions and reply in English."""
    found = sorted(p.parent.parent.name for p in Path(locale_dir()).glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    complete = [SOURCE_LANGUAGE, *(lang for lang in COMPLETE if lang != SOURCE_LANGUAGE)]
    partial = [lang for lang in found if lang not in COMPLETE]
    return complete, partial


def language_names(tags: list[str], f: Formatter) -> str:
    """Each name and the list in the reader's language, by babel: "English and Spanish", "inglés y español"."""
    names = [Locale.parse(lang).get_display_name(f.locale) or lang for lang in tags]
    return format_list(names, locale=f.locale)


def languages_text(f: Formatter) -> str:
    complete, partial = languages()
    text = f.t(
        "Complete (commands and answers): {complete}. Your Discord language picks the language of your answers; "
        "what is posted in a channel uses the server's language.",
        complete=language_names(complete, f),
    )
    if partial:
        text += "\n" + f.t(
            "Command descriptions translated, answers still in English: {partial}.",
            partial=language_names(partial, f),
        )
    return text


def about_embed(facts: FactBase, year: int, f: Formatter, application_id: int | None = None) -> discord.Embed:
    years = facts.known_years()
    embed = discord.Embed(
        title=f.t("About Roth Room {version}", version=__version__),
        description=f.t(
            "An open-source (MIT licence) Discord bot for mega backdoor Roth questions. Education, not tax advice."
        )
        + "\n"
        + f.t(
            "Tax years with figures: **{first}–{last}**; commands use **{year}** unless you give a year. "
            "Every figure is read from the bot's fact files, each with its IRS source; a server's moderators may "
            "update one with `/facts`, and answers then cite their source and say so.",
            first=years[0],
            last=years[-1],
            year=year,
        ),
        colour=EMBED_COLOUR,
    )
    sources = citation_lines(facts.year(year).figures.values(), f)
    add_long_field(embed, f.t("Figures in force for {year} and their sources", year=year), sources, f)
    embed.add_field(
        name=f.t("What is stored about you"),
        value=clip(
            f.t(
                "Only what you save with `/profile set`, `paystub` or `plan` or a checklist answer, under your Discord "
                "user id (your "
                "profile is yours, not a server's): {fields}.",
                fields="; ".join(stored_lines(f)),
            ),
            FIELD_VALUE,
        ),
        inline=False,
    )
    embed.add_field(
        name=f.t("Nothing else"),
        value=f.t(
            "No messages, no server membership. Moderators' `/facts` changes record the moderator's user id in "
            "that server's audit log."
        ),
        inline=False,
    )
    embed.add_field(
        name=f.t("Seeing and erasing it"),
        value=f.t(
            "`/profile show` shows it, `/profile export` sends it to you as JSON, and `/profile delete` erases the "
            "record from the bot's database at once (cached copies in every bot process are dropped too). "
            "After that the bot keeps only how many times you erased it, a number under your user id, so that "
            "checklist buttons sent to you before cannot save anything."
        ),
        inline=False,
    )
    embed.add_field(name=f.t("Languages"), value=languages_text(f), inline=False)
    if application_id:  # unknown offline (the console)
        embed.add_field(
            name=f.t("Add Roth Room"),
            value=f.t(
                "[To a server]({server}) (someone with Manage Server) · [to your own account]({user}) (its commands "
                "in DMs and in any server)",
                server=server_invite(application_id),
                user=user_install(application_id),
            ),
            inline=False,
        )
    embed.set_footer(text=f.gettext(FOOTER))
    return embed


class About(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(
        name="about", description="Version, the figures in force and their sources, what is stored about you"
    )
    async def about(self, interaction: discord.Interaction) -> None:
        facts = await facts_for(interaction)
        embed = about_embed(facts, default_year(facts), fmt(interaction), interaction.application_id)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(About(bot))
