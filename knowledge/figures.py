"""The figures the fact base knows: names, labels and the sanity range a value must fall in.

The values themselves live only in knowledge/data/*.toml (or a moderator's cited override).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .text import N_


@dataclass(frozen=True, slots=True)
class FigureSpec:
    name: str
    label: str
    # Sanity range for any year: wide enough for decades of indexing, narrow enough to catch a typo.
    low: Decimal
    high: Decimal
    required: bool = True


def _spec(name: str, label: str, low: int, high: int, required: bool = True) -> FigureSpec:
    return FigureSpec(name, label, Decimal(low), Decimal(high), required)


FIGURES: dict[str, FigureSpec] = {
    s.name: s
    for s in (
        _spec("deferral_limit_402g", "402(g) elective deferral limit", 1_000, 200_000),
        _spec("catch_up_414v", "414(v) catch-up, age 50+", 100, 100_000),
        _spec("super_catch_up_60_63", "Super catch-up, ages 60–63 (SECURE 2.0)", 100, 100_000, required=False),
        _spec("annual_additions_415c", "415(c) annual additions limit", 1_000, 500_000),
        _spec("compensation_limit_401a17", "401(a)(17) compensation limit", 10_000, 5_000_000),
        _spec("hce_threshold_414q", "414(q) HCE pay threshold", 10_000, 5_000_000),
        _spec(
            "roth_catch_up_wage_threshold",
            "Roth catch-up wage threshold (prior-year FICA wages)",
            10_000,
            5_000_000,
            required=False,
        ),
        _spec("ira_limit", "IRA contribution limit", 100, 100_000),
        _spec("ira_catch_up", "IRA catch-up, age 50+", 100, 100_000),
        _spec("roth_ira_phaseout_single_low", "Roth IRA phase-out start, single", 1_000, 5_000_000),
        _spec("roth_ira_phaseout_single_high", "Roth IRA phase-out end, single", 1_000, 5_000_000),
        _spec("roth_ira_phaseout_joint_low", "Roth IRA phase-out start, married filing jointly", 1_000, 5_000_000),
        _spec("roth_ira_phaseout_joint_high", "Roth IRA phase-out end, married filing jointly", 1_000, 5_000_000),
    )
}

# (smaller, larger, rule): each pair must keep this order whenever both figures exist for a year.
ORDER_RULES: tuple[tuple[str, str, str], ...] = (
    ("deferral_limit_402g", "annual_additions_415c", N_("415(c) must be above 402(g)")),
    ("catch_up_414v", "deferral_limit_402g", N_("the catch-up must not be above 402(g)")),
    ("catch_up_414v", "super_catch_up_60_63", N_("the super catch-up must not be below the regular catch-up")),
    ("super_catch_up_60_63", "deferral_limit_402g", N_("the super catch-up must not be above 402(g)")),
    ("roth_ira_phaseout_single_low", "roth_ira_phaseout_single_high", N_("the phase-out start must be below its end")),
    ("roth_ira_phaseout_joint_low", "roth_ira_phaseout_joint_high", N_("the phase-out start must be below its end")),
)
STRICT = {"deferral_limit_402g", "roth_ira_phaseout_single_low", "roth_ira_phaseout_joint_low"}

MIN_YEAR, MAX_YEAR = 2000, 2100


def spec(name: str) -> FigureSpec:
    try:
        return FIGURES[name]
    except KeyError:
        known = ", ".join(FIGURES)
        raise KeyError(f"unknown figure {name!r}; known figures: {known}") from None
