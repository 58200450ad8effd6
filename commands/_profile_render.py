"""The saved plan profile as an embed."""

from __future__ import annotations

from decimal import Decimal

import discord

from bot.formatting import Formatter
from bot.replies import escape
from knowledge.text import N_

from ._common import EMBED_COLOUR
from .plan import FREQUENCY_NAMES, UNIT_NAMES

# Each saved field's label: English templates (commands/about.py lists them too), translated where shown.
PROFILE_LABELS = {
    "birth_year": N_("Birth year"),
    "compensation": N_("Pay from this employer"),
    "employee_deferrals": N_("Your deferrals (pre-tax + Roth)"),
    "other_plan_deferrals": N_("Deferrals in other plans"),
    "employer_contributions": N_("Employer contributions"),
    "match_formula": N_("Match formula"),
    "plan_after_tax_cap_pct": N_("Plan after-tax cap"),
    "prior_year_wages": N_("Last year's W-2 box 5 wages"),
    "after_tax_allowed": N_("Plan accepts after-tax"),
    "in_plan_conversion": N_("In-plan Roth conversion"),
    "in_service_withdrawal": N_("In-service withdrawal of after-tax"),
    "auto_conversion": N_("Automatic conversion"),
    "deferrals_and_match_planned": N_("Deferrals and full match planned"),
    "cash_flow_ok": N_("Cash flow for after-tax"),
    "testing_results_checked": N_("Asked for ACP testing results"),
    "stable_fund_until_converted": N_("Stable fund until converted"),
    "pay_frequency": N_("Pay frequency"),
    "paystub_year": N_("Paystub's year"),
    "paychecks_left": N_("Paychecks left (paystub)"),
    "ytd_deferrals": N_("Deferrals so far (paystub)"),
    "ytd_employer": N_("Employer match so far (paystub)"),
    "ytd_after_tax": N_("After-tax so far (paystub)"),
    "election_unit": N_("Elections taken in"),
    "match_true_up": N_("Match trued up"),
    "match_after_tax": N_("After-tax matched"),
    "match_dollar_cap": N_("Match dollar cap"),
    "after_tax_auto_stop": N_("After-tax stops at the limit"),
    "bonus_counts": N_("Elections apply to a bonus"),
    "plan_type": N_("Plan type"),
    "plan_offers_roth": N_("Plan offers Roth"),
    "plan_offers_super_catch_up": N_("Plan offers the 60–63 catch-up"),
    "catch_up_403b_15_year": N_("403(b) 15-year catch-up"),
    "five_percent_owner": N_("5% owner"),
    "self_employed": N_("Self-employed (solo 401(k))"),
}


# Plan type choices: "401(k)" is what members read; the value is what the profile stores and the console takes.
# Translators: "401(k)" and "403(b)" are names, the same in every language.
PLAN_TYPE_NAMES = {"401k": N_("401(k)"), "403b": N_("403(b)"), "457b": N_("governmental 457(b)")}
# /plan's choices as a profile shows them: the same words as the choice names members picked them by.
CHOICE_LABELS = {**FREQUENCY_NAMES, **UNIT_NAMES, **PLAN_TYPE_NAMES}


def profile_value(name: str, value: object, f: Formatter) -> str:
    if isinstance(value, bool):
        return f.t("yes") if value else f.t("no")
    if name == "plan_after_tax_cap_pct" and isinstance(value, Decimal):
        return f.t("{pct} of pay", pct=f.percent(value))
    if isinstance(value, Decimal):
        return f.money(value)
    if name in ("pay_frequency", "election_unit", "plan_type") and value in CHOICE_LABELS:
        return f.gettext(CHOICE_LABELS[value])
    return escape(str(value))  # the match formula is what the member typed


def profile_embed(profile, year: int, f: Formatter) -> discord.Embed:  # noqa: ANN001 - PlanProfile
    embed = discord.Embed(title=f.t("Your saved plan profile"), colour=EMBED_COLOUR)
    lines = []
    for name, label in PROFILE_LABELS.items():
        value = getattr(profile, name)
        if value is None:
            continue
        text = profile_value(name, value, f)
        if name == "birth_year":
            text = f.t("{birth_year} (age {age} on 31 December {year})", birth_year=value, age=year - value, year=year)
        lines.append(f"**{f.gettext(label)}**: {text}")
    embed.description = "\n".join(lines) or f.t("Nothing saved yet: use /profile set.")
    embed.set_footer(text=f.t("Only you can see this. /profile delete erases it; /profile export sends it as JSON."))
    return embed
