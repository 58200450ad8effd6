"""/explain topic: short cited articles, with autocomplete on titles."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.replies import add_long_field, defer_if_slow, link, reply
from knowledge import articles

from ._common import EMBED_COLOUR, default_year, facts_for, fmt
from ._render import citation_lines, footer


class Explain(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="explain", description="Short, cited explanations of mega backdoor Roth topics")
    @app_commands.describe(topic="What to explain (start typing to see topics)", share="Post it in the channel")
    async def explain(self, interaction: discord.Interaction, topic: str, share: bool = True) -> None:
        # The member typed (or picked) the topic in their language; a shared answer reads in the server's.
        slug = articles.find(topic, fmt(interaction).language).slug
        f = fmt(interaction, public=share)
        article = articles.articles(f.language)[slug]
        defer_if_slow(interaction, ephemeral=not share)
        facts = await facts_for(interaction)
        rendered = articles.render(article, facts, default_year(facts), f.money, f.gettext)
        embed = discord.Embed(title=article.title, description=rendered.text, colour=EMBED_COLOUR)
        sources = [link(c.title, c.url) for c in article.sources] + citation_lines(rendered.figures, f)
        add_long_field(embed, f.t("Sources"), sources)
        embed.set_footer(text=footer(share, f))
        await reply(interaction, embed=embed, ephemeral=not share)

    @explain.autocomplete("topic")
    async def topic_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        found = articles.search(current, language=fmt(interaction).language)
        return [app_commands.Choice(name=a.title, value=a.slug) for a in found]


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Explain(bot))
