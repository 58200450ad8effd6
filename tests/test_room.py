"""The room calculator: domain.md's worked examples (seed errors computed correctly) and one test per rule."""

from decimal import Decimal

import pytest

from knowledge.errors import InputError, UnknownYearError
from knowledge.room import RoomInput, compute_room


def room(**kw):
    kw.setdefault("compensation", 200000)
    kw.setdefault("employer_contributions", 0)
    return compute_room(RoomInput(**kw))


# --- worked examples from domain.md ---------------------------------------------------------------


def test_issue_example_2025():
    r = room(year=2025, age=45, compensation=200000, employee_deferrals=23500, employer_contributions=10000)
    assert r.after_tax_room == Decimal(36500)
    assert str(r.after_tax_room) == "36500"


def test_2023_under_50_with_match():
    assert room(year=2023, age=40, employee_deferrals=22500, employer_contributions=6000).after_tax_room == 37500


def test_2024_half_match():
    r = room(year=2024, age=35, compensation=230000, employee_deferrals=23000, match_formula="50% up to 100%")
    assert r.employer_total == 11500 and r.after_tax_room == 34500


def test_2025_age_52_catch_up_sits_outside_415c():
    r = room(year=2025, age=52, employee_deferrals=31000, employer_contributions=30000)
    assert r.counted_deferrals == 23500 and r.catch_up == 7500 and r.excess_deferrals == 0
    assert r.after_tax_room == 16500


def test_seed_002_error_match_on_450k_uses_capped_pay():
    # Seed 002 says $22,500 match and $24,000 room; 401(a)(17) caps pay at $350,000 in 2025.
    r = room(year=2025, age=45, compensation=450000, employee_deferrals=23500, match_formula="100% up to 5%")
    assert r.match_amount == 17500 and r.after_tax_room == 29000
    assert "match_on_capped_pay" in r.warning_codes()


def test_seed_003_error_2026_limits_are_72000_and_24500():
    r = room(year=2026, age=40, employee_deferrals=24500, employer_contributions=0)
    assert r.dollar_limit == 72000 and r.counted_deferrals == 24500 and r.after_tax_room == 47500
    titles = {c.citation.title for c in r.citations if c.name in {"annual_additions_415c", "deferral_limit_402g"}}
    assert titles == {"IRS Notice 2025-67"}


# --- one test per rule ------------------------------------------------------------------------------


def test_super_catch_up_at_60_to_63_from_2025_only():
    assert room(year=2025, age=61, employee_deferrals=0).catch_up_limit == 11250
    assert room(year=2025, age=64, employee_deferrals=0).catch_up_limit == 7500  # back to the regular amount
    assert room(year=2025, age=59, employee_deferrals=0).catch_up_limit == 7500
    assert room(year=2024, age=61, employee_deferrals=0).catch_up_limit == 7500  # no super catch-up before 2025
    r = room(year=2025, age=60, employee_deferrals=23500 + 11250, employer_contributions=0)
    assert r.catch_up == 11250 and r.excess_deferrals == 0 and r.after_tax_room == 70000 - 23500


def test_under_50_gets_no_catch_up_and_extra_is_excess():
    r = room(year=2025, age=49, employee_deferrals=25000)
    assert r.catch_up == 0 and r.excess_deferrals == 1500
    assert r.counted_deferrals == 23500 and r.after_tax_room == 70000 - 23500
    assert "excess_deferral" in r.warning_codes()


def test_hundred_percent_of_pay():
    r = room(year=2025, age=30, compensation=40000, employee_deferrals=10000, employer_contributions=2000)
    assert r.limit == 40000 and r.after_tax_room == 28000
    assert "pay_below_limit" in r.warning_codes()


def test_other_plans_share_402g_but_415c_is_per_employer():
    r = room(year=2025, age=40, employee_deferrals=15000, other_plan_deferrals=10000)
    # Other plans used 10,000 of 23,500, so only 13,500 of this plan's 15,000 counts; 1,500 is excess.
    assert r.counted_deferrals == 13500 and r.excess_deferrals == 1500
    assert r.after_tax_room == 70000 - 13500


def test_excess_is_reported_not_room():
    ok = room(year=2026, age=40, employee_deferrals=24500)
    over = room(year=2026, age=40, employee_deferrals=30000)
    assert over.excess_deferrals == 5500 and over.after_tax_room == ok.after_tax_room


def test_plan_cap_and_pay_periods():
    r = room(
        year=2025,
        age=40,
        compensation=150000,
        employee_deferrals=23500,
        employer_contributions=5000,
        plan_after_tax_cap_pct=10,
        paychecks_left=8,
    )
    assert r.room_415c == 41500 and r.plan_cap_amount == 15000 and r.after_tax_room == 15000
    assert r.per_paycheck == Decimal("1875")
    assert "plan_cap_binding" in r.warning_codes()


