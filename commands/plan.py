"""/plan: the elections to type into payroll for the rest of the year, paycheck by paycheck, with a chart."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import clock
from bot.cooldowns import per_member
from bot.formatting import formatter
from bot.replies import defer_if_slow, fit_message, reply
from knowledge.plan import MONEY_OPTIONS, compute_plan, plan_input
from knowledge.text import N_

from . import _charts
from ._common import (
    bot_of,
    cached_figures_and_profile,
    default_year,
    language_of,
    load_figures_and_profile,
    read_amounts,
)
from ._plan_render import plan_embed

Frequency = Literal["weekly", "weekly-53", "biweekly", "biweekly-27", "semi-monthly", "monthly"]
Unit = Literal["percent", "tenths", "dollars"]
# Choice names are what members pick in Discord: translated at sync from the catalogs (a Literal's names are not),
# so they are locale_str. The values are what members type in the console and what profiles store.
FREQUENCY_NAMES = {
    "weekly": N_("weekly"),
    "weekly-53": N_("weekly-53"),
    "biweekly": N_("biweekly"),
    "biweekly-27": N_("biweekly-27"),
    "semi-monthly": N_("semi-monthly"),
    "monthly": N_("monthly"),
}
UNIT_NAMES = {"percent": N_("percent"), "tenths": N_("tenths"), "dollars": N_("dollars")}


def choices(names: dict[str, str]) -> list[app_commands.Choice[str]]:
    """Choices whose names discord.py's Translator translates (only a locale_str name is offered to it)."""
    return [app_commands.Choice(name=app_commands.locale_str(name), value=value) for value, name in names.items()]


FREQUENCY_CHOICES = choices(FREQUENCY_NAMES)
UNIT_CHOICES = choices(UNIT_NAMES)


class Plan(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_unload(self) -> None:
        _charts.shutdown()  # the chart worker process; the next chart (of /room too) starts a new one

    @app_commands.command(name="plan", description="The payroll elections that fill your room, paycheck by paycheck")
    @app_commands.describe(
        year="Tax year (default: the current one)",
        age="Your age on 31 December of that year",
        compensation="Your pay from this employer this year, bonus to come excluded, e.g. 182000",
        pay_frequency="How often you are paid; -53 and -27 are years with an extra payday",
        paychecks_left="Paychecks left this year",
        ytd_deferrals="Pre-tax + Roth deferrals so far this year (latest paystub)",
        ytd_employer="Employer match so far this year (latest paystub)",
        ytd_after_tax="After-tax contributions so far this year (latest paystub)",
        employee_deferrals="Your deferrals for the whole year, if less than the most allowed",
        other_plan_deferrals="Deferrals in your other 401(k)/403(b) plans this year",
        employer_contributions="The year's employer money besides the match (profit sharing)",
        match_formula='Employer match, e.g. "50% up to 6%"',
        plan_after_tax_cap_pct="Your plan's after-tax cap as a percentage of each paycheck",
        bonus="A bonus still to come this year",
        bonus_paycheck="Which paycheck left carries the bonus (1 = the next; default the last)",
        prior_year_wages="Last year's W-2 box 5 (Medicare wages) from this employer: HCE and Roth catch-up rules",
        election_unit="How your plan takes elections: whole percent, tenths of a percent, or dollars",
        current_deferral="Your deferral election today (same unit), to check it",
        current_after_tax="Your after-tax election today (same unit), to check it",
        share="Post the answer in the channel (default: only you see it)",
        chart="Attach a chart of the year (default: yes)",
    )
    @app_commands.choices(pay_frequency=FREQUENCY_CHOICES, election_unit=UNIT_CHOICES)
    @per_member(5, 10.0)
    async def plan(
        self,
        interaction: discord.Interaction,
        year: app_commands.Range[int, 2000, 2100] | None = None,
        age: app_commands.Range[int, 14, 120] | None = None,
        compensation: str | None = None,
        pay_frequency: str | None = None,
        paychecks_left: app_commands.Range[int, 1, 53] | None = None,
        ytd_deferrals: str | None = None,
        ytd_employer: str | None = None,
        ytd_after_tax: str | None = None,
        employee_deferrals: str | None = None,
        other_plan_deferrals: str | None = None,
        employer_contributions: str | None = None,
        match_formula: str | None = None,
        plan_after_tax_cap_pct: str | None = None,
        bonus: str | None = None,
        bonus_paycheck: app_commands.Range[int, 1, 53] | None = None,
        prior_year_wages: str | None = None,
        election_unit: str | None = None,
        current_deferral: str | None = None,
        current_after_tax: str | None = None,
        share: bool = False,
        chart: bool = True,
    ) -> None:
        options = {k: v for k, v in locals().items() if k not in {"self", "interaction", "year", "share", "chart"}}
        # Read before anything could defer publicly: a misread amount is answered to the member alone.
        options = read_amounts(interaction, options, MONEY_OPTIONS)
        facts, profile = cached_figures_and_profile(interaction) or await load_figures_and_profile(
            interaction, ephemeral=not share
        )
        bot = bot_of(interaction)
        language = language_of(interaction, public=share)  # share:true posts in the server's language
        question = (year, clock.today(), language, share, *options.values())  # the date picks the default year
        answer = bot.answers.get(interaction.user.id, "plan", question, profile, facts)
        f = formatter(language)
        if answer is None:
            result = compute_plan(plan_input(profile, options, year or default_year(facts), facts), facts)
            _note, fitted = fit_message(None, [plan_embed(result, f, shared=share)], f)
            answer = (result, fitted[0])
            bot.answers.put(interaction.user.id, "plan", question, profile, facts, answer)
        result, embed = answer
        if not chart:
            await reply(interaction, embed=embed, ephemeral=not share, fitted=True)
            return
        defer_if_slow(interaction, ephemeral=not share)  # charts may queue for the drawing worker
        data, alt = _charts.plan_chart(result, f)
        # The picture goes into a copy: the answer kept is sent again as it is.
        await _charts.send(interaction, [embed.copy()], data, alt, "plan.png", ephemeral=not share, fitted=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Plan(bot))
