"""/profile set | paystub | plan | show | delete | export: the member's saved plan profile (theirs, not the
server's)."""

from __future__ import annotations

import io
import json

import discord
from discord import app_commands
from discord.ext import commands

from bot import clock
from bot.cooldowns import per_member
from bot.formatting import Formatter
from bot.replies import defer_if_slow, reply
from knowledge.errors import InputError
from knowledge.money import excerpt
from knowledge.profile import (
    FLAG_FIELDS,
    MONEY_FIELDS,
    PAYSTUB_FIELDS,
    PLAN_MONEY_FIELDS,
    PlanProfile,
    birth_year_from_age,
)
from knowledge.room import PLAN_TYPES

from ._common import bot_of, fmt, read_amounts
from ._profile_render import PLAN_TYPE_NAMES, PROFILE_LABELS, profile_embed
from .plan import Frequency, Unit

PLAN_TYPE_CHOICES = [
    app_commands.Choice(name=app_commands.locale_str(PLAN_TYPE_NAMES[value]), value=value) for value in PLAN_TYPES
]

MONEY_OPTIONS = frozenset(MONEY_FIELDS) | {"prior_year_wages"} | frozenset(PLAN_MONEY_FIELDS)


class Profile(commands.GroupCog, group_name="profile", group_description="Your saved plan profile"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="set", description="Save you and your pay (only you see them)")
    @app_commands.describe(
        age="Your age on 31 December this year (saved as a birth year)",
        birth_year="Your birth year",
        compensation="Your pay from this employer this year",
        pay_frequency="How often you are paid",
        employee_deferrals="Your pre-tax + Roth deferrals in this plan for the whole year",
        other_plan_deferrals="Deferrals in other 401(k)/403(b) plans this year",
        employer_contributions="The year's employer money besides the match formula; 0 if none",
        match_formula='Employer match, e.g. "50% up to 6%"',
        prior_year_wages="Last year's W-2 box 5 (Medicare wages) from this employer",
        clear="Fields to forget, comma-separated (e.g. match_formula, employer_contributions)",
    )
    async def set_(
        self,
        interaction: discord.Interaction,
        age: app_commands.Range[int, 14, 120] | None = None,
        birth_year: app_commands.Range[int, 1900, 2100] | None = None,
        compensation: str | None = None,
        pay_frequency: Frequency | None = None,
        employee_deferrals: str | None = None,
        other_plan_deferrals: str | None = None,
        employer_contributions: str | None = None,
        match_formula: str | None = None,
        prior_year_wages: str | None = None,
        clear: str | None = None,
    ) -> None:
        defer_if_slow(interaction, ephemeral=True)
        changes = self.given(interaction, locals())
        year = clock.today().year  # an age is converted with the calendar year it belongs to, not the facts'
        if age is not None:
            if birth_year is not None and birth_year != year - age:
                raise InputError(
                    "age",
                    "age {age} and birth year {birth_year} disagree for {year}; give one",
                    age=age,
                    birth_year=birth_year,
                    year=year,
                )
            changes["birth_year"] = birth_year_from_age(age, year)
        await self.save(interaction, changes, parse_clear(clear))

    @app_commands.command(name="paystub", description="Save your latest paystub's figures for its year")
    @app_commands.describe(
        year="The paystub's tax year (default: this year); its figures are used for that year only",
        paychecks_left="Paychecks left in that year after this paystub",
        ytd_deferrals="Pre-tax + Roth deferrals so far that year",
        ytd_employer="Employer match so far that year",
        ytd_after_tax="After-tax contributions so far that year",
    )
    async def paystub(
        self,
        interaction: discord.Interaction,
        year: app_commands.Range[int, 2000, 2100] | None = None,
        paychecks_left: app_commands.Range[int, 1, 53] | None = None,
        ytd_deferrals: str | None = None,
        ytd_employer: str | None = None,
        ytd_after_tax: str | None = None,
    ) -> None:
        defer_if_slow(interaction, ephemeral=True)
        changes = self.given(interaction, locals())
        if not changes:
            raise InputError("options", "give at least one detail to save, or clear:<field> to forget one")
        stub_year = year or clock.today().year
        current = await bot_of(interaction).repo.get_profile(interaction.user.id)
        # A paystub is one year's snapshot: figures saved for another year are replaced, not mixed in.
        stale = [] if current is None or current.paystub_year in (None, stub_year) else list(PAYSTUB_FIELDS)
        await self.save(interaction, {**changes, "paystub_year": stub_year}, [k for k in stale if k not in changes])

    @app_commands.command(name="plan", description="Save how your plan works (only you see it)")
    @app_commands.describe(
        plan_type="401(k), 403(b) or governmental 457(b)",
        after_tax_allowed="Does the plan accept after-tax (non-Roth) contributions?",
        in_plan_conversion="Does the plan allow in-plan Roth conversions of after-tax money?",
        in_service_withdrawal="Does the plan allow in-service withdrawals of after-tax money?",
        auto_conversion="Does the plan convert after-tax money automatically?",
        plan_after_tax_cap_pct="Your plan's after-tax cap, % of pay",
        election_unit="How your plan takes elections: whole percent, tenths, or dollars",
        match_true_up="Does the plan true the match up after year end?",
        match_after_tax="Does the plan match after-tax contributions?",
        match_dollar_cap="The most match the plan pays in a year, if it has such a cap",
        after_tax_auto_stop="Does the plan stop after-tax contributions at the limit by itself?",
        bonus_counts="Do your elections and the match apply to a bonus? (default yes)",
        plan_offers_roth="Does the plan offer Roth deferrals? (from 2026 it decides catch-ups)",
        plan_offers_super_catch_up="Does the plan offer the higher catch-up at ages 60–63?",
        catch_up_403b_15_year="403(b) only: the 15-year-of-service catch-up your plan says you may add",
        five_percent_owner="Do you own more than 5% of the employer (this year or last)?",
        self_employed="Is this your own business's plan (a solo 401(k))?",
    )
    @app_commands.choices(plan_type=PLAN_TYPE_CHOICES)
    async def plan(
        self,
        interaction: discord.Interaction,
        plan_type: str | None = None,
        after_tax_allowed: bool | None = None,
        in_plan_conversion: bool | None = None,
        in_service_withdrawal: bool | None = None,
        auto_conversion: bool | None = None,
        plan_after_tax_cap_pct: str | None = None,
        election_unit: Unit | None = None,
        match_true_up: bool | None = None,
        match_after_tax: bool | None = None,
        match_dollar_cap: str | None = None,
        after_tax_auto_stop: bool | None = None,
        bonus_counts: bool | None = None,
        plan_offers_roth: bool | None = None,
        plan_offers_super_catch_up: bool | None = None,
        catch_up_403b_15_year: str | None = None,
        five_percent_owner: bool | None = None,
        self_employed: bool | None = None,
    ) -> None:
        defer_if_slow(interaction, ephemeral=True)
        changes = self.given(interaction, locals())
        if not changes:
            raise InputError("options", "give at least one detail to save, or clear:<field> to forget one")
        await self.save(interaction, changes, [])

    @staticmethod
    def given(interaction: discord.Interaction, options: dict) -> dict:
        """The options given, money read the member's way; only profile fields (age is converted by the caller)."""
        given = {k: v for k, v in options.items() if k in PlanProfile.model_fields and v is not None}
        return read_amounts(interaction, given, MONEY_OPTIONS)

    async def save(self, interaction: discord.Interaction, changes: dict, to_clear: list[str]) -> None:
        if not changes and not to_clear:
            raise InputError("options", "give at least one detail to save, or clear:<field> to forget one")
        profile = await bot_of(interaction).repo.update_profile(interaction.user.id, changes, to_clear)
        f = fmt(interaction)
        embed = profile_embed(profile, clock.today().year, f)
        embed.title = f.t("Saved. Your plan profile")
        await reply(interaction, embed=embed, ephemeral=True)

    @app_commands.command(name="show", description="Show your saved plan profile (only you see it)")
    async def show(self, interaction: discord.Interaction) -> None:
        defer_if_slow(interaction, ephemeral=True)
        profile = await bot_of(interaction).repo.get_profile(interaction.user.id) or PlanProfile()
        year = clock.today().year
        await reply(interaction, embed=profile_embed(profile, year, fmt(interaction)), ephemeral=True)

    @app_commands.command(name="delete", description="Erase your saved plan profile for good")
    async def delete(self, interaction: discord.Interaction) -> None:
        defer_if_slow(interaction, ephemeral=True)
        erased = await bot_of(interaction).repo.delete_profile(interaction.user.id)
        bot_of(interaction).answers.forget(interaction.user.id)  # nothing of the member's stays in memory
        await reply(interaction, erased_text(erased, fmt(interaction)), ephemeral=True)

    @app_commands.command(name="export", description="Get your saved plan profile as a JSON file")
    @per_member(2, 30.0)
    async def export(self, interaction: discord.Interaction) -> None:
        defer_if_slow(interaction, ephemeral=True)
        profile = await bot_of(interaction).repo.get_profile(interaction.user.id)
        f = fmt(interaction)
        if profile is None:
            await reply(interaction, f.t("You have no saved profile to export."), ephemeral=True)
            return
        data = json.dumps(json.loads(profile.to_json()), indent=2, sort_keys=True)
        file = discord.File(io.BytesIO(data.encode()), filename="roth-room-profile.json")
        await reply(interaction, f.t("Your plan profile:"), files=[file], ephemeral=True)


