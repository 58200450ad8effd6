"""Amounts are read the way the member's Discord language writes them; what is ambiguous is refused, never guessed."""

from decimal import Decimal

import discord
import pytest
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from bot.formatting import _LETTER_DIGIT, formatter
from knowledge.errors import InputError
from knowledge.money import parse_money

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    "locale,text,expected",
    [
        ("en-US", "23500", 23500),
        ("en-US", "23,500", 23500),
        ("en-US", "$23,500.00", 23500),
        ("en-US", "23.5k", 23500),
        ("en-US", "200k", 200000),
        ("en-US", "1,234.56", Decimal("1234.56")),
        ("en-US", "23 500", 23500),
        ("de", "23.500", 23500),
        ("de", "200.000", 200000),
        ("de", "23.500 $", 23500),
        ("de", f"23.500{NBSP}$", 23500),
        ("de", "1,5k", 1500),
        ("de", "8.250,50", Decimal("8250.50")),
        ("fr", "23 500", 23500),
        ("fr", f"23{NNBSP}500{NBSP}$US", 23500),
        ("fr", f"23{NBSP}500,25", Decimal("23500.25")),
        ("es-ES", "42.950", 42950),
        ("es-ES", f"42.950,50{NBSP}US$", Decimal("42950.50")),
        ("es-419", "42,950", 42950),
        ("es-419", "USD42,950.50", Decimal("42950.50")),
        ("pt-BR", "42.950", 42950),
        ("pt-BR", f"US${NBSP}42.950,50", Decimal("42950.50")),
    ],
)
def test_reads_the_members_own_format(locale, text, expected):
    assert parse_money("employee_deferrals", text, locale=locale) == Decimal(expected)


@pytest.mark.parametrize(
    "locale,text,readings",
    [
        ("en-US", "23.500", ["23.50", "23500"]),  # a German-style amount from an American member
        ("en-US", "200.000", ["200", "200000"]),
        ("de", "23,500", ["23.50", "23500"]),  # an American-style amount from a German member
        ("fr", "23.500", ["23.50", "23500"]),
        ("es-419", "23.500", ["23.50", "23500"]),
    ],
)
def test_ambiguous_amounts_are_refused_with_both_readings(locale, text, readings):
    with pytest.raises(InputError) as exc:
        parse_money("employee_deferrals", text, locale=locale)
    assert exc.value.field == "employee_deferrals"
    assert "ambiguous" in exc.value.message and f"“{text}”" in exc.value.message
    assert "23500" in exc.value.message or "200000" in exc.value.message  # the unambiguous way to type it
    # The member sees both readings the way the bot prints money in their language (what it reads back).
    f = formatter(locale)
    shown = f.line(exc.value.line)
    for reading in readings:
        assert f.money(Decimal(reading)) in shown
    # The English text (logs, the command line) has US-style amounts.
    assert f"it would be ${Decimal(readings[0]):,}, but it may mean ${Decimal(readings[1]):,}." in exc.value.message


def test_readings_are_shown_in_the_members_format():
    with pytest.raises(InputError) as exc:
        parse_money("employee_deferrals", "23,500", locale="de")
    assert "23,50\u00a0$" in formatter("de").line(exc.value.line)
    assert "23.500\u00a0$" in formatter("de").line(exc.value.line)
    with pytest.raises(InputError) as exc:
        parse_money("employee_deferrals", "23.500", locale="fr")
    assert "23\u202f500\u00a0$US" in formatter("fr").line(exc.value.line)


@pytest.mark.parametrize("locale,text,meant", [("en-US", "1,5k", "1500"), ("de", "23.5k", "23500")])
def test_a_reading_only_in_another_convention_is_offered_not_taken(locale, text, meant):
    with pytest.raises(InputError) as exc:
        parse_money("compensation", text, locale=locale)
    f = formatter(locale)
    assert "did you mean" in exc.value.message and f.money(Decimal(meant)) in f.line(exc.value.line)


def test_long_input_is_quoted_as_a_short_excerpt():
    with pytest.raises(InputError) as exc:
        parse_money("compensation", "9" * 3 + "x" * 5000, locale="en-US")
    assert len(exc.value.message) < 200


@pytest.mark.parametrize("locale", ["en-US", "de", "fr", "es-ES", "es-419", "pt-BR"])
@given(cents=st.integers(min_value=0, max_value=10**10))
def test_what_the_bot_prints_it_reads_back(locale, cents):
    amount = Decimal(cents) / 100
    printed = formatter(locale).money(amount)
    assert parse_money("x", printed, locale=locale) == amount


@pytest.mark.parametrize(
    "locale,text",
    [
        ("de", "1.500k"),  # 1,500,000 in German, 1,500 as English writes it
        ("de", "1,500k"),
        ("en-US", "23,500k"),
    ],
)
def test_k_amounts_with_separators_that_read_two_ways_are_refused(locale, text):
    with pytest.raises(InputError, match="ambiguous"):
        parse_money("compensation", text, locale=locale)


def test_unambiguous_grouping_from_another_convention_is_read():
    # Hindi groups 2,00,000; "200,000" can only mean two hundred thousand there too.
    assert parse_money("compensation", "200,000", locale="hi") == 200000
    assert parse_money("compensation", "2,00,000", locale="hi") == 200000


@pytest.mark.parametrize("text", ["9" * 30 + "k", "9" * 30 + ",5k", "2$3", "5$0$0", "1USD000", "1" * 6000])
def test_odd_input_is_refused_cleanly(text):
    with pytest.raises(InputError) as exc:
        parse_money("compensation", text, locale="de")
    assert len(exc.value.message) < 200


def test_bulgarian_reads_back_what_it_prints():
    printed = formatter("bg").money(Decimal("23500"))
    assert parse_money("x", printed, locale="bg") == 23500


@pytest.mark.parametrize("locale", [loc.value for loc in discord.Locale])
@given(dollars=st.integers(min_value=-(10**12), max_value=10**14 - 1))
def test_whole_amounts_are_exactly_what_babel_prints_in_every_discord_language(locale, dollars):
    """Formatter fills babel's shape for the amount's number of digits (cheap): it must match babel itself."""
    f = formatter(locale)
    babel_text = format_currency(
        Decimal(dollars),
        "USD",
        format=f._whole,
        locale=f.locale,
        currency_digits=False,  # noqa: SLF001
    )
    assert f.money(Decimal(dollars)) == _LETTER_DIGIT.sub("\u00a0", babel_text)
