"""Employer match formulas such as "50% up to 6%" or "100% of first 3% + 50% of next 2%"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .errors import InputError
from .money import cents, excerpt

_PCT = r"(\d+(?:\.\d+)?)\s*%"
_TIER = re.compile(
    rf"^{_PCT}\s*(?:match\s*)?(?:(?:of|on)\s+(?:the\s+)?(?:first|next)|up\s+to|to|on\s+up\s+to)\s+{_PCT}"
    r"(?:\s+of\s+(?:pay|salary|compensation|comp))?$"
)
_FLAT = re.compile(rf"^{_PCT}(?:\s+(?:of\s+)?(?:pay|salary|compensation|comp|nonelective|non-elective|match))*$")


@dataclass(frozen=True, slots=True)
class Tier:
    rate: Decimal  # share of the deferral matched, 0.5 for 50 %
    band: Decimal  # width of the band of pay it applies to, 0.06 for 6 %


@dataclass(frozen=True, slots=True)
class MatchFormula:
    text: str
    tiers: tuple[Tier, ...] = ()
    flat: Decimal | None = None  # a flat share of pay, regardless of deferrals (nonelective)

    def employer_amount(self, deferrals: Decimal, capped_pay: Decimal) -> Decimal:
        """Employer money: each tier matches deferrals falling in its band of (capped) pay."""
        if self.flat is not None:
            return cents(self.flat * capped_pay)
        total = Decimal(0)
        start = Decimal(0)
        for tier in self.tiers:
            width = tier.band * capped_pay
            in_band = min(max(deferrals - start, Decimal(0)), width)
            total += tier.rate * in_band
            start += width
        return cents(total)


@lru_cache(maxsize=512)  # pure, and /room parses the same few formulas all day
def parse_match(text: str) -> MatchFormula:
    cleaned = " ".join(text.lower().replace("plus", "+").replace(",", " ").split())
    if not cleaned:
        raise InputError(
            "match_formula",
            'is empty; use forms such as "50% up to 6%", "100% of first 3% + 50% of next 2%" or "5% of pay"',
        )
    if len(cleaned) > 120:
        raise InputError(
            "match_formula",
            'is too long; use forms such as "50% up to 6%", "100% of first 3% + 50% of next 2%" or "5% of pay"',
        )
    parts = [p.strip() for p in re.split(r"\+|\band\b|;", cleaned) if p.strip()]
    if not parts:
        raise InputError(
            "match_formula",
            'has no tier to read; use forms such as "50% up to 6%", "100% of first 3% + 50% of next 2%" or "5% of pay"',
        )
    if len(parts) == 1 and (flat := _FLAT.match(parts[0])):
        rate = Decimal(flat.group(1)) / 100
        if not 0 < rate <= Decimal("0.25"):
            raise InputError("match_formula", "a flat employer contribution must be a share of pay between 0% and 25%")
        return MatchFormula(text=text.strip(), flat=rate)
    tiers = []
    for part in parts:
        m = _TIER.match(part)
        if not m:
            raise InputError(
                "match_formula",
                'cannot read {part}; use forms such as "50% up to 6%", "100% of first 3% + 50% of next 2%" '
                'or "5% of pay"',
                part=excerpt(part),
            )
        rate, band = Decimal(m.group(1)) / 100, Decimal(m.group(2)) / 100
        if not 0 < rate <= 2:
            raise InputError("match_formula", "match rate {rate}% must be above 0% and at most 200%", rate=m.group(1))
        if not 0 < band <= 1:
            raise InputError(
                "match_formula", "each band of pay must be above 0% and at most 100%, not {band}%", band=m.group(2)
            )
        tiers.append(Tier(rate, band))
    if sum(t.band for t in tiers) > 1:
        raise InputError("match_formula", "the bands of pay add up to more than 100%")
    return MatchFormula(text=text.strip(), tiers=tuple(tiers))
