"""Typed fact models and the bundled, cited fact base (knowledge/data/<year>.toml)."""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache
from importlib import resources

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import DraftYearError, FactDataError, UnknownYearError
from .figures import FIGURES, MAX_YEAR, MIN_YEAR, ORDER_RULES, STRICT
from .sources import link_problem
from .text import N_, Line


def problem(where: str, reason: Line) -> FactDataError:
    """A fact rule broken at `where` (a file, a figure, a field path, as written in the data): "where: reason"."""
    return FactDataError("{where}: {problem}", where=where, problem=reason)


def validation_reason(err: Mapping) -> Line:
    """One pydantic error (from ValidationError.errors()) as our own words, translatable; never pydantic's text,
    except as the detail of a kind we do not expect."""
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, ValueError) and str(cause):  # our validators raise ValueError(N_("..."))
        return Line(str(cause))
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return Line("missing")
    if kind == "extra_forbidden":
        return Line("is not a known field")
    if kind == "string_too_short":
        return Line("must be at least {count} characters", {"count": ctx.get("min_length")})
    if kind == "string_too_long":
        return Line("must be at most {count} characters", {"count": ctx.get("max_length")})
    if kind.startswith("string"):
        return Line("must be text")
    if kind.startswith(("decimal", "int", "float", "finite")):
        return Line("must be a number")
    return Line("is not valid: {detail}", {"detail": err["msg"]})


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=3, max_length=200)
    url: str = Field(max_length=500)

    @field_validator("title", mode="before")
    @classmethod
    def _readable(cls, v: object) -> object:
        """A title is shown publicly as written: one line, no invisible or direction-changing characters (a
        right-to-left override makes "Notice \u202e99-6202" read "Notice 2026-99"), in Unicode's compatibility
        form (NFKC), spaces collapsed, with at least one letter."""
        if not isinstance(v, str):
            return v  # pydantic refuses it: "must be text"
        if any(unicodedata.category(ch) == "Cc" for ch in v):
            raise ValueError(N_("must be one line of text, without control characters"))
        v = unicodedata.normalize("NFKC", v)
        if any(unicodedata.category(ch) == "Cf" for ch in v):  # bidi controls, zero-width spaces and joiners
            raise ValueError(N_("must not contain invisible or text-direction characters"))
        v = " ".join(v.split())
        if not any(ch.isalpha() for ch in v):
            raise ValueError(N_("must contain letters"))
        return v

    @field_validator("url")
    @classmethod
    def _https(cls, v: str) -> str:
        if not v.startswith("https://") or len(v) < 12:
            raise ValueError(N_("must be an https:// link"))
        if problem := link_problem(v):
            raise ValueError(problem)
        return v


# No IRS figure comes near this; anything larger is refused before any arithmetic or formatting sees it.
MAX_FIGURE = Decimal(1_000_000_000)


def bounded_number(v: object) -> Decimal:
    """A figure's value as a data file writes it (TOML integer or float; text also), refused by range without
    ever raising decimal's own exceptions: NaN, Infinity, 1e30 and 30-digit integers are plain refusals."""
    if isinstance(v, bool) or not isinstance(v, int | float | str | Decimal):
        raise ValueError(N_("must be a number"))
    if isinstance(v, str) and len(v) > 40:
        raise ValueError(N_("must be a number"))
    try:
        number = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    except (ArithmeticError, ValueError):
        raise ValueError(N_("must be a number")) from None
    if not number.is_finite():
        raise ValueError(N_("must be a finite number"))
    if abs(number) >= MAX_FIGURE:
        raise ValueError(N_("is far outside the range of any IRS figure"))
    return number


class _FigureRow(BaseModel):
    """One figure as written in a data file."""

    model_config = ConfigDict(extra="forbid")
    value: Decimal
    title: str
    url: str

    @field_validator("value", mode="before")
    @classmethod
    def _bounded(cls, v: object) -> Decimal:
        return bounded_number(v)


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    value: Decimal
    citation: Citation
    # Who set it: "bundled" for the shipped data, else a server's moderator change.
    origin: str = "bundled"
    updated_by: int | None = None
    updated_at: datetime | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        return FIGURES[self.name].label


