"""Fact packs: a year's figures in the bundled data-file format, checked before anything is written.

A pack is loaded by the operator for every server or by a moderator for one. `plan_import` compares it with the
figures in force and checks it exactly like a single /facts set: sane ranges, the year's rules, a trusted https
source, how far ahead a year may be, and which changes move more than 15 % from the year before. A file with one
bad figure is refused whole, naming the file, the figure and why. Pure: the caller passes the figures in force,
the trusted hosts and the latest year allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import FactDataError, InputError
from .facts import FactBase, Figure, YearFacts, parse_year_file
from .figures import FIGURES
from .sources import check_source_url
from .text import Line
from .updates import JUMP_LIMIT

MAX_PACK_BYTES = 64 * 1024  # thirteen one-line figures need about 2 KB; anything far bigger is not a pack
# Shape bounds checked before the TOML parser sees the text (it is recursive, and slow on long dotted keys):
MAX_LINE = 2_000  # a figure's line is under 800 characters (a 200-character title, a 500-character link)
MAX_DEPTH = 4  # [figures] and a figure's { … } need 1
MAX_KEY = 100  # characters before a line's "=": the longest figure name is 30
MAX_KEY_PARTS = 4  # figures.ira_limit.value is 3


@dataclass(frozen=True, slots=True)
class FigureDiff:
    year: int
    figure: str
    old: Figure | None  # what is in force now (None: the year has no such figure yet)
    new: Figure
    prior: Figure | None  # the same figure for the year before, as it will be after the import

    @property
    def label(self) -> str:
        return FIGURES[self.figure].label

    @property
    def jump(self) -> Decimal | None:
        if self.prior is None:
            return None
        return (self.new.value - self.prior.value) / self.prior.value

    @property
    def needs_confirmation(self) -> bool:
        return self.jump is not None and abs(self.jump) > JUMP_LIMIT


@dataclass(frozen=True)
class ImportPlan:
    diffs: list[FigureDiff]
    new_years: list[int]  # years that come into force with the import (complete now, not in force before)
    result: FactBase  # the figures in force (and drafts) after the import
    drafts: list[int] = field(default_factory=list)  # years the import leaves as drafts, still incomplete

    @property
    def jumps(self) -> list[FigureDiff]:
        return [d for d in self.diffs if d.needs_confirmation]

    @property
    def years(self) -> list[int]:
        return sorted({d.year for d in self.diffs})


def kilobytes(size: int) -> int:
    """A file size in whole KB, rounded up (so a file just over the limit never reads as at the limit)."""
    return -(-size // 1024)


def file_error(where: str, reason: Line) -> InputError:
    """A refusal of the `file` option: "where: reason", where names the file (and the figure, when there is one)."""
    return InputError("file", "{where}: {problem}", where=where, problem=reason)


def scan_pack(name: str, text: str) -> None:
    """Refuse a text whose shape no fact pack has, before parsing it: over-long lines, deep nesting, long or
    many-part keys. A linear pass that knows TOML's strings and comments (a bracket or dot inside a title is
    text)."""
    for number, row in enumerate(text.split("\n"), 1):
        if len(row) > MAX_LINE:
            raise file_error(
                name, Line("line {line} is longer than {count} characters", {"line": number, "count": MAX_LINE})
            )
    depth, line, col, dots, key_done, key_start = 0, 1, 0, 0, False, 0
    quote: str | None = None  # the string being read: ", ', \"\"\" or \'\'\'
    i, end = 0, len(text)
    while i < end:
        ch = text[i]
        if quote is not None:
            if len(quote) == 3 and text.startswith(quote, i):
                quote, i, col = None, i + 3, col + 3
                continue
            if ch == "\\" and quote[0] == '"':
                i, col = i + 2, col + 2
                continue
            if ch == "\n":
                line, col, dots, key_done, key_start = line + 1, -1, 0, False, 0
                quote = quote if len(quote) == 3 else None  # a one-line string ends at the line's end
            elif len(quote) == 1 and ch == quote:
                quote = None
            i, col = i + 1, col + 1
            continue
        if text.startswith(('"""', "'''"), i):
            quote, i, col = text[i : i + 3], i + 3, col + 3
            continue
        if ch in "\"'":
            quote = ch
        elif ch == "#":
            nl = text.find("\n", i)
            i = end if nl < 0 else nl
            continue
        elif ch == "\n":
            line, col, dots, key_done, key_start = line + 1, -1, 0, False, 0
        elif ch == ",":  # the next key of an inline table (or the next item of an array)
            dots, key_done, key_start = 0, False, col + 1
        elif ch in "[{":
            if ch == "{":
                dots, key_done, key_start = 0, False, col + 1
            depth += 1
            if depth > MAX_DEPTH:
                raise file_error(
                    name,
                    Line("nested more than {count} levels deep at line {line}", {"count": MAX_DEPTH, "line": line}),
                )
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == "=" and not key_done:
            key_done = True
            if col - key_start > MAX_KEY:
                raise file_error(
                    name,
                    Line("the key at line {line} is longer than {count} characters", {"line": line, "count": MAX_KEY}),
                )
        elif ch == "." and not key_done:
            dots += 1
            if dots >= MAX_KEY_PARTS:
                raise file_error(
                    name,
                    Line("the key at line {line} has more than {count} parts", {"line": line, "count": MAX_KEY_PARTS}),
                )
        i, col = i + 1, col + 1


