"""Hypothesis properties of the room: never negative, never above the limit, monotone, blind to catch-up."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.room import RoomInput, compute_room

years = st.sampled_from([2023, 2024, 2025, 2026])
amounts = st.integers(min_value=0, max_value=120_000)


def _input(year, age, pay, deferrals, employer, after_tax):
    deferrals = min(deferrals, pay)
    after_tax = min(after_tax, pay - deferrals)
    return RoomInput(
        year=year,
        age=age,
        compensation=pay,
        employee_deferrals=deferrals,
        employer_contributions=employer,
        ytd_after_tax=after_tax,
    )


common = dict(
    year=years,
    age=st.integers(14, 120),
    pay=st.integers(1, 600_000),
    deferrals=amounts,
    employer=amounts,
    after_tax=amounts,
)


@settings(max_examples=300, deadline=None)
@given(**common)
def test_room_within_zero_and_limit(year, age, pay, deferrals, employer, after_tax):
    r = compute_room(_input(year, age, pay, deferrals, employer, after_tax))
    assert Decimal(0) <= r.after_tax_room <= r.limit <= r.dollar_limit


@settings(max_examples=200, deadline=None)
@given(**common, more=st.integers(1, 50_000))
def test_room_never_rises_with_more_deferrals_or_employer_money(year, age, pay, deferrals, employer, after_tax, more):
    base = compute_room(_input(year, age, pay, deferrals, employer, after_tax))
    more_employer = compute_room(_input(year, age, pay, deferrals, employer + more, after_tax))
    assert more_employer.after_tax_room <= base.after_tax_room
    if deferrals + more + min(after_tax, pay - deferrals) <= pay:
        more_deferrals = compute_room(_input(year, age, pay, deferrals + more, employer, after_tax))
        assert more_deferrals.after_tax_room <= base.after_tax_room


@settings(max_examples=200, deadline=None)
@given(year=years, age=st.integers(50, 120), employer=amounts, catch_up=st.integers(0, 7500))
def test_catch_up_amounts_do_not_change_room(year, age, employer, catch_up):
    full = {2023: 22500, 2024: 23000, 2025: 23500, 2026: 24500}[year]
    pay = 500_000
    without = compute_room(_input(year, age, pay, full, employer, 0))
    with_cu = compute_room(_input(year, age, pay, full + catch_up, employer, 0))
    assert with_cu.after_tax_room == without.after_tax_room
    assert with_cu.excess_deferrals == 0
