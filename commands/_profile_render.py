"""The saved plan profile as an embed."""

from __future__ import annotations

from decimal import Decimal

import discord

from bot.formatting import Formatter

from ._common import EMBED_COLOUR

PROFILE_LABELS = {
    "birth_year": "Birth year",
    "compensation": "Pay from this employer",
    "employee_deferrals": "Your deferrals (pre-tax + Roth)",
    "other_plan_deferrals": "Deferrals in other plans",
    "employer_contributions": "Employer contributions",
    "match_formula": "Match formula",
    "after_tax_contributed": "After-tax already contributed",
    "plan_after_tax_cap_pct": "Plan after-tax cap",
    "pay_periods_remaining": "Pay periods left",
    "prior_year_wages": "Last year's FICA wages",
    "after_tax_allowed": "Plan accepts after-tax",
    "in_plan_conversion": "In-plan Roth conversion",
    "in_service_withdrawal": "In-service withdrawal of after-tax",
    "auto_conversion": "Automatic conversion",
    "deferrals_and_match_planned": "Deferrals and full match planned",
    "cash_flow_ok": "Cash flow for after-tax",
    "testing_results_checked": "Asked for ACP testing results",
    "stable_fund_until_converted": "Stable fund until converted",
    "pay_frequency": "Pay frequency",
    "ytd_deferrals": "Deferrals so far (paystub)",
    "ytd_employer": "Employer money so far (paystub)",
    "ytd_after_tax": "After-tax so far (paystub)",
    "election_unit": "Elections taken in",
    "match_true_up": "Match trued up",
    "match_after_tax": "After-tax matched",
}


def profile_value(name: str, value: object, f: Formatter) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "plan_after_tax_cap_pct":
        return f"{f.number(value)}% of pay"
    if isinstance(value, Decimal):
        return f.money(value)
    return str(value)


def profile_embed(profile, year: int, f: Formatter) -> discord.Embed:  # noqa: ANN001 - PlanProfile
    embed = discord.Embed(title="Your saved plan profile", colour=EMBED_COLOUR)
    lines = []
    for name, label in PROFILE_LABELS.items():
        value = getattr(profile, name)
        if value is None:
            continue
        text = profile_value(name, value, f)
        if name == "birth_year":
            text += f" (age {year - value} on 31 December {year})"
        lines.append(f"**{label}**: {text}")
    embed.description = "\n".join(lines) or "Nothing saved yet: use /profile set."
    embed.set_footer(text="Only you can see this. /profile delete erases it; /profile export sends it as JSON.")
    return embed
