"""Which tax year a command answers for when none is given, and what to tell the member about it.

Pure: the caller passes today's date (the bot's clock, frozen in tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .facts import FactBase
from .text import Line

# From November the IRS has usually published next year's figures and members plan January's elections.
PLANNING_MONTH = 11


@dataclass(frozen=True, slots=True)
class YearChoice:
    year: int  # the year answered for
    current: int  # the calendar tax year today
    asked: bool  # the member gave the year
    next_year: int | None = None  # also worth showing: next year's figures are in and it is November or December

    @property
    def fallback(self) -> bool:
        """The current year was meant but has no figures yet, so an earlier year is shown."""
        return not self.asked and self.year != self.current

    def note(self) -> Line | None:
        if not self.fallback:
            return None
        return Line(
            "{current}'s figures are not in yet; showing {year} — moderators can add them with /facts import",
            {"current": self.current, "year": self.year},
        )


def choose_year(facts: FactBase, requested: int | None, today: date) -> YearChoice:
    """The year asked for; else the current calendar year, or (its figures not in yet) the latest earlier one."""
    current = today.year
    if requested is not None:
        facts.year(requested)  # an unknown year is refused with the known ones listed
        return YearChoice(requested, current, asked=True)
    if current in facts.years:
        ahead = current + 1 if today.month >= PLANNING_MONTH and current + 1 in facts.years else None
        return YearChoice(current, current, asked=False, next_year=ahead)
    earlier = [y for y in facts.years if y < current]
    return YearChoice(max(earlier) if earlier else facts.latest_year(), current, asked=False)
