"""Money parsing: Decimal dollars from int, str or Decimal; floats are refused on purpose.

Text is read the way the member's language writes numbers (babel's symbols for the locale): "23.500" is
23,500 to a German member and ambiguous to an American one. What cannot be read one way only is refused with
every reading shown; nothing is guessed.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from .errors import InputError
from .text import N_, Line

CENT = Decimal("0.01")
# Above this no 401(k) figure is plausible; it catches typos such as an extra zero run.
MAX_AMOUNT = Decimal("100000000")
DEFAULT_LOCALE = "en_US"
EXCERPT = 40
# The currency marks babel prints for USD in the locales we serve, and what members type.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_NUMBER_CHARS = re.compile(r"^[0-9.,'\u00a0\u202f ]+$")
# The other conventions a member might have typed in: period decimals (en) and comma decimals (de).
_OTHER_CONVENTIONS = ("en_US", "de")


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """A short, quoted piece of what was typed, for error messages (never the whole of a long input)."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"“{text}”"


@lru_cache(maxsize=64)
def _locale(tag: str) -> Locale:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(DEFAULT_LOCALE)


def _read(number: str, locale: Locale) -> Decimal | None:
    """Strictly as this locale writes numbers (grouping checked), or None."""
    group = get_group_symbol(locale)
    # Members type plain spaces where babel prints narrow no-break ones (fr) or none at all (en, de).
    text = _SPACES.sub(group, number)
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        return None


def _places_ok(amount: Decimal) -> bool:
    return amount == amount.quantize(CENT, rounding=ROUND_DOWN)


# More digits than any plausible amount: refused before arithmetic that would run past Decimal's precision.
_MAX_DIGITS = 15


def _fits(reading: Decimal, factor: Decimal) -> bool:
    """Cents at most; without "k", as written too: "23.500" has three places, which money never has."""
    if factor == 1:
        return int(reading.as_tuple().exponent) >= -2
    return _places_ok(reading * factor)


def _language(locale: Locale) -> str:
    """The member's language as Discord's language menu names it, in that language ("español (Latinoamérica)",
    "Deutsch"): it reads right in the translated message, and in the English one a member falls back to."""
    return locale.display_name or locale.english_name or str(locale)


_NOT_AN_AMOUNT = N_("{value} is not an amount; use digits such as 12500 or 12.5k")
_NOT_PLAUSIBLE = N_("{value} is not a plausible amount (at most {most})")


def _symbols(locale: Locale) -> tuple[str, str]:
    return get_decimal_symbol(locale), get_group_symbol(locale)


def _strip_currency(raw: str, locale: Locale) -> str:
    """The currency mark at either end (what members type, and what babel prints for this locale), not inside."""
    marks = {"$", "US$", "US $", "$US", "$ US", "USD", get_currency_symbol("USD", locale)}
    text = raw
    for mark in sorted(marks, key=len, reverse=True):
        if text.upper().startswith(mark.upper()):
            text = text[len(mark) :].strip()
            break
    for mark in sorted(marks, key=len, reverse=True):
        if text.upper().endswith(mark.upper()):
            text = text[: len(text) - len(mark)].strip()
            break
    return text


def parse_amount(field: str, text: str, locale: str = DEFAULT_LOCALE) -> Decimal:
    """A dollar amount typed by a member whose Discord language is `locale`: "200000", "200k", "$23,500.00"
    in English; "23.500", "23.500 $", "1,5k" in German; "23 500 $" in French."""
    if len(text) > 64:  # no amount is this long; refused without filling the cache with it
        raise InputError(field, _NOT_AN_AMOUNT, value=excerpt(text))
    return _parse_amount(field, text, locale)


