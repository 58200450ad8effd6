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
    "after_tax_contributed": N_("After-tax already contributed"),
    "plan_after_tax_cap_pct": N_("Plan after-tax cap"),
    "pay_periods_remaining": N_("Pay periods left"),
    "prior_year_wages": N_("Last year's FICA wages"),
    "after_tax_allowed": N_("Plan accepts after-tax"),
    "in_plan_conversion": N_("In-plan Roth conversion"),
    "in_service_withdrawal": N_("In-service withdrawal of after-tax"),
    "auto_conversion": N_("Automatic conversion"),
    "deferrals_and_match_planned": N_("Deferrals and full match planned"),
    "cash_flow_ok": N_("Cash flow for after-tax"),
    "testing_results_checked": N_("Asked for ACP testing results"),
    "stable_fund_until_converted": N_("Stable fund until converted"),
    "pay_frequency": N_("Pay frequency"),
    "ytd_deferrals": N_("Deferrals so far (paystub)"),
    "ytd_employer": N_("Employer money so far (paystub)"),
    "ytd_after_tax": N_("After-tax so far (paystub)"),
    "election_unit": N_("Elections taken in"),
    "match_true_up": N_("Match trued up"),
    "match_after_tax": N_("After-tax matched"),
}


# /plan's choices as a profile shows them: the same words as the choice names members picked them by.
CHOICE_LABELS = {**FREQUENCY_NAMES, **UNIT_NAMES}


def profile_value(name: str, value: object, f: Formatter) -> str:
    if isinstance(value, bool):
        return f.t("yes") if value else f.t("no")
    if name == "plan_after_tax_cap_pct" and isinstance(value, Decimal):
        return f.t("{pct} of pay", pct=f.percent(value))
    if isinstance(value, Decimal):
        return f.money(value)
    if name in ("pay_frequency", "election_unit") and value in CHOICE_LABELS:
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
