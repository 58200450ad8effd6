"""The bundled fact base: every figure matches domain.md and cites its notice; broken files fail loudly."""

from decimal import Decimal

import pytest

from knowledge.errors import DraftYearError, FactDataError, UnknownYearError
from knowledge.facts import Citation, Figure, dump_year, load_dir, load_facts, parse_year_file

# domain.md's figures table, typed in again here on purpose: the test is the independent check.
DOMAIN = {
    "deferral_limit_402g": (20500, 22500, 23000, 23500, 24500),
    "catch_up_414v": (6500, 7500, 7500, 7500, 8000),
    "super_catch_up_60_63": (None, None, None, 11250, 11250),
    "annual_additions_415c": (61000, 66000, 69000, 70000, 72000),
    "compensation_limit_401a17": (305000, 330000, 345000, 350000, 360000),
    "hce_threshold_414q": (135000, 150000, 155000, 160000, 160000),
    "roth_catch_up_wage_threshold": (None, None, None, None, 150000),
    "ira_limit": (6000, 6500, 7000, 7000, 7500),
    "ira_catch_up": (1000, 1000, 1000, 1000, 1100),
    "roth_ira_phaseout_single_low": (129000, 138000, 146000, 150000, 153000),
    "roth_ira_phaseout_single_high": (144000, 153000, 161000, 165000, 168000),
    "roth_ira_phaseout_joint_low": (204000, 218000, 230000, 236000, 242000),
    "roth_ira_phaseout_joint_high": (214000, 228000, 240000, 246000, 252000),
}
NOTICES = {2022: "2021-61", 2023: "2022-55", 2024: "2023-75", 2025: "2024-80", 2026: "2025-67"}


def test_known_years():
    assert load_facts().known_years() == [2022, 2023, 2024, 2025, 2026]


@pytest.mark.parametrize("index,year", list(enumerate(NOTICES)))
def test_every_figure_matches_domain_and_cites_its_notice(index, year):
    yf = load_facts().year(year)
    expected = {name: vals[index] for name, vals in DOMAIN.items() if vals[index] is not None}
    assert set(yf.figures) == set(expected)
    num = NOTICES[year]
    slug = "n-" + num[2:]
    for name, value in expected.items():
        fig = yf[name]
        assert fig.value == Decimal(value), name
        assert fig.citation.title == f"IRS Notice {num}"
        assert fig.citation.url == f"https://www.irs.gov/pub/irs-drop/{slug}.pdf"


def test_unknown_year_names_known_years():
    with pytest.raises(UnknownYearError) as exc:
        load_facts().year(2031)
    assert "2031" in str(exc.value) and "2023, 2024, 2025, 2026" in str(exc.value)
    assert isinstance(exc.value, ValueError)


GOOD = open("knowledge/data/2025.toml", encoding="utf-8").read()


def _broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(
    "old,new,expect",
    [
        ("annual_additions_415c = { value = 70000", "annual_additions_415c = { value = 20000", "415(c) must be above"),
        ("catch_up_414v = { value = 7500", "catch_up_414v = { value = 30000", "catch_up_414v"),
        (
            "roth_ira_phaseout_single_low = { value = 150000",
            "roth_ira_phaseout_single_low = { value = 170000",
            "phase-out start",
        ),
        ("ira_limit = { value = 7000", "ira_limit = { value = -7000", "ira_limit: must be a positive"),
        (
            'ira_limit = { value = 7000, title = "IRS Notice 2024-80", url = "https://www.irs.gov/pub/irs-drop/n-24-80.pdf" }',
            "ira_limit = { value = 7000 }",
            "figures.ira_limit.title",
        ),
        (
            'ira_catch_up = { value = 1000, title = "IRS Notice 2024-80", url = "https://www.irs.gov/pub/irs-drop/n-24-80.pdf"',
            'ira_catch_up = { value = 1000, title = "IRS Notice 2024-80", url = "http://example.com/x"',
            "figures.ira_catch_up.url",
        ),
        ("year = 2025", "year = 1850", "year: 1850 is outside"),
        ("year = 2025", "year = [", "not valid TOML"),
    ],
)
def test_broken_data_file_names_file_field_and_reason(old, new, expect):
    with pytest.raises(FactDataError) as exc:
        parse_year_file("knowledge/data/2025.toml", _broken(old, new))
    assert str(exc.value).startswith("knowledge/data/2025.toml: ")
    assert expect in str(exc.value)


def test_missing_required_figure_is_refused():
    text = "\n".join(line for line in GOOD.splitlines() if not line.startswith("hce_threshold_414q"))
    with pytest.raises(FactDataError, match="hce_threshold_414q: missing"):
        parse_year_file("x.toml", text)


def test_duplicate_year_is_refused():
    with pytest.raises(FactDataError, match="defined twice"):
        load_dir([("a.toml", GOOD), ("b.toml", GOOD)])


def test_dump_round_trips_through_the_parser():
    yf = load_facts().year(2026)
    again = parse_year_file("dump.toml", dump_year(2026, yf.figures.values()))
    assert {n: f.value for n, f in again.figures.items()} == {n: f.value for n, f in yf.figures.items()}
    assert again["annual_additions_415c"].citation == yf["annual_additions_415c"].citation


def test_with_figures_layers_and_validates():
    base = load_facts()
    cite = Citation(title="IRS Notice 2026-99", url="https://www.irs.gov/pub/irs-drop/n-26-99.pdf")
    new = base.with_figures(2027, [Figure("annual_additions_415c", Decimal(74000), cite, origin="server")])
    # one figure of a new year: a draft, which no answer uses, saying what it lacks
    assert 2027 not in new.years and new.figure(2027, "annual_additions_415c").value == 74000
    assert "deferral_limit_402g" in new.missing(2027) and "super_catch_up_60_63" not in new.missing(2027)
    with pytest.raises(DraftYearError, match="2027's figures are a draft.*402\\(g\\) elective deferral limit"):
        new.year(2027)
    full = new.with_figures(
        2027, [Figure(n, f.value, cite) for n, f in base.year(2026).figures.items() if n != "annual_additions_415c"]
    )
    assert full.year(2027).value("annual_additions_415c") == 74000 and 2027 not in full.drafts  # complete: in force
    assert 2027 not in base.years  # the bundled base is untouched
    with pytest.raises(FactDataError, match="415\\(c\\) must be above 402\\(g\\)"):
        base.with_figures(2026, [Figure("annual_additions_415c", Decimal(24000), cite)])
