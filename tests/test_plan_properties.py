"""Hypothesis properties of the planner: within every limit, never negative, the room is compute_room's, and the
next-higher election overshoots."""

from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from knowledge.errors import InputError
from knowledge.facts import load_facts
from knowledge.plan import PAY_FREQUENCIES, PlanInput, compute_plan, plan_input
from knowledge.profile import PlanProfile, room_input
from knowledge.room import RoomInput, compute_room

ZERO = Decimal(0)


@st.composite
def plan_inputs(draw):
    frequency = draw(st.sampled_from(sorted(PAY_FREQUENCIES)))
    per_year = PAY_FREQUENCIES[frequency]
    left = draw(st.integers(1, per_year))
    pay = draw(st.integers(8_000, 700_000))
    bonus = draw(st.sampled_from([0, 0, 5_000, 40_000]))
    ytd_deferrals = draw(st.integers(0, 36_000))
    ytd_after_tax = draw(st.integers(0, 50_000))
    assume(ytd_deferrals + ytd_after_tax <= pay * (per_year - left) // per_year)
    formula = draw(
        st.sampled_from(
            [None, "50% up to 6%", "100% of first 3% + 50% of next 2%", "100% up to 4%", "50% up to 100%", "3% of pay"]
        )
    )
    return dict(
        year=draw(st.sampled_from([2025, 2026])),
        age=draw(st.sampled_from([30, 49, 50, 55, 60, 63, 64])),
        compensation=pay,
        pay_frequency=frequency,
        paychecks_left=left,
        ytd_deferrals=ytd_deferrals,
        ytd_employer=draw(st.integers(0, 30_000)),
        ytd_after_tax=ytd_after_tax,
        other_plan_deferrals=draw(st.sampled_from([0, 0, 5_000, 30_000])),
        employer_contributions=draw(st.sampled_from([0, 0, 3_000])),
        match_formula=formula,
        match_dollar_cap=draw(st.sampled_from([None, None, 2_000, 12_250])),
        match_true_up=draw(st.booleans()),
        match_after_tax=draw(st.booleans()),
        bonus=bonus,
        bonus_paycheck=draw(st.integers(1, left)) if bonus else None,
        bonus_counts=draw(st.booleans()),
        election_unit=draw(st.sampled_from(["percent", "tenths", "dollars"])),
        plan_after_tax_cap_pct=draw(st.sampled_from([None, None, 10, 25])),
    )


def _year_end_room(kw, r):
    """compute_room for the figures the plan leads to, built here from the inputs, not from the planner."""
    return compute_room(
        RoomInput(
            year=kw["year"],
            age=kw["age"],
            compensation=Decimal(kw["compensation"]) + kw["bonus"],
            employee_deferrals=kw["ytd_deferrals"] + r.deferral.total,
            employer_contributions=(kw["ytd_employer"] if kw["match_formula"] else 0)
            + kw["employer_contributions"]
            + r.match_total
            + r.true_up,
            ytd_after_tax=kw["ytd_after_tax"],
            other_plan_deferrals=kw["other_plan_deferrals"],
            plan_after_tax_cap_pct=kw["plan_after_tax_cap_pct"],
        )
    )


def _plan(kw):
    try:
        inp = PlanInput(**kw)
    except InputError:
        assume(False)
    return compute_plan(inp)  # input that validates gets a plan, never a refusal (issue 19's low earner)


@settings(max_examples=300, deadline=None)
@given(plan_inputs())
def test_no_schedule_exceeds_any_limit_and_nothing_is_negative(kw):
    r = _plan(kw)
    before = compute_room(
        RoomInput(
            year=kw["year"],
            age=kw["age"],
            compensation=Decimal(kw["compensation"]) + kw["bonus"],
            employee_deferrals=kw["ytd_deferrals"],
            employer_contributions=kw["ytd_employer"],
            ytd_after_tax=kw["ytd_after_tax"],
            other_plan_deferrals=kw["other_plan_deferrals"],
        )
    )
    after = _year_end_room(kw, r)
    assert after.excess_deferrals == before.excess_deferrals  # the plan adds no excess deferral
    assert r.after_tax.total <= after.after_tax_room
    # A true-up past 415(c) turns as much counted deferral into catch-up (50+), so it can add less than itself.
    assert r.year_end_415c <= r.paychecks[-1].total_415c + r.true_up
    if kw["age"] < 50:
        assert r.year_end_415c == r.paychecks[-1].total_415c + r.true_up
    if r.year_end_415c > r.limit_415c:  # only when employer money and after-tax so far already pass 415(c)
        assert r.after_tax.total == 0 and all(p.deferral == p.catch_up for p in r.paychecks)
    for p in r.paychecks:
        assert min(p.deferral, p.after_tax, p.match, p.catch_up, p.deferral_election, p.after_tax_election) >= ZERO
        assert p.deferral + p.after_tax <= p.pay
        if kw["plan_after_tax_cap_pct"] is not None:
            assert p.after_tax <= p.pay * kw["plan_after_tax_cap_pct"] / 100
    assert r.deferral.value >= 0 and r.after_tax.value >= 0
    if kw["paychecks_left"] == PAY_FREQUENCIES[kw["pay_frequency"]]:  # the whole year: its paychecks are its pay
        assert sum(p.pay for p in r.paychecks) == Decimal(kw["compensation"]) + kw["bonus"]
    total_pay = Decimal(kw["compensation"]) + kw["bonus"]
    assert kw["ytd_deferrals"] + kw["ytd_after_tax"] + r.deferral.total + r.after_tax.total <= total_pay


@settings(max_examples=300, deadline=None)
@given(plan_inputs())
def test_the_room_it_fills_is_compute_rooms(kw):
    """One model of the year: /plan states the room /room states for the same inputs, fills no more of it, and
    what it leaves unfilled is the difference; the actual year-end figures of the plan leave at least that room."""
    r = _plan(kw)
    options = {k: v for k, v in kw.items() if k != "year"}
    room = compute_room(room_input(None, options, kw["year"], load_facts()))
    assert r.after_tax_room == room.after_tax_room
    unfilled = room.after_tax_room - r.after_tax.total
    assert unfilled >= 0 and r.after_tax.total + unfilled == room.after_tax_room
    assert r.after_tax.total <= _year_end_room(kw, r).after_tax_room


@settings(max_examples=200, deadline=None)
@given(plan_inputs())
def test_a_saved_profile_gives_one_room_to_room_and_plan(kw):
    """The same member saved as a profile (paystub for the year asked about): /room and /plan read it alike."""
    fields = {k: v for k, v in kw.items() if k in PlanProfile.model_fields and v is not None}
    try:
        profile = PlanProfile(**fields, birth_year=kw["year"] - kw["age"], paystub_year=kw["year"])
        r = compute_plan(plan_input(profile, {"bonus": kw["bonus"] or None}, kw["year"], load_facts()))
    except InputError:
        assume(False)
    room = compute_room(room_input(profile, {"bonus": kw["bonus"] or None}, kw["year"], load_facts()))
    assert r.after_tax_room == room.after_tax_room


G = {2025: 23500, 2026: 24500}
CATCH_UP = {2025: (7500, 11250), 2026: (8000, 11250)}


@settings(max_examples=300, deadline=None)
@given(plan_inputs())
def test_the_next_higher_election_overshoots(kw):
    r = _plan(kw)
    year, age = kw["year"], kw["age"]
    catch_up = 0 if age < 50 else CATCH_UP[year][1] if 60 <= age <= 63 else CATCH_UP[year][0]
    deferral_left = max(0, G[year] + catch_up - kw["other_plan_deferrals"] - kw["ytd_deferrals"])
    pay_room = Decimal(kw["compensation"]) + kw["bonus"] - kw["ytd_deferrals"] - kw["ytd_after_tax"]
    d, a = r.deferral, r.after_tax
    assert d.room == deferral_left and d.total <= deferral_left
    if d.next_total is not None and d.next_total > d.total:
        assert d.next_total > d.next_room  # past 402(g), 415(c) or the pay left, whichever binds first
        assert d.next_room <= min(deferral_left, pay_room)
        if d.next_limit == "402(g)":
            assert d.next_total > deferral_left
    if a.next_total is not None and a.next_total > a.total:
        assert a.next_total > a.next_room
        assert a.next_room <= pay_room - d.total


@settings(max_examples=200, deadline=None)
@given(
    frequency=st.sampled_from(sorted(PAY_FREQUENCIES)),
    pay=st.integers(8_000, 40_000),
    cents_=st.integers(0, 99),
    age=st.sampled_from([30, 55, 61]),
    unit=st.sampled_from(["percent", "tenths", "dollars"]),
)
def test_a_low_earners_whole_year_is_a_plan_within_each_paycheck(frequency, pay, cents_, age, unit):
    """Deferral room at least the year's pay: every paycheck's pay can go in, and nothing more (issue 19)."""
    compensation = Decimal(pay) + Decimal(cents_) / 100
    kw = dict(year=2026, age=age, compensation=compensation, pay_frequency=frequency, election_unit=unit)
    r = compute_plan(PlanInput(**kw, paychecks_left=PAY_FREQUENCIES[frequency]))
    assert sum(p.pay for p in r.paychecks) == compensation
    assert all(p.deferral + p.after_tax <= p.pay for p in r.paychecks)
    assert r.deferral.total + r.after_tax.total <= compensation