def erased_text(erased: PlanProfile | None, f: Formatter) -> str:
    """What /profile delete erased, by name (never the values), in the member's language."""
    if erased is None:
        return f.t("You had no saved profile; nothing to erase.")
    names = [f.gettext(label) for name, label in PROFILE_LABELS.items() if getattr(erased, name) is not None]
    if erased.not_sure:
        n = len(erased.not_sure)
        # Each number's sentence whole (one answer, several answers), so each translates as written.
        if n == 1:
            names.append(f.t("1 “not sure” checklist answer"))
        else:
            names.append(f.t("{count} “not sure” checklist answers", count=n))
    what = ", ".join(names) if names else f.t("an empty profile")
    return f.t(
        "Your plan profile is erased from the bot's database: {what}. Checklist buttons sent to you before "
        "no longer save anything; /checklist starts again.",
        what=what,
    )


def parse_clear(text: str | None) -> list[str]:
    if not text:
        return []
    names = [n.strip() for n in text.replace(" ", ",").split(",") if n.strip()]
    unknown = [n for n in names if n not in PlanProfile.model_fields]
    if unknown:
        # Field names are what members type (never translated).
        raise InputError(
            "clear",
            "unknown field {field}; fields: {fields}",
            field=excerpt(unknown[0]),
            fields=", ".join(PROFILE_LABELS),
        )
    return names


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Profile(bot))


__all__ = ["FLAG_FIELDS", "Profile"]
