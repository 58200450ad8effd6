"""Locale-aware formatting with babel: amounts always in US dollars, dates in the member's style, and text in the
member's language from the gettext catalogs (bot.i18n)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from knowledge.money import PLAIN_LIMIT, plain
from knowledge.text import Line, fill

from .i18n import catalog

FALLBACK = "en_US"
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def babel_locale(tag: object) -> Locale:
    # discord.Locale values look like "en-US", "pt-BR", "de"; str() of the enum gives that value.
    text = str(getattr(tag, "value", tag) or FALLBACK).replace("-", "_")
    try:
        return Locale.parse(text)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK)


class Formatter:
    def __init__(self, tag: object = FALLBACK) -> None:
        self.locale = babel_locale(tag)
        self.language = self.locale.language
        self.gettext = catalog(self.locale).gettext
        pattern = self.locale.currency_formats["standard"].pattern
        # The same pattern without the decimals, for whole-dollar amounts ($36,500 rather than $36,500.00).
        self._whole = re.sub(r"\.0+", "", pattern)
        # The same amounts recur in every answer (the year's limits, common pay figures); babel takes ~10 µs each.
        self._shapes: dict[int, str | None] = {}  # whole-dollar amounts by their number of digits: see _shape
        self.money = lru_cache(maxsize=4096)(self._money)
        self.number = lru_cache(maxsize=1024)(self._number)
        self.percent = lru_cache(maxsize=256)(self._percent)

    def t(self, template: str, /, **params: Any) -> str:
        """A message in this locale's language: `template` is the English (and the catalog key), filled with
        params already formatted (money through self.money) or Lines, which are translated too."""
        return fill(template, params, self.money, None, self.gettext, self.percent)

    def line(self, line: Line, text: Any = None) -> str:
        """A core Line (step, warning, error) translated and filled; `text` escapes what a member may have typed."""
        return line.render(self.money, text, self.gettext, self.percent)

    def _money(self, amount: Decimal | int) -> str:
        amount = Decimal(amount)
        if not amount.is_finite() or abs(amount) >= PLAIN_LIMIT:
            # Only in a refusal quoting what someone wrote (1e30, NaN): babel would raise decimal's
            # InvalidOperation past 28 digits, and an error message must never fail to be built.
            return plain(amount)
        if amount == amount.to_integral_value():
            digits = str(int(amount))
            shape = None
            if amount >= 0:
                shape = self._shapes[len(digits)] if len(digits) in self._shapes else self._shape(len(digits))
            if shape is not None:
                return shape.format(*digits)
            text = format_currency(amount, "USD", format=self._whole, locale=self.locale, currency_digits=False)
        else:
            text = format_currency(amount, "USD", locale=self.locale)
        # CLDR's currency spacing, which babel leaves out: a letter symbol never touches a digit ("USD 36,500",
        # not "USD36,500", in es-419).
        return _LETTER_DIGIT.sub("\u00a0", text)

    def _shape(self, width: int) -> str | None:
        """babel's whole-dollar amount of `width` digits as a template, its digits as slots: where the group marks
        and the currency go depends only on how many digits there are, so one amount formatted by babel (a new
        amount costs ~10 µs there) places every other amount of that width exactly as babel would."""
        sample = ("123456789" * 3)[:width]
        text = _LETTER_DIGIT.sub(
            "\u00a0",
            format_currency(Decimal(sample), "USD", format=self._whole, locale=self.locale, currency_digits=False),
        )
        shape: str | None = re.sub(r"\d", "{}", text.replace("{", "{{").replace("}", "}}"))
        if "".join(re.findall(r"\d", text)) != sample:  # other digits, or a sign: babel's own text every time
            shape = None
        self._shapes[width] = shape
        return shape

    def _percent(self, value: Decimal) -> str:
        """13%, 13.1% in English; 13 %, 13,1 % in Spain: babel's percent pattern for the locale, decimals kept."""
        return format_percent(value.normalize() / 100, locale=self.locale, decimal_quantization=False)

    def _number(self, value: Decimal | int) -> str:
        return format_decimal(value, locale=self.locale)

    def date(self, when: date | datetime) -> str:
        return format_date(when, format="medium", locale=self.locale)


@lru_cache(maxsize=64)
def formatter(tag: object = FALLBACK) -> Formatter:
    return Formatter(tag)
