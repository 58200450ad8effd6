"""The one error type the core raises for bad input, and its two relatives.

Messages are English templates with parameters (like knowledge.text.Line), so a front end can translate them;
str() of an error is the English text, for logs and the command line."""

from __future__ import annotations

from typing import Any

from .text import Line


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
        super().__init__("year", "no IRS figures for {year}; known years: {known}", year=year, known=listed)


class FactDataError(ValueError):
    """A fact data file (or a moderator's change) breaks the fact rules."""

    def __init__(self, message: str, /, **params: Any) -> None:
        self.line = Line(message, params)
        super().__init__(self.line.text)
