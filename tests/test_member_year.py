"""One member, one year, one answer: the rules at their edges (issue 19), each with the rule it follows."""

from decimal import Decimal as D

import pytest

from knowledge.errors import InputError
from knowledge.facts import load_facts
from knowledge.plan import compute_plan, plan_input
from knowledge.profile import PlanProfile, room_input
from knowledge.room import RoomInput, compute_room

FACTS = load_facts()

# The member: 45, 200,000, deferring 24,500 with a 50%-up-to-6% match, 10 biweekly paychecks left and
# 30,000 of after-tax already in from the paystub.
MEMBER = dict(
    compensation=200000,
    employee_deferrals=24500,
    match_formula="50% up to 6%",
    pay_frequency="biweekly",
    paychecks_left=10,
    ytd_after_tax=30000,
)


def room_of(profile, year=2026, **options):
    return compute_room(room_input(profile, options, year, FACTS), FACTS)


def test_one_profile_one_room_for_room_plan_and_checklist():
    from knowledge.checklist import build_checklist

    profile = PlanProfile(birth_year=1981, paystub_year=2026, **MEMBER)
    room = room_of(profile)
    # 72,000 - 24,500 deferrals - 6,000 match (3% of 200,000) - 30,000 after-tax already in.
    assert room.after_tax_room == D(11500)
    plan = compute_plan(plan_input(profile, {}, 2026, FACTS), FACTS)
    assert plan.after_tax_room == room.after_tax_room
    assert plan.after_tax.total <= room.after_tax_room
    checklist = build_checklist(profile, 2026, FACTS)
    assert checklist.room is not None and checklist.room.after_tax_room == room.after_tax_room


def test_a_paystub_counts_only_for_its_own_year():
    profile = PlanProfile(birth_year=1981, paystub_year=2026, **MEMBER)
    last_year = room_of(profile, year=2025)
    assert last_year.inputs.ytd_after_tax == 0 and last_year.inputs.paychecks_left is None
    note = next(w for w in last_year.warnings if w.code == "paystub_other_year")
    assert "2026" in note.text and "not used for 2025" in note.text
    with pytest.raises(InputError, match="paychecks_left"):
        plan_input(profile, {}, 2025, FACTS)


def test_catch_up_from_the_100_percent_of_pay_limit_is_not_an_excess():
    # Reg. 1.414(v)-1(b)(1)(i): the repro, 55, earning 20,000, deferring all of it, 2,000 of employer money.
    r = compute_room(
        RoomInput(
            year=2025,
            age=55,
            compensation=20000,
            employee_deferrals=20000,
            employer_contributions=2000,
            prior_year_wages=20000,
        ),
        FACTS,
    )
    assert (r.after_tax_room, r.catch_up, r.excess_deferrals) == (0, D(2000), 0)
    assert "over_415c" not in r.warning_codes() and "catch_up_over_415c" in r.warning_codes()
    # Under 50 there is no catch-up to absorb it: the same figures are an annual-additions excess.
    young = compute_room(
        RoomInput(year=2025, age=45, compensation=20000, employee_deferrals=20000, employer_contributions=2000), FACTS
    )
    assert "over_415c" in young.warning_codes()


def test_plan_defers_the_whole_pay_of_a_low_earner_50_plus():
    # The issue's /plan repro: the 800 of match would leave 800 of deferrals unplanned without the catch-up rule.
    r = compute_plan(
        plan_input(
            None,
            dict(age=55, compensation=20000, pay_frequency="monthly", paychecks_left=12, match_formula="100% up to 4%"),
            2026,
            FACTS,
        ),
        FACTS,
    )
    assert r.deferral.total >= D(20000) - 12  # every paycheck's pay, to the cent steps of whole percents
    assert r.paychecks[-1].total_415c <= r.limit_415c == D(20000)
    assert sum(p.catch_up for p in r.paychecks) >= D(800) - 12


