"""The checklist's tax statements as a tax professional reads them (issue 23), in English and Spanish: earnings in a
traditional IRA meet the IRA pro-rata rule, after-tax earnings grow tax-deferred, the Roth ordering rules, and
Form 8606 is not used for the plan's rollovers; every source a trusted link to the document it names."""

from __future__ import annotations

import pytest

from bot.formatting import formatter
from commands._checklist_render import checklist_embeds
from knowledge.checklist import build_checklist
from knowledge.facts import load_facts
from knowledge.profile import PlanProfile

from .test_articles import check_citation

FACTS = load_facts()
READY = dict(after_tax_allowed=True, deferrals_and_match_planned=True, cash_flow_ok=True)


def check(**profile):
    return build_checklist(PlanProfile(**profile), 2026, FACTS)


def test_in_service_earnings_to_a_traditional_ira_meet_the_ira_pro_rata_rule():
    step = check(in_plan_conversion=False, in_service_withdrawal=True, **READY).item("conversion_path").next_step
    assert "roll it to a Roth IRA" in step.text
    assert "to the Roth IRA too (taxed now) or to a traditional IRA" in step.text
    assert "pre-tax IRA balance that the IRA pro-rata rule counts against a later backdoor Roth IRA" in step.text
    assert "/explain backdoor-roth-ira" in step.text


def test_without_a_path_earnings_grow_tax_deferred_not_taxably():
    step = check(in_plan_conversion=False, in_service_withdrawal=False, **READY).item("conversion_path").next_step
    assert "grow tax-deferred" in step.text and "taxed as ordinary income when distributed or converted" in step.text
    assert "taxably" not in step.text


def test_the_five_year_item_states_the_ordering_rules_and_the_pro_rata_roth_401k():
    item = check().item("five_year")
    assert "contributions, then conversions (the taxable part of each first), then earnings" in item.why.text
    assert "within 5 years from 1 January of its year; converted basis never does" in item.why.text
    assert "Non-qualified Roth 401(k) distributions are pro-rata" in item.why.text
    assert {c.title for c in item.sources} == {"IRS Publication 590-B", "26 CFR 1.408A-6"}


def test_form_8606_is_not_used_for_a_plan_to_roth_ira_rollover():
    why = check().item("tax_reporting").why.text
    assert "nor for a rollover of after-tax money from the plan to a Roth IRA" in why


def test_every_checklist_source_is_a_trusted_link_to_the_document_it_names():
    c = check(birth_year=1970, compensation="200000", prior_year_wages="200000", in_service_withdrawal=True, **READY)
    for item in c.items:
        for source in item.sources:
            check_citation(source)


@pytest.mark.parametrize("tag", ["es-419", "es-ES"])
def test_the_corrected_texts_in_spanish(tag):
    f = formatter(tag)
    withdrawal = checklist_embeds(check(in_plan_conversion=False, in_service_withdrawal=True, **READY), f)[0]
    text = "\n".join(field.value for field in withdrawal.fields)
    assert "regla pro-rata de las IRA tiene en cuenta en un backdoor Roth IRA posterior" in text
    assert "primero la parte que tributó" in text and "desde el 1 de enero de su año" in text
    assert "ni en un rollover de dinero after-tax del plan a una Roth IRA" in text
    neither = checklist_embeds(check(in_plan_conversion=False, in_service_withdrawal=False, **READY), f)[0]
    assert "crecen con impuestos diferidos y tributan como ingreso ordinario" in "\n".join(
        field.value for field in neither.fields
    )