@lru_cache(maxsize=4096)  # pure; the same few amounts recur
def _parse_amount(field: str, text: str, locale: str) -> Decimal:
    raw = text.strip()
    if raw.isascii() and raw.isdigit():  # digits alone: every way of writing numbers reads them alike
        return Decimal(raw)
    if raw.startswith(("-", "−")):
        raise InputError(field, "must not be negative")
    loc = _locale(locale)
    number = _strip_currency(raw, loc)
    factor = Decimal(1)
    if number[-1:] in {"k", "K"}:
        number, factor = number[:-1].strip(), Decimal(1000)
    if not number or not _NUMBER_CHARS.match(number) or not number[0].isdigit() and number[0] not in ".,":
        raise InputError(field, _NOT_AN_AMOUNT, value=excerpt(text))
    if sum(c.isdigit() for c in number) > _MAX_DIGITS:
        raise InputError(field, _NOT_PLAUSIBLE, value=excerpt(text), most=MAX_AMOUNT)
    if number.isascii() and number.isdigit():  # digits alone: every way of writing numbers reads them alike
        return Decimal(number) * factor
    own = _read(number, loc)
    if own is not None and not _fits(own, factor):
        own_fits = False
    else:
        own_fits = own is not None
    # Every other way of writing numbers that reads this text differently: the member may have meant that.
    others: dict[Decimal, Locale] = {}
    same_decimal: dict[Decimal, Locale] = {}
    for tag in _OTHER_CONVENTIONS:
        other = _locale(tag)
        if _symbols(other) == _symbols(loc) and own_fits:
            continue
        reading = _read(number, other)
        if (
            reading is None
            or not _fits(reading, factor)
            or (own is not None and own_fits and reading * factor == own * factor)
        ):
            continue
        others.setdefault(reading * factor, other)
        if get_decimal_symbol(other) == get_decimal_symbol(loc):
            same_decimal.setdefault(reading * factor, other)
    if own is not None and own_fits and not others:
        return own * factor
    if own is None and len(others) == 1 and same_decimal:
        # Only the grouping differs (e.g. "200,000" from a Hindi-language member, whose locale groups 2,00,000):
        # the decimal mark means the same, so there is one reading.
        return next(iter(same_decimal))
    if not others:
        if own is not None:
            raise InputError(field, "{value} has more than two decimal places (cents)", value=excerpt(text))
        raise InputError(
            field, "{value} is not an amount as {language} writes numbers", value=excerpt(text), language=_language(loc)
        )
    # The readings are amounts, shown the way the member's language writes money (the front end formats them).
    readings = list(others)
    shown: Decimal | Line = readings[0]
    if len(readings) > 1:  # at most two other conventions read it
        shown = Line("{first} or {second}", {"first": readings[0], "second": readings[1]})
    digits = _plain_digits(readings[0])
    if own is not None:
        raise InputError(
            field,
            "{value} is ambiguous: as {language} writes numbers it would be {mine}, but it may mean {others}. "
            "Type it without group separators, e.g. {digits}",
            value=excerpt(text),
            language=_language(loc),
            mine=own * factor,
            others=shown,
            digits=digits,
        )
    raise InputError(
        field,
        "{value} is not an amount as {language} writes numbers; did you mean {others}? "
        "Type it without group separators, e.g. {digits}",
        value=excerpt(text),
        language=_language(loc),
        others=shown,
        digits=digits,
    )


def _plain_digits(amount: Decimal) -> str:
    """Digits only, with a period for cents: readable in every language and accepted everywhere."""
    return f"{amount:f}" if amount != amount.to_integral_value() else f"{amount.to_integral_value():f}"


def parse_money(field: str, value: object, *, allow_zero: bool = True, locale: str = DEFAULT_LOCALE) -> Decimal:
    """Parse a dollar amount such as 12500, "12,500", "$12,500.00" or "12.5k" (text read for `locale`)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise InputError(field, 'give a whole-dollar or cents amount as a number or text, e.g. 12500 or "12,500.00"')
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
        # Already as this function returns it (whole dollars, or cents that are not whole): the common case of a
        # saved profile or an amount read once by the command, returned without being worked again.
        exponent = amount.as_tuple().exponent
        if (exponent == 0 or (exponent == -2 and amount % 1)) and 0 <= amount <= MAX_AMOUNT and (allow_zero or amount):
            return amount
    elif isinstance(value, str):
        if len(value) > 64:  # no amount is this long; refused without filling the cache with it
            raise InputError(field, _NOT_AN_AMOUNT, value=excerpt(value))
        return _money_text(field, value, locale, allow_zero)
    else:
        raise InputError(field, "must be an amount in dollars")
    return _checked(field, amount, value, allow_zero)


@lru_cache(maxsize=4096)  # pure: a saved profile's amounts are the same few texts, read on every load
def _money_text(field: str, text: str, locale: str, allow_zero: bool) -> Decimal:
    return _checked(field, _parse_amount(field, text, locale), text, allow_zero)


def _checked(field: str, amount: Decimal, value: object, allow_zero: bool) -> Decimal:
    if not amount.is_finite():
        raise InputError(field, "must be a finite amount")
    if amount < 0:
        raise InputError(field, "must not be negative")
    if not allow_zero and amount == 0:
        raise InputError(field, "must be more than zero")
    if amount > MAX_AMOUNT:
        raise InputError(field, _NOT_PLAUSIBLE, value=excerpt(value), most=MAX_AMOUNT)
    if not _places_ok(amount):
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


PLAIN_LIMIT = Decimal(10) ** 15


def plain(amount: Decimal) -> str:
    """US-style text for logs and plain steps: $12,500 or $1,234.56 (the bot formats with babel). An amount no
    one would state (not finite, or past a trillion) is shown as written, shortened: never an exception."""
    if not amount.is_finite() or abs(amount) >= PLAIN_LIMIT:
        return f"${str(amount)[:40]}"
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"
