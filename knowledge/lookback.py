"""Rules that look back at last year's pay: HCE status (414(q)) and the Roth catch-up rule (414(v)(7)).

Both compare the PRIOR year's pay from this employer, never this year's: HCE status for year Y uses Y−1 pay
against Y−1's 414(q) figure; from 2026 the Roth catch-up rule uses Y−1 FICA wages against Y's wage threshold.
Without last year's pay the status is unknown; this year's pay is at most a hint. One function each, used by the
calculator and the checklist alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .facts import FactBase, Figure, YearFacts

Status = Literal["yes", "no", "unknown"]


@dataclass(frozen=True, slots=True)
class LookBack:
    status: Status
    threshold: Figure  # the figure compared against, cited wherever the verdict is shown
    pay_year: int  # whose pay decides: the year before the one asked about
    threshold_year: int  # the year whose figure applies
    # The look-back year's figure is not in the fact base (its first year): no verdict, whatever the pay.
    missing_figure: bool = False


def hce_look_back(base: FactBase, year: int) -> YearFacts:
    """HCE status for a year looks back at the prior year's pay against that year's 414(q) amount (the year's
    own figure only when the fact base has no prior year, e.g. its first year)."""
    prior = base.years.get(year - 1)
    return prior if prior is not None and prior.get("hce_threshold_414q") else base.year(year)


def _status(wages: Decimal | None, threshold: Decimal) -> Status:
    if wages is None:
        return "unknown"
    return "yes" if wages > threshold else "no"


def hce_status(base: FactBase, year: int, prior_year_wages: Decimal | None) -> LookBack:
    source = hce_look_back(base, year)
    fig = source["hce_threshold_414q"]
    if source.year != year - 1:
        return LookBack("unknown", fig, year - 1, source.year, missing_figure=True)
    return LookBack(_status(prior_year_wages, fig.value), fig, year - 1, source.year)


def roth_catch_up_status(yf: YearFacts, age: int | None, prior_year_wages: Decimal | None) -> LookBack | None:
    """None when the rule is not in force that year (no threshold in the facts) or the member is under 50."""
    fig = yf.get("roth_catch_up_wage_threshold")
    if fig is None or age is None or age < 50:
        return None
    return LookBack(_status(prior_year_wages, fig.value), fig, yf.year - 1, yf.year)


__all__ = ["LookBack", "hce_look_back", "hce_status", "roth_catch_up_status"]