def test_plan_cap_counts_after_tax_already_contributed_and_rounds_down():
    r = room(
        year=2025,
        age=40,
        compensation=100000,
        employee_deferrals=0,
        ytd_after_tax=4000,
        plan_after_tax_cap_pct="15%",
        paychecks_left=7,
    )
    assert r.after_tax_room == 11000 and r.per_paycheck == Decimal("1571.42")


def test_roth_catch_up_rule_2026_looks_at_last_years_wages():
    r = room(year=2026, age=55, compensation=120000, prior_year_wages=200000, employee_deferrals=32500)
    warn = next(w for w in r.warnings if w.code == "roth_catch_up")
    assert "2025 FICA wages" in warn.text and "$150,000" in warn.text and "applies to you" in warn.text
    assert r.after_tax_room == 72000 - 24500  # said, not applied: the room is unchanged
    # Last year's wages below the threshold: no Roth requirement, whatever this year's pay.
    codes = room(year=2026, age=55, compensation=400000, prior_year_wages=140000, employee_deferrals=0).warning_codes()
    assert "roth_catch_up" not in codes and "roth_catch_up_unknown" not in codes
    # Without last year's wages the status is unknown; this year's pay is only a hint.
    r = room(year=2026, age=55, compensation=200000, employee_deferrals=0)
    warn = next(w for w in r.warnings if w.code == "roth_catch_up_unknown")
    assert "prior_year_wages" in warn.text and "only a hint" in warn.text and "roth_catch_up" not in r.warning_codes()
    assert not {"roth_catch_up", "roth_catch_up_unknown"} & set(
        room(year=2025, age=55, employee_deferrals=0, prior_year_wages=900000).warning_codes()
    )
    assert not {"roth_catch_up", "roth_catch_up_unknown"} & set(
        room(year=2026, age=45, employee_deferrals=0, prior_year_wages=900000).warning_codes()
    )


def test_hce_status_uses_last_years_pay_against_last_years_threshold_and_cites_it():
    r = room(year=2025, age=40, compensation=100000, prior_year_wages=156000, employee_deferrals=0)
    assert "hce_testing_risk" in r.warning_codes()
    cited = [c for c in r.citations if c.name == "hce_threshold_414q"]
    assert cited[0].citation.title == "IRS Notice 2023-75"  # 2024's threshold decides 2025's HCEs
    not_hce = room(year=2025, age=40, compensation=400000, prior_year_wages=155000, employee_deferrals=0)
    assert not {"hce_testing_risk", "hce_unknown"} & set(not_hce.warning_codes())


def test_issue_15_look_back_examples():
    # Paid 120,000 last year and 185,000 now: not an HCE, and the Roth rule does not apply.
    r = room(year=2026, age=52, compensation=185000, prior_year_wages=120000, employee_deferrals=24500)
    assert not {"hce_testing_risk", "hce_unknown", "roth_catch_up", "roth_catch_up_unknown"} & set(r.warning_codes())
    # Paid 200,000 last year and 140,000 now: an HCE, and catch-ups must be Roth.
    r = room(year=2026, age=52, compensation=140000, prior_year_wages=200000, employee_deferrals=24500)
    assert {"hce_testing_risk", "roth_catch_up"} <= set(r.warning_codes())


def test_hce_unknown_without_last_years_pay():
    r = room(year=2025, age=40, compensation=300000, employee_deferrals=0)
    warn = next(w for w in r.warnings if w.code == "hce_unknown")
    assert "hce_testing_risk" not in r.warning_codes()
    assert (
        "2024 pay" in warn.text and "$155,000" in warn.text and "$300,000" in warn.text and "only a hint" in warn.text
    )


def test_2023_looks_back_at_bundled_2022():
    r = room(year=2023, age=40, compensation=100000, prior_year_wages=140000, employee_deferrals=0)
    assert "hce_testing_risk" in r.warning_codes()
    cited = next(c for c in r.citations if c.name == "hce_threshold_414q")
    assert cited.value == 135000 and cited.citation.title == "IRS Notice 2021-61"
    assert cited.citation.url == "https://www.irs.gov/pub/irs-drop/n-21-61.pdf"


def test_room_never_exceeds_the_pay_left_to_fund_it():
    # Issue 15: 415(c) leaves 16,500 but only 9,000 of pay is left after 31,000 of deferrals.
    r = room(
        year=2025,
        age=55,
        compensation=40000,
        employee_deferrals=31000,
        employer_contributions=0,
        paychecks_left=2,
    )
    assert r.room_415c == 16500 and r.after_tax_room == 9000 and r.per_paycheck == 4500
    warn = next(w for w in r.warnings if w.code == "pay_limits_room")
    assert "$16,500" in warn.text and "$9,000" in warn.text
    # The advice entered back is accepted and leaves nothing more to contribute.
    again = room(year=2025, age=55, compensation=40000, employee_deferrals=31000, ytd_after_tax=9000)
    assert again.after_tax_room == 0


