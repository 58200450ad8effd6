"""Money parsing: Decimal dollars from int, str or Decimal; floats are refused on purpose."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import InputError

CENT = Decimal("0.01")
# Above this no 401(k) figure is plausible; it catches typos such as an extra zero run.
MAX_AMOUNT = Decimal("100000000")
_MONEY = re.compile(r"^\$?\s*(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*(?P<k>[kK])?$")


def parse_money(field: str, value: object, *, allow_zero: bool = True) -> Decimal:
    """Parse a dollar amount such as 12500, "12,500", "$12,500.00" or "12.5k"."""
    if isinstance(value, bool) or isinstance(value, float):
        raise InputError(field, "give a whole-dollar or cents amount as a number or text, e.g. 12500 or \"12,500.00\"")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("-"):
            raise InputError(field, "must not be negative")
        m = _MONEY.match(text)
        if not m:
            raise InputError(field, f"{value!r} is not an amount; use digits such as 12500, 12,500.00 or 12.5k")
        try:
            amount = Decimal(m["num"].replace(",", ""))
        except InvalidOperation:
            raise InputError(field, f"{value!r} is not an amount") from None
        if m["k"]:
            amount *= 1000
    else:
        raise InputError(field, "must be an amount in dollars")
    if not amount.is_finite():
        raise InputError(field, "must be a finite amount")
    if amount < 0:
        raise InputError(field, "must not be negative")
    if not allow_zero and amount == 0:
        raise InputError(field, "must be more than zero")
    if amount > MAX_AMOUNT:
        raise InputError(field, f"{amount:,.0f} is not a plausible amount (at most {MAX_AMOUNT:,.0f})")
    if amount != amount.quantize(CENT, rounding=ROUND_DOWN):
        raise InputError(field, "at most two decimal places (cents)")
    return tidy(amount)


def tidy(amount: Decimal) -> Decimal:
    """Cents precision, written without a decimal part when it is whole dollars (36500, not 36500.00)."""
    q = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return q.quantize(Decimal(1)) if q == q.to_integral_value() else q


def cents(amount: Decimal) -> Decimal:
    return tidy(amount)


def cents_down(amount: Decimal) -> Decimal:
    """Rounded down to the cent: a per-paycheck amount must never overshoot the room."""
    return tidy(amount.quantize(CENT, rounding=ROUND_DOWN))


def plain(amount: Decimal) -> str:
    """US-style text for logs and plain steps: $12,500 or $1,234.56 (the bot formats with babel)."""
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"
