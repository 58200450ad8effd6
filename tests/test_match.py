from decimal import Decimal

import pytest

from knowledge.errors import InputError
from knowledge.match import parse_match


@pytest.mark.parametrize(
    "text,deferrals,pay,expected",
    [
        ("50% up to 6%", 23000, 200000, 6000),  # 6% of 200k = 12k matched at 50%
        ("50% up to 6%", 5000, 200000, 2500),  # defers less than the band
        ("100% of first 3% + 50% of next 2%", 23000, 100000, 4000),
        ("100% of the first 3% plus 50% of the next 2%", 3500, 100000, 3250),
        ("100% of the first 4% of pay", 23500, 100000, 4000),
        ("5%", 0, 350000, 17500),  # flat: paid whatever the deferral
        ("3% nonelective", 0, 100000, 3000),
    ],
)
def test_formulas(text, deferrals, pay, expected):
    assert parse_match(text).employer_amount(Decimal(deferrals), Decimal(pay)) == Decimal(expected)


@pytest.mark.parametrize(
    "text,msg",
    [
        ("", "is empty"),
        ("lots", "cannot read"),
        ("50% up to 60% + 50% of next 50%", "more than 100%"),
        ("500% up to 6%", "at most 200%"),
        ("40%", "between 0% and 25%"),
    ],
)
def test_bad_formulas_name_the_field(text, msg):
    with pytest.raises(InputError) as exc:
        parse_match(text)
    assert exc.value.field == "match_formula" and msg in exc.value.message
