"""The one error type the core raises for bad input, and its two relatives.

Messages are English templates with parameters (like knowledge.text.Line), so a front end can translate them;
str() of an error is the English text, for logs and the command line."""

from __future__ import annotations

from typing import Any

from .text import N_, Line


def listing(labels: list[str]) -> Line:
    """Labels (English templates) joined with commas, each translated by the front end."""
    joined = ", ".join(f"{{l{i}}}" for i in range(len(labels)))  # not a catalog entry: only placeholders
    return Line(joined, {f"l{i}": Line(t) for i, t in enumerate(labels)})


class InputError(ValueError):
    """Bad input from a member: names the field and says what is accepted."""

    def __init__(self, field: str, message: str, /, **params: Any) -> None:
        self.field = field
        self.line = Line(message, params)
        self.message = self.line.text
        super().__init__(f"{field}: {self.message}")


class UnknownYearError(InputError):
    """A tax year the fact base has no figures for."""

    def __init__(self, year: int, known: list[int]) -> None:
        self.year = year
        self.known = known
        listed: str | Line = ", ".join(str(y) for y in known) or Line("none")
        super().__init__("year", N_("no IRS figures for {year}; known years: {known}"), year=year, known=listed)


class DraftYearError(UnknownYearError):
    """A tax year whose figures are only a draft: some are in, but not every figure the calculator needs, so no
    answer uses it yet. Answered like an unknown year, naming what the draft still lacks."""

    def __init__(self, year: int, known: list[int], missing: list[str]) -> None:
        self.missing = missing
        InputError.__init__(
            self,
            "year",
            N_("{year}'s figures are a draft, not in force yet (still missing: {missing}); known years: {known}"),
            year=year,
            missing=listing(missing),
            known=", ".join(str(y) for y in known) or Line("none"),
        )
        self.year = year
        self.known = known


class FactDataError(ValueError):
    """A fact data file (or a moderator's change) breaks the fact rules."""

    def __init__(self, message: str, /, **params: Any) -> None:
        self.line = Line(message, params)
        super().__init__(self.line.text)
