"""A moderator's proposed figure: every refusal names the option; big jumps need confirmation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from knowledge.errors import InputError
from knowledge.facts import load_facts
from knowledge.updates import propose, title_from_url

NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"


def test_a_plain_change_for_a_new_year():
    p = propose(load_facts(), 2027, "deferral_limit_402g", "25,000", NOTICE)
    assert p.value == Decimal(25000) and p.citation.title == "IRS Notice 2026-99"
    assert p.current is None and p.prior.value == Decimal(24500)
    assert p.jump == (Decimal(25000) - 24500) / 24500 and not p.needs_confirmation


def test_the_label_is_accepted_as_the_figure_name():
    p = propose(load_facts(), 2027, "415(c) annual additions limit", "74000", NOTICE, "IRS Notice 2026-99")
    assert p.figure == "annual_additions_415c"


@pytest.mark.parametrize(
    "args, field, words",
    [
        ((2027, "roth_limit", "1", NOTICE), "figure", "unknown figure “roth_limit”"),
        ((2027, "deferral_limit_402g", "-5", NOTICE), "value", "must not be negative"),
        ((2027, "deferral_limit_402g", "0", NOTICE), "value", "more than zero"),
        ((2027, "deferral_limit_402g", "lots", NOTICE), "value", "not an amount"),
        ((2027, "deferral_limit_402g", "24500.50", NOTICE), "value", "whole dollars"),
        ((2027, "deferral_limit_402g", "245000", NOTICE), "value", "outside the sane range"),
        ((2027, "deferral_limit_402g", "25000", "http://irs.gov/n.pdf"), "source_url", "https://"),
        ((2027, "deferral_limit_402g", "25000", "irs notice"), "source_url", "https://"),
        # consistency with the year's other figures (2026's 415(c) is 72,000)
        ((2026, "deferral_limit_402g", "80000", NOTICE), "value", "415(c) must be above 402(g)"),
        ((2026, "catch_up_414v", "30000", NOTICE), "value", "catch-up must not be above 402(g)"),
        ((2026, "roth_ira_phaseout_single_low", "200000", NOTICE), "value", "phase-out start must be below"),
    ],
)
def test_refusals_name_the_option(args, field, words):
    with pytest.raises(InputError) as err:
        propose(load_facts(), *args)
    assert err.value.field == field and words in err.value.message


def test_a_long_note_is_refused():
    with pytest.raises(InputError, match="note: at most 200"):
        propose(load_facts(), 2027, "deferral_limit_402g", "25000", NOTICE, note="x" * 201)


def test_setting_the_same_value_and_source_is_refused():
    facts = load_facts()
    current = facts.year(2026)["deferral_limit_402g"]
    with pytest.raises(InputError, match="already"):
        propose(facts, 2026, "deferral_limit_402g", "24500", current.citation.url, current.citation.title)


@pytest.mark.parametrize("value, confirm", [("28175", False), ("28176", True), ("20825", False), ("20824", True)])
def test_more_than_15_percent_from_last_year_needs_confirmation(value, confirm):
    # 2026's 402(g) is 24,500: ±15 % is 20,825 … 28,175.
    assert propose(load_facts(), 2027, "deferral_limit_402g", value, NOTICE).needs_confirmation is confirm


def test_titles_read_from_links():
    assert title_from_url("https://www.irs.gov/pub/irs-drop/n-25-67.pdf") == "IRS Notice 2025-67"
    assert title_from_url("https://www.irs.gov/newsroom/ir-2025-111") == "IRS News Release IR-2025-111"
    assert title_from_url("https://www.irs.gov/retirement-plans/cola") == "Source: irs.gov"
