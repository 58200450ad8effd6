"""/room: the member's after-tax room for a tax year, options overriding the saved profile."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import clock
from bot.cooldowns import per_member
from bot.formatting import Formatter, formatter
from bot.replies import defer_if_slow, fit_message, reply
from knowledge.facts import FactBase
from knowledge.profile import MONEY_FIELDS, room_input
from knowledge.room import compute_room
from knowledge.years import YearChoice

from . import _charts
from ._common import (
    bot_of,
    cached_figures_and_profile,
    language_of,
    load_figures_and_profile,
    next_year_room,
    read_amounts,
    year_choice,
    year_note,
)
from ._render import room_embed

MONEY_OPTIONS = frozenset(MONEY_FIELDS) | {"prior_year_wages"}


class Room(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="room", description="Your after-tax (mega backdoor Roth) room for a tax year")
    @app_commands.describe(
        year="Tax year (default: the current one)",
        age="Your age on 31 December of that year",
        compensation="Your pay from this employer this year, e.g. 200000 or 200k",
        employee_deferrals="Your pre-tax + Roth deferrals in this plan for the whole year (default: the most allowed)",
        employer_contributions="The year's employer money besides the match formula (default: none)",
        match_formula='Employer match, e.g. "50% up to 6%" or "100% of first 3% + 50% of next 2%"',
        ytd_after_tax="After-tax money already in this plan this year (latest paystub)",
        other_plan_deferrals="Deferrals in your other 401(k)/403(b) plans this year (they share 402(g))",
        plan_after_tax_cap_pct="Your plan's after-tax cap, % of pay",
        paychecks_left="Paychecks left this year, for a per-paycheck amount",
        prior_year_wages="Last year's W-2 box 5 (Medicare wages) from this employer: HCE and Roth catch-up rules",
        share="Post the answer in the channel (default: only you see it)",
        chart="Attach a chart of the year's 415(c) limit (default: yes)",
    )
    @per_member(5, 10.0)
    async def room(
        self,
        interaction: discord.Interaction,
        year: app_commands.Range[int, 2000, 2100] | None = None,
        age: app_commands.Range[int, 14, 120] | None = None,
        compensation: str | None = None,
        employee_deferrals: str | None = None,
        employer_contributions: str | None = None,
        match_formula: str | None = None,
        ytd_after_tax: str | None = None,
        other_plan_deferrals: str | None = None,
        plan_after_tax_cap_pct: str | None = None,
        paychecks_left: app_commands.Range[int, 1, 365] | None = None,
        prior_year_wages: str | None = None,
        share: bool = False,
        chart: bool = True,
    ) -> None:
        options = {
            "age": age,
            "compensation": compensation,
            "employee_deferrals": employee_deferrals,
            "employer_contributions": employer_contributions,
            "match_formula": match_formula,
            "ytd_after_tax": ytd_after_tax,
            "other_plan_deferrals": other_plan_deferrals,
            "plan_after_tax_cap_pct": plan_after_tax_cap_pct,
            "paychecks_left": paychecks_left,
            "prior_year_wages": prior_year_wages,
        }
        # Read before anything could defer publicly: a misread amount is answered to the member alone.
        options = read_amounts(interaction, options, MONEY_OPTIONS)
        facts, profile = cached_figures_and_profile(interaction) or await load_figures_and_profile(
            interaction, ephemeral=not share
        )
        bot = bot_of(interaction)
        # Everything an answer depends on besides the profile and the figures (held by identity): the date picks
        # the year when none is asked.
        language = language_of(interaction, public=share)
        question = (year, clock.today(), language, share, *options.values())
        answer = bot.answers.get(interaction.user.id, "room", question, profile, facts)
        if answer is None:
            choice = year_choice(facts, year)
            answer = self.work_out(profile, options, choice, facts, formatter(language), share)
            bot.answers.put(interaction.user.id, "room", question, profile, facts, answer)
        result, embeds, note = answer
        if chart:  # the picture goes into a copy: the answer kept is sent again as it is
            defer_if_slow(interaction, ephemeral=not share)  # charts may queue for the drawing worker
            embeds = [e.copy() for e in embeds]
            data, alt = _charts.room_chart(result, formatter(language))
            await _charts.send(
                interaction, embeds, data, alt, "room.png", content=note, ephemeral=not share, fitted=True
            )
            return
        await reply(interaction, note, embeds=embeds, ephemeral=not share, fitted=True)

    @staticmethod
    def work_out(profile, options: dict, choice: YearChoice, facts: FactBase, f: Formatter, share: bool):  # noqa: ANN001, ANN205
        """The room and its answer: (the result, the embeds fitted to Discord's limits, the note on the year)."""
        inp = room_input(profile, options, choice.year, facts)
        result = compute_room(inp, facts)
        embeds = [room_embed(result, f, shared=share)]
        if choice.next_year is not None:  # November/December: next year's room for January's elections
            embeds.extend(next_year_room(profile, options, choice.next_year, facts, f, shared=share))
        note, embeds = fit_message(year_note(choice, f), embeds, f)
        return result, embeds, note


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Room(bot))