def read_pack(name: str, data: bytes | str) -> YearFacts:
    """One pack file; a partial year is accepted (layered over what is entered, it may stay a draft)."""
    if isinstance(data, bytes):
        if len(data) > MAX_PACK_BYTES:
            raise file_error(
                name,
                Line(
                    "{size} KB is too big for a fact pack (at most {limit} KB)",
                    {"size": kilobytes(len(data)), "limit": MAX_PACK_BYTES // 1024},
                ),
            )
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise file_error(name, Line("not UTF-8 text; a fact pack is a .toml file")) from None
    if len(data) > MAX_PACK_BYTES:
        raise file_error(name, Line("too big for a fact pack (at most {limit} KB)", {"limit": MAX_PACK_BYTES // 1024}))
    scan_pack(name, data)
    try:
        return parse_year_file(name, data, complete=False)
    except FactDataError as exc:  # already "name: …": the same words, now about the option
        raise InputError("file", exc.line.template, **exc.line.params) from None
    except (RecursionError, MemoryError, ValueError):  # the parser's own limits (the scan should come first)
        raise file_error(name, Line("not a fact pack: too large or too deeply nested to read")) from None


def plan_import(
    facts: FactBase,
    packs: Iterable[tuple[str, YearFacts]],
    hosts: tuple[str, ...],
    max_year: int,
    origin: str,
) -> ImportPlan:
    """What importing the packs over `facts` would change; InputError("file", …) naming file, figure and why."""
    by_year: dict[int, tuple[str, YearFacts]] = {}
    for name, pack in packs:
        if pack.year in by_year:
            raise file_error(
                name,
                Line(
                    "year {year} is also in {other}; give it once", {"year": pack.year, "other": by_year[pack.year][0]}
                ),
            )
        if pack.year > max_year:
            raise file_error(
                name,
                Line(
                    "year {year} is too far ahead; figures can be loaded up to {latest}, once the IRS publishes them",
                    {"year": pack.year, "latest": max_year},
                ),
            )
        by_year[pack.year] = (name, pack)
    result = facts
    diffs: list[FigureDiff] = []
    for year in sorted(by_year):  # ascending: a 2027 jump is measured against the 2026 being imported with it
        name, pack = by_year[year]
        before = result
        changed: list[Figure] = []
        for fig in pack.figures.values():
            try:
                check_source_url(fig.citation.url, hosts, field="url")
            except InputError as exc:
                raise file_error(f"{name}: figures.{fig.name}.url", exc.line) from None
            old = before.figure(year, fig.name)
            if old is not None and (old.value, old.citation) == (fig.value, fig.citation):
                continue  # already entered, with the same source
            changed.append(Figure(fig.name, fig.value, fig.citation, origin=origin))
        try:
            result = result.with_figures(year, changed)  # a year still lacking figures stays (or becomes) a draft
        except FactDataError as exc:
            raise file_error(f"{name}: {year}", exc.line) from None
        for fig in changed:
            old, prior = before.figure(year, fig.name), result.figure(year - 1, fig.name)
            diffs.append(FigureDiff(year, fig.name, old, fig, prior))
    order = list(FIGURES)
    diffs.sort(key=lambda d: (d.year, order.index(d.figure)))
    touched = {d.year for d in diffs}
    new_years = [y for y in sorted(touched) if y in result.years and y not in facts.years]
    drafts = [y for y in sorted(touched) if y in result.drafts]
    return ImportPlan(diffs, new_years, result, drafts)


def diff_line(d: FigureDiff, money: Callable[[Decimal], str]) -> str:
    """One change as plain English text, for the operator's command line (Discord shows _announce.change_text):
    2027 · 402(g) elective deferral limit: not set → 25,000 (+2.0% on 2026) · source."""
    before = money(d.old.value) if d.old is not None else "not set"
    line = f"{d.year} · {d.label}: {before} → {money(d.new.value)}"
    if d.jump is not None:
        line += f" ({d.jump * 100:+.1f}% on {d.year - 1}{', over 15%' if d.needs_confirmation else ''})"
    if d.old is not None and d.old.value == d.new.value:
        line += " (new source)"
    return line + f" · {d.new.citation.title} <{d.new.citation.url}>"


__all__ = [
    "MAX_PACK_BYTES",
    "FigureDiff",
    "ImportPlan",
    "diff_line",
    "file_error",
    "kilobytes",
    "plan_import",
    "read_pack",
    "scan_pack",
]
