"""The one error type the core raises for bad input, and its two relatives."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input from a member: names the field and says what is accepted."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class UnknownYearError(InputError):
    """A tax year the fact base has no figures for."""

    def __init__(self, year: int, known: list[int]) -> None:
        self.year = year
        self.known = known
        listed = ", ".join(str(y) for y in known) or "none"
        super().__init__("year", f"no IRS figures for {year}; known years: {listed}")


class FactDataError(ValueError):
    """A fact data file (or a moderator's change) breaks the fact rules."""