def test_no_roth_in_the_plan_means_no_catch_up_for_an_affected_member():
    # 414(v)(7) from 2026: prior-year FICA wages above the threshold and no Roth option: no catch-up at all.
    kw = dict(
        year=2026,
        age=55,
        compensation=200000,
        employee_deferrals=32500,
        employer_contributions=0,
        prior_year_wages=200000,
    )
    with_roth = compute_room(RoomInput(**kw, plan_offers_roth=True), FACTS)
    assert with_roth.catch_up == D(8000) and with_roth.excess_deferrals == 0
    without = compute_room(RoomInput(**kw, plan_offers_roth=False), FACTS)
    assert without.catch_up == 0 and without.excess_deferrals == D(8000)
    assert "no_catch_up_without_roth" in without.warning_codes()
    unknown = compute_room(RoomInput(**kw), FACTS)
    roth = next(w for w in unknown.warnings if w.code == "roth_catch_up")
    assert "no Roth option" in roth.text
    # Below the threshold the rule does not apply: a plan without Roth still allows pre-tax catch-up.
    low = compute_room(RoomInput(**{**kw, "prior_year_wages": 100000}, plan_offers_roth=False), FACTS)
    assert low.catch_up == D(8000)


def test_the_60_to_63_catch_up_is_optional_for_plans():
    kw = dict(
        year=2026,
        age=61,
        compensation=200000,
        employee_deferrals=35750,
        employer_contributions=0,
        prior_year_wages=100000,
    )
    assumed = compute_room(RoomInput(**kw), FACTS)
    assert assumed.catch_up_limit == D(11250) and "super_catch_up_optional" in assumed.warning_codes()
    offered = compute_room(RoomInput(**kw, plan_offers_super_catch_up=True), FACTS)
    assert "super_catch_up_optional" not in offered.warning_codes()
    regular = compute_room(RoomInput(**kw, plan_offers_super_catch_up=False), FACTS)
    assert regular.catch_up_limit == D(8000) and regular.excess_deferrals == D(3250)


def test_403b_fifteen_year_catch_up_is_deferral_room_not_an_excess():
    # 402(g)(7): a 403(b) after 15 years of service may defer up to 3,000 more; it counts toward 415(c).
    kw = dict(year=2026, age=45, compensation=200000, employee_deferrals=27500, employer_contributions=0)
    plain = compute_room(RoomInput(**kw), FACTS)
    assert plain.excess_deferrals == D(3000)
    b = compute_room(RoomInput(**kw, plan_type="403b", catch_up_403b_15_year=3000), FACTS)
    assert b.excess_deferrals == 0 and b.counted_deferrals == D(27500) and b.after_tax_room == D(72000 - 27500)
    assert "403b_shared_415c" in b.warning_codes()  # Reg. 1.415(f)-1(f)


def test_a_457b_has_no_after_tax_room_and_says_so():
    with pytest.raises(InputError, match="457") as err:
        RoomInput(year=2026, age=45, compensation=100000, plan_type="457b")
    assert err.value.field == "plan_type"


def test_a_five_percent_owner_is_an_hce_whatever_the_pay():
    # 414(q)(1)(A).
    r = compute_room(
        RoomInput(
            year=2026,
            age=45,
            compensation=90000,
            employer_contributions=0,
            prior_year_wages=90000,
            five_percent_owner=True,
        ),
        FACTS,
    )
    hce = next(w for w in r.warnings if w.code == "hce_testing_risk")
    assert "5% owner" in hce.text


def test_the_wage_basis_is_named_by_w2_box():
    r = compute_room(RoomInput(year=2026, age=55, compensation=90000, employer_contributions=0), FACTS)
    texts = " ".join(w.text for w in r.warnings)
    assert "W-2 box 5" in texts and "W-2 wages" not in texts


def test_self_employed_get_a_clear_notice_not_a_silent_25_percent():
    r = compute_room(
        RoomInput(
            year=2026,
            age=55,
            compensation=150000,
            employer_contributions=0,
            prior_year_wages=200000,
            self_employed=True,
        ),
        FACTS,
    )
    notice = next(w for w in r.warnings if w.code == "self_employed")
    assert "20%" in notice.text and "404(a)(8)" in notice.text and "Publication 560" in notice.text
    assert "roth_catch_up" not in r.warning_codes()  # no FICA wages: the Roth catch-up rule does not apply


def test_no_employer_money_is_a_stated_default():
    r = room_of(None, age=45, compensation=150000, employee_deferrals=24500)
    assert r.after_tax_room == D(72000 - 24500) and "no_employer_money" in r.warning_codes()


def test_deferrals_not_given_assume_the_most_allowed_and_say_so():
    r = room_of(None, age=55, compensation=150000, employer_contributions=0)
    assert r.inputs.employee_deferrals == D(24500 + 8000) and r.counted_deferrals == D(24500)
    assert "deferrals_assumed" in r.warning_codes()
