"""A moderator's proposed figure, checked before anything is written: value, source, consistency, jump.

Pure: takes the server's current fact base and returns a `Proposal` or raises `InputError` naming the option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from pydantic import ValidationError

from .errors import FactDataError, InputError
from .facts import Citation, FactBase, Figure, validation_reason
from .figures import FIGURES
from .money import excerpt, parse_money
from .sources import DEFAULT_TRUSTED_HOSTS, check_source_url
from .text import Line

# A year-on-year change above this is more likely a typo than indexing; the moderator must confirm it.
JUMP_LIMIT = Decimal("0.15")
NOTE_MAX = 200
_NOTICE = re.compile(r"/n-(\d{2})-(\d{1,3})\.pdf$")
_RELEASE = re.compile(r"/(ir-\d{4}-\d{1,4})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Proposal:
    year: int
    figure: str
    value: Decimal
    citation: Citation
    note: str | None
    current: Figure | None  # what this server answers with today
    prior: Figure | None  # the same figure for the year before

    @property
    def label(self) -> str:
        return FIGURES[self.figure].label

    @property
    def jump(self) -> Decimal | None:
        """Relative change from the year before (0.2 = +20 %), when that year has the figure."""
        if self.prior is None:
            return None
        return (self.value - self.prior.value) / self.prior.value

    @property
    def needs_confirmation(self) -> bool:
        return self.jump is not None and abs(self.jump) > JUMP_LIMIT


def title_from_url(url: str) -> str:
    """A citation title when the moderator gives none: IRS notices and news releases are recognised. It is stored
    with the figure and shown as written (a citation is not translated)."""
    path = urlsplit(url).path.rstrip("/")
    if m := _NOTICE.search(path):
        return f"IRS Notice 20{m[1]}-{int(m[2])}"
    if m := _RELEASE.search(path):
        return f"IRS News Release {m[1].upper()}"
    host = urlsplit(url).hostname or "the source"
    return f"Source: {host.removeprefix('www.')}"


def figure_name(text: str) -> str:
    """Accept the figure's key or its label (as shown by autocomplete)."""
    key = text.strip()
    if key in FIGURES:
        return key
    for name, spec in FIGURES.items():
        if spec.label.lower() == key.lower():
            return name
    raise InputError(
        "figure",
        "unknown figure {typed}; choose one from the list: {known}",
        typed=excerpt(text),
        known=", ".join(FIGURES),
    )


def propose(
    facts: FactBase,
    year: int,
    figure: str,
    value: object,
    source_url: str,
    source_title: str | None = None,
    note: str | None = None,
    *,
    hosts: tuple[str, ...] = DEFAULT_TRUSTED_HOSTS,
) -> Proposal:
    name = figure_name(figure)
    spec = FIGURES[name]
    amount = parse_money("value", value, allow_zero=False)
    if amount != amount.to_integral_value():
        raise InputError("value", "IRS limits are whole dollars")
    if not spec.low <= amount <= spec.high:
        raise InputError(
            "value",
            "{value} is outside the sane range for the {figure}: {low}–{high}",
            value=amount,
            figure=Line(spec.label),
            low=spec.low,
            high=spec.high,
        )
    url = check_source_url(source_url.strip(), hosts)
    title = (source_title or "").strip() or title_from_url(url)
    try:
        citation = Citation(title=title, url=url)
    except ValidationError as exc:
        err = exc.errors()[0]
        if err["loc"][0] == "url":
            raise InputError("source_url", "must be an https:// link to the IRS notice or page") from None
        reason = validation_reason(err)
        raise InputError("source_title", reason.template, **reason.params) from None
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise InputError("note", "at most {count} characters", count=NOTE_MAX)

    current = facts.figure(year, name)  # in force or in a draft
    if current is not None and current.value == amount and current.citation == citation:
        raise InputError(
            "value",
            "{year}'s {figure} is already {value} with that source",
            year=year,
            figure=Line(spec.label),
            value=amount,
        )
    candidate = Figure(name=name, value=amount, citation=citation, origin="server", note=note)
    try:
        facts.with_figures(year, [candidate])  # the year's rules: 415(c) above 402(g) and so on
    except FactDataError as exc:
        raise InputError(
            "value", "inconsistent with {year}'s other figures: {problem}", year=year, problem=exc.line
        ) from None
    prior = facts.figure(year - 1, name)
    return Proposal(year, name, amount, citation, note, current, prior)