@dataclass(frozen=True)
class YearFacts:
    year: int
    figures: Mapping[str, Figure]

    def get(self, name: str) -> Figure | None:
        return self.figures.get(name)

    def __getitem__(self, name: str) -> Figure:
        fig = self.figures.get(name)
        if fig is None:
            label = FIGURES[name].label if name in FIGURES else name
            raise FactDataError(
                "{year} has no figure for {label} ({name}); a moderator can add it with /facts set",
                year=self.year,
                label=Line(label),
                name=name,
            )
        return fig

    def value(self, name: str) -> Decimal:
        return self[name].value


def check_year(year: int, figures: Mapping[str, Figure], *, complete: bool) -> None:
    """Every rule a year's figures must keep; raises FactDataError naming the field and reason."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise problem("year", Line("{year} is outside {low}–{high}", {"year": year, "low": MIN_YEAR, "high": MAX_YEAR}))
    for name, fig in figures.items():
        spec = FIGURES.get(name)
        if spec is None:
            raise problem(name, Line("unknown figure; known figures: {known}", {"known": ", ".join(FIGURES)}))
        if fig.value <= 0:
            raise problem(name, Line("must be a positive amount, got {value}", {"value": fig.value}))
        if not spec.low <= fig.value <= spec.high:
            raise problem(
                name,
                Line(
                    "{value} is outside the sane range {low}–{high}",
                    {"value": fig.value, "low": spec.low, "high": spec.high},
                ),
            )
        if fig.value != fig.value.to_integral_value():
            raise problem(name, Line("IRS limits are whole dollars, got {value}", {"value": fig.value}))
    if complete:
        missing = missing_figures(figures)
        if missing:
            raise problem(missing[0], Line("missing (every year needs {names})", {"names": ", ".join(missing)}))
    for small, large, rule in ORDER_RULES:
        a, b = figures.get(small), figures.get(large)
        if a is None or b is None:
            continue
        bad = a.value >= b.value if small in STRICT else a.value > b.value
        if bad:
            raise problem(
                small,
                Line(
                    "{rule} ({value} vs {other} {other_value})",
                    {"rule": Line(rule), "value": a.value, "other": large, "other_value": b.value},
                ),
            )


def missing_figures(figures: Mapping[str, Figure]) -> list[str]:
    """The figures every year needs (the calculator uses them) that these figures lack, in FIGURES order."""
    return [n for n, s in FIGURES.items() if s.required and n not in figures]


@dataclass(frozen=True)
class FactBase:
    """The years in force (`years`: complete, every answer may use them) and the drafts (`drafts`: a new year's
    figures as far as they have been entered; no answer uses them until the last required figure arrives)."""

    years: Mapping[int, YearFacts] = field(default_factory=dict)
    drafts: Mapping[int, YearFacts] = field(default_factory=dict)

    def known_years(self) -> list[int]:
        return sorted(self.years)

    def year(self, year: int) -> YearFacts:
        """A year in force; a draft or unknown year is refused like an unknown one (a draft says what it lacks)."""
        try:
            return self.years[year]
        except KeyError:
            if year in self.drafts:
                labels = [FIGURES[n].label for n in self.missing(year)]
                raise DraftYearError(year, self.known_years(), labels) from None
            raise UnknownYearError(year, self.known_years()) from None

    def any_year(self, year: int) -> YearFacts | None:
        """The year whether in force or a draft (for moderators' views), None if it has no figures at all."""
        return self.years.get(year) or self.drafts.get(year)

    def figure(self, year: int, name: str) -> Figure | None:
        """A figure as entered, in force or in a draft."""
        yf = self.any_year(year)
        return yf.get(name) if yf is not None else None

    def missing(self, year: int) -> list[str]:
        """What a draft year still lacks before it can come into force (nothing for a year in force)."""
        draft = self.drafts.get(year)
        return missing_figures(draft.figures) if draft is not None else []

    def latest_year(self) -> int:
        return max(self.years)

    def with_figures(self, year: int, figures: Iterable[Figure]) -> FactBase:
        """A new fact base with these figures layered over the year (added if new); validated. The year is in
        force once it has every required figure, a draft until then."""
        before = self.any_year(year)
        current = dict(before.figures) if before is not None else {}
        for fig in figures:
            current[fig.name] = fig
        check_year(year, current, complete=False)
        years, drafts = dict(self.years), dict(self.drafts)
        if missing_figures(current):
            drafts[year] = YearFacts(year, current)
            years.pop(year, None)
        else:
            years[year] = YearFacts(year, current)
            drafts.pop(year, None)
        return FactBase(years, drafts)


def _figure_from_row(path: str, name: str, raw: object) -> Figure:
    try:
        row = _FigureRow.model_validate(raw)
        citation = Citation(title=row.title, url=row.url)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "value"
        raise problem(f"{path}: figures.{name}.{where}", validation_reason(err)) from None
    return Figure(name=name, value=row.value, citation=citation)


def parse_year_file(path: str, text: str, *, complete: bool = True) -> YearFacts:
    """Parse and validate one data file; any problem names the file, the field and the reason.

    complete=False accepts a file with only some of a year's figures (a fact pack correcting one figure)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's own (English) words say where: line and column
        raise problem(path, Line("not valid TOML: {detail}", {"detail": str(exc)})) from None
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise problem(f"{path}: year", Line("must be a whole number"))
    rows = data.get("figures")
    if not isinstance(rows, dict) or not rows:
        raise problem(f"{path}: figures", Line("missing; every figure needs value, title and url"))
    figures = {name: _figure_from_row(path, name, raw) for name, raw in rows.items()}
    try:
        check_year(year, figures, complete=complete)
    except FactDataError as exc:
        raise problem(path, exc.line) from None
    return YearFacts(year, figures)


def _toml_string(text: str) -> str:
    """A TOML string literal, escaped by a real TOML writer (quotes, backslashes, control characters)."""
    return tomli_w.dumps({"s": text}).removeprefix("s = ").rstrip("\n")


def dump_year(year: int, figures: Iterable[Figure]) -> str:
    """The data-file text for figures, one line per figure like the bundled files (export and fact packs)."""
    lines = [f"year = {int(year)}", "", "[figures]"]
    for fig in sorted(figures, key=lambda f: list(FIGURES).index(f.name)):
        lines.append(
            f"{fig.name} = {{ value = {int(fig.value)}, "  # whole dollars: check_year guarantees it
            f"title = {_toml_string(fig.citation.title)}, url = {_toml_string(fig.citation.url)} }}"
        )
    return "\n".join(lines) + "\n"


def load_dir(files: Iterable[tuple[str, str]]) -> FactBase:
    years: dict[int, YearFacts] = {}
    for path, text in files:
        yf = parse_year_file(path, text)
        if yf.year in years:
            raise problem(f"{path}: year", Line("{year} is defined twice", {"year": yf.year}))
        years[yf.year] = yf
    if not years:
        raise FactDataError("no fact data files found")
    return FactBase(years)


@cache
def load_facts() -> FactBase:
    """The bundled fact base, read once from the package's data files."""
    folder = resources.files("knowledge") / "data"
    files = sorted(
        (f"knowledge/data/{entry.name}", entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )
    return load_dir(files)


def previous(base: FactBase, year: int) -> YearFacts | None:
    return base.years.get(year - 1)


__all__ = [
    "Citation",
    "FactBase",
    "Figure",
    "YearFacts",
    "check_year",
    "dump_year",
    "load_facts",
    "missing_figures",
    "parse_year_file",
    "previous",
    "problem",
    "validation_reason",
]