def test_catch_up_inferred_from_another_plan_is_flagged():
    r = room(year=2025, age=52, employee_deferrals=7500, other_plan_deferrals=23500)
    assert r.catch_up == 7500 and r.counted_deferrals == 0
    assert "catch_up_inferred" in r.warning_codes()
    assert "catch_up_inferred" not in room(year=2025, age=52, employee_deferrals=31000).warning_codes()


def test_plan_cap_on_capped_pay_says_so():
    r = room(year=2025, age=40, compensation=500000, employee_deferrals=0, plan_after_tax_cap_pct="10")
    step = next(s for s in r.steps if s.text.startswith("Plan cap"))
    assert "401(a)(17)" in step.text and "$350,000" in step.text and step.amount == 35000


def test_after_tax_beyond_415c_is_flagged():
    r = room(year=2025, age=40, employee_deferrals=23500, employer_contributions=10000, ytd_after_tax=40000)
    assert r.after_tax_room == 0 and "over_415c" in r.warning_codes()


def test_steps_and_citations_show_the_arithmetic():
    r = room(year=2025, age=45, employee_deferrals=23500, employer_contributions=10000)
    lines = [(s.op, s.amount) for s in r.steps]
    assert lines == [("", 70000), ("−", 23500), ("−", 10000), ("=", 36500)]
    assert all(c.citation.url.startswith("https://www.irs.gov/") for c in r.citations)


# --- bad input: one project error naming the field ------------------------------------------------


@pytest.mark.parametrize(
    "kw,field,text",
    [
        ({"age": 12}, "age", "between 14 and 120"),
        ({"age": 121}, "age", "between 14 and 120"),
        ({"age": "old"}, "age", "whole number"),
        ({"compensation": -5}, "compensation", "negative"),
        ({"compensation": "lots"}, "compensation", "not an amount"),
        ({"compensation": 1e12}, "compensation", "number or text"),
        ({"compensation": 10**12}, "compensation", "not a plausible amount"),
        ({"compensation": 0}, "compensation", "more than zero"),
        ({"employee_deferrals": "12.3456"}, "employee_deferrals", "two decimal places"),
        ({"employee_deferrals": "12.345"}, "employee_deferrals", "ambiguous"),
        ({"employee_deferrals": 300000}, "employee_deferrals", "cannot exceed your pay"),
        ({"match_formula": "whatever"}, "match_formula", "cannot read"),
        ({"year": 1999}, "year", "between 2000 and 2100"),
        ({"paychecks_left": 0}, "paychecks_left", "between 1 and"),
        ({"plan_after_tax_cap_pct": 150}, "plan_after_tax_cap_pct", "at most 100"),
        ({"plan_type": "457b"}, "plan_type", "no mega backdoor room"),
        ({"plan_type": "pension"}, "plan_type", "choose one of 401k, 403b, 457b"),
        ({"surprise": 1}, "surprise", "not a known field"),
    ],
)
def test_bad_input_names_the_field(kw, field, text):
    args = {"year": 2025, "age": 40, "compensation": 200000, "employee_deferrals": 0, "employer_contributions": 0}
    args.update(kw)
    with pytest.raises(InputError) as exc:
        compute_room(RoomInput(**args))
    assert exc.value.field == field, exc.value
    assert text in exc.value.message
    assert "pydantic" not in str(exc.value) and "validation error" not in str(exc.value)


def test_unknown_year_is_an_input_error():
    with pytest.raises(UnknownYearError, match="known years: 2022, 2023, 2024, 2025, 2026"):
        room(year=2030, age=40, employee_deferrals=0)


def test_money_text_forms():
    r = RoomInput(year=2025, age=40, compensation="$200,000", employee_deferrals="23.5k", employer_contributions="0")
    assert r.compensation == 200000 and r.employee_deferrals == 23500


@pytest.mark.parametrize("typed", ["7,5", "7.5", "7,5 %", " 7.5% "])
def test_a_cap_percentage_reads_with_either_decimal_mark(typed):
    # A cap is at most 100, so "7,5" (Spanish, German, French) cannot be 75 or 7,500: it is 7.5 in every locale.
    assert RoomInput._cap_pct(typed) == Decimal("7.5")


@pytest.mark.parametrize("typed", ["7,5,0", "7.5.0", "1,5.5"])
def test_a_cap_percentage_with_two_marks_is_refused(typed):
    with pytest.raises(InputError) as exc:
        RoomInput._cap_pct(typed)
    assert exc.value.field == "plan_after_tax_cap_pct"
