"""Checklist rules on every path: after-tax not allowed, in-plan only, in-service only, both, unknowns, HCE, ages."""

from __future__ import annotations

from knowledge.checklist import build_checklist
from knowledge.facts import load_facts
from knowledge.profile import PlanProfile

FACTS = load_facts()
READY = dict(after_tax_allowed=True, deferrals_and_match_planned=True, cash_flow_ok=True)


def check(year=2026, **profile):
    return build_checklist(PlanProfile(**profile), year, FACTS)


def test_empty_profile_has_every_question_unknown_and_needs_answers():
    c = build_checklist(None, 2026, FACTS)
    assert c.verdict.kind == "need_answers"
    assert c.open_questions[:3] == ["after_tax_allowed", "in_plan_conversion", "in_service_withdrawal"]
    assert {i.status for i in c.items if i.key not in {"tax_reporting", "five_year"}} == {"unknown"}
    assert c.room is None
    assert "after-tax (non-Roth) contributions beyond the employee deferral limit" in c.hr_script


def test_after_tax_not_allowed_blocks():
    c = check(after_tax_allowed=False, in_plan_conversion=True)
    assert c.verdict.kind == "blocked" and "does not accept after-tax" in c.verdict.text
    assert c.item("after_tax").status == "not_met"


def test_in_plan_conversion_only_is_ready():
    c = check(in_plan_conversion=True, in_service_withdrawal=False, **READY)
    assert c.verdict.kind == "ready" and "in-plan Roth conversion" in c.verdict.text
    assert c.item("conversion_path").status == "met"


def test_in_service_only_is_still_a_path_to_a_roth_ira():
    c = check(in_plan_conversion=False, in_service_withdrawal=True, **READY)
    assert c.verdict.kind == "ready" and "Roth IRA" in c.verdict.text
    assert "Roth IRA" in c.item("conversion_path").next_step.text


def test_both_paths():
    c = check(in_plan_conversion=True, in_service_withdrawal=True, **READY)
    assert c.verdict.kind == "ready" and c.item("conversion_path").status == "met"


def test_neither_path_blocks():
    c = check(in_plan_conversion=False, in_service_withdrawal=False, **READY)
    assert c.verdict.kind == "blocked" and "neither" in c.verdict.text
    assert c.item("conversion_path").status == "not_met"


def test_one_path_unknown_is_unknown():
    c = check(in_plan_conversion=False, **READY)
    assert c.item("conversion_path").status == "unknown"
    assert c.verdict.kind == "need_answers" and "move after-tax money to Roth" in c.verdict.text


def test_match_first_and_cash_flow_block_when_no():
    assert (
        "match first" in check(in_plan_conversion=True, **{**READY, "deferrals_and_match_planned": False}).verdict.text
    )
    assert "cash flow" in check(in_plan_conversion=True, **{**READY, "cash_flow_ok": False}).verdict.text


def test_hce_gets_the_testing_warning_from_last_years_pay_with_the_look_back_figure():
    c = check(compensation="100000", prior_year_wages="200000", in_plan_conversion=True, **READY)
    item = c.item("hce_testing")
    assert item.status == "unknown" and "ACP testing" in item.next_step.text
    assert item.figures[0].citation.title == "IRS Notice 2024-80"  # 2025's threshold decides 2026's HCEs
    assert "$160,000" in item.why.text and "2025 pay" in item.why.text
    assert check(compensation="400000", prior_year_wages="90000").item("hce_testing").status == "met"
    assert check(prior_year_wages="200000", testing_results_checked=True).item("hce_testing").status == "met"
    assert check(prior_year_wages="200000", testing_results_checked=False).item("hce_testing").status == "not_met"


def test_hce_without_last_years_pay_is_unknown_never_an_all_clear():
    # Issue 15: paid 200,000 last year and 140,000 this year must not get a false all-clear.
    item = check(compensation="140000").item("hce_testing")
    assert item.status == "unknown" and "prior_year_wages" in item.next_step.text
    assert check(compensation="140000", prior_year_wages="200000").item("hce_testing").status == "unknown"
    assert (
        "You are an HCE" in check(compensation="140000", prior_year_wages="200000").item("hce_testing").next_step.text
    )


def test_roth_catch_up_note_uses_last_years_wages():
    assert "must be Roth" in check(birth_year=2026 - 55, prior_year_wages="200000").item("catch_up").why.text
    assert (
        "may be pre-tax"
        in check(birth_year=2026 - 55, prior_year_wages="120000", compensation="300000").item("catch_up").why.text
    )


def test_50_plus_gets_the_catch_up_note_and_2026_roth_rule():
    c = check(birth_year=2026 - 55)
    item = c.item("catch_up")
    assert "$8,000" in item.why.text and "Roth" in item.why.text
    assert {f.name for f in item.figures} == {"catch_up_414v", "roth_catch_up_wage_threshold"}
    assert all(i.key != "catch_up" for i in check(birth_year=2026 - 45).items)


def test_60_to_63_gets_the_super_catch_up():
    for age in (60, 63):
        assert "$11,250" in check(birth_year=2025 - age, year=2025).item("catch_up").why.text
    assert "$7,500" in check(birth_year=2025 - 64, year=2025).item("catch_up").why.text
    assert "Roth" not in check(birth_year=2025 - 61, year=2025).item("catch_up").why.text


def test_room_is_included_when_the_profile_allows():
    c = check(birth_year=1980, compensation="200000", employee_deferrals="24500", employer_contributions="10000")
    assert c.room is not None and c.room.after_tax_room == 72000 - 24500 - 10000


def test_not_sure_answers_move_to_the_back():
    c = check(not_sure=["after_tax_allowed"])
    assert c.open_questions[-1] == "after_tax_allowed" and c.item("after_tax").status == "unknown"
    answered = PlanProfile(not_sure=["after_tax_allowed"]).merged({"after_tax_allowed": True})
    assert answered.not_sure == []
