"""Fact packs, source links and the year by the clock: the pure rules, without storage or Discord."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.errors import InputError
from knowledge.facts import Citation, Figure, dump_year, load_facts, parse_year_file
from knowledge.figures import FIGURES
from knowledge.packs import plan_import, read_pack
from knowledge.sources import check_source_url, trusted
from knowledge.years import choose_year

ROOT = Path(__file__).resolve().parents[1]
NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"
HOSTS = ("irs.gov",)
TEXT_2026 = (ROOT / "knowledge/data/2026.toml").read_text()


def pack_2027(**changes: int) -> str:
    """2026's file as 2027 with a new notice, figures changed as given."""
    text = TEXT_2026.replace("year = 2026", "year = 2027").replace("n-25-67", "n-26-99")
    text = text.replace("IRS Notice 2025-67", "IRS Notice 2026-99")
    lines = []
    for line in text.splitlines():
        name = line.split(" = ", 1)[0]
        if name in changes:
            old = line.split("value = ", 1)[1].split(",", 1)[0]
            line = line.replace(f"value = {old},", f"value = {changes[name]},")
        lines.append(line)
    return "\n".join(lines) + "\n"


def plan(*texts: str, facts=None, max_year: int = 2027):
    packs = [(f"p{i}.toml", read_pack(f"p{i}.toml", t.encode())) for i, t in enumerate(texts)]
    return plan_import(facts or load_facts(), packs, HOSTS, max_year, origin="operator")


def test_the_bundled_2026_file_differs_in_nothing():
    assert plan(TEXT_2026).diffs == []


def test_a_new_year_lists_every_figure_with_its_change_from_the_year_before():
    p = plan(pack_2027(deferral_limit_402g=25000, annual_additions_415c=74000))
    assert p.new_years == [2027] and len(p.diffs) == 13 and p.jumps == []
    d = next(d for d in p.diffs if d.figure == "annual_additions_415c")
    assert d.old is None and d.prior.value == 72000 and d.new.value == 74000
    assert d.new.citation == Citation(title="IRS Notice 2026-99", url=NOTICE)
    assert p.result.year(2027).value("annual_additions_415c") == 74000


def test_only_the_figures_that_differ_are_changes():
    corrected = TEXT_2026.replace(
        'value = 160000, title = "IRS Notice 2025-67"', 'value = 165000, title = "IRS Notice 2025-67"', 1
    )
    [d] = plan(corrected).diffs
    assert (d.year, d.figure, d.old.value, d.new.value) == (2026, "hce_threshold_414q", 160000, 165000)


def test_a_jump_over_15_percent_is_flagged():
    p = plan(pack_2027(catch_up_414v=9500))
    [jump] = p.jumps
    assert jump.figure == "catch_up_414v" and jump.jump == Decimal(1500) / 8000


@pytest.mark.parametrize(
    "text, words",
    [
        # one bad figure among twelve good ones: the whole file is refused, naming the figure and why
        (pack_2027(deferral_limit_402g=80000), "p0.toml: deferral_limit_402g: 415(c) must be above 402(g)"),
        (
            pack_2027().replace(f'url = "{NOTICE}"', 'url = "https://evil.example/n.pdf"', 1),
            "p0.toml: figures.deferral_limit_402g.url: evil.example is not a trusted source",
        ),
        (
            pack_2027().replace(f'url = "{NOTICE}"', 'url = "http://www.irs.gov/n.pdf"', 1),
            "figures.deferral_limit_402g.url",
        ),
        (pack_2027(ira_limit=2_000_000), "ira_limit: $2,000,000 is outside the sane range $100–$100,000"),
        (pack_2027().replace("year = 2027", "year = 2029"), "year 2029 is too far ahead"),
        # within the year's rules only together with the figures in force: 2026's 415(c) is 72,000
        (
            f'year = 2026\n[figures]\ndeferral_limit_402g = {{ value = 73000, title = "IRS x", url = "{NOTICE}" }}\n',
            "p0.toml: 2026: deferral_limit_402g: 415(c) must be above 402(g)",
        ),
        (
            'year = 2027\n[figures]\nroth_limit = { value = 1, title = "x x", url = "https://www.irs.gov/" }\n',
            "roth_limit: unknown figure",
        ),
        ("year = 2027\n[figures\n", "not valid TOML"),
    ],
)
def test_a_bad_pack_is_refused_whole_naming_the_figure_and_why(text, words):
    with pytest.raises(InputError) as err:
        plan(text)
    assert err.value.field == "file" and words in err.value.message


def test_a_new_year_missing_a_figure_is_imported_as_a_draft_naming_what_it_lacks():
    text = "\n".join(line for line in pack_2027().splitlines() if not line.startswith("ira_limit"))
    p = plan(text)
    assert p.drafts == [2027] and p.new_years == [] and p.result.missing(2027) == ["ira_limit"]
    assert 2027 not in p.result.years  # no answer uses it
    done = plan_import(p.result, [("p1.toml", read_pack("p1.toml", pack_2027()))], HOSTS, 2027, "server")
    assert [d.figure for d in done.diffs] == ["ira_limit"] and done.new_years == [2027] and done.drafts == []


def test_the_same_year_twice_is_refused():
    with pytest.raises(InputError, match="year 2027 is also in p0.toml"):
        plan(pack_2027(), pack_2027())


def test_a_2027_jump_is_measured_against_the_2026_imported_with_it():
    higher_2026 = TEXT_2026.replace("value = 8000,", "value = 9000,")
    p = plan(higher_2026, pack_2027(catch_up_414v=9500))
    # 2026: 9,000 on 2025's 7,500 is +20 %; 2027: 9,500 on the imported 9,000, not on the bundled 8,000
    assert [(d.year, d.figure) for d in p.jumps] == [(2026, "catch_up_414v")]


def test_oversized_and_binary_files_are_refused():
    with pytest.raises(InputError, match="too big"):
        read_pack("big.toml", b"#" * 70_000)
    with pytest.raises(InputError, match="not UTF-8"):
        read_pack("bin.toml", b"\xff\xfe\x00")


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.irs.gov/pub/irs-drop/n-26-99.pdf", True),
        ("https://irs.gov/x", True),
        ("https://apps.IRS.gov/x", True),
        ("https://evilirs.gov/x", False),
        ("https://irs.gov.evil.example/x", False),
        ("https://irs.gov@evil.example/x", False),
        ("http://www.irs.gov/x", False),
        ("https://www.irs.gov/x\nhttps://evil.example", False),
        ('https://www.irs.gov/x"onclick', False),
        ("https://www.irs.gov/x'", False),
        ("https://evil.example\\@www.irs.gov/", False),
        ("https://www.irs.gov/a b", False),
        ("https://www.irs.gov:99999/", False),
    ],
)
def test_source_links_must_be_plain_https_on_a_trusted_host(url, ok):
    if ok:
        assert check_source_url(url, HOSTS) == url
    else:
        with pytest.raises(InputError) as err:
            check_source_url(url, HOSTS)
        assert err.value.field == "source_url"


def test_the_operator_can_trust_more_hosts():
    assert trusted("www.dol.gov", ("irs.gov", "dol.gov")) and not trusted("www.dol.gov", HOSTS)
    assert check_source_url("https://www.dol.gov/x", ("irs.gov", "dol.gov"))


def test_a_citation_refuses_quotes_and_line_breaks_whatever_the_host():
    for url in ('https://www.irs.gov/"x', "https://www.irs.gov/x\n", "https://www.irs.gov/(x)"):
        with pytest.raises(ValueError):
            Citation(title="IRS Notice", url=url)


# Titles: anything on one line (backslashes, quotes, brackets, TOML syntax, any script); links: any characters
# a plain link may hold (the rest are refused before anything is written, see above).
# (A title needs a letter and no invisible or direction characters, Cf; it is stored in NFKC form.)
TITLES = (
    st.text(st.characters(exclude_categories=("Cc", "Cs", "Cf")), min_size=3, max_size=190)
    .map(lambda t: "IRS " + t)
    .filter(lambda t: len(unicodedata.normalize("NFKC", t)) <= 200)
)
PATHS = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), exclude_characters="\"'`<>\\[]()\x7f"), max_size=60
)


@settings(max_examples=200, deadline=None)
@given(title=TITLES, path=PATHS, value=st.integers(30000, 60000))
def test_export_round_trips_through_the_bundled_parser_with_hostile_strings(title, path, value):
    base = load_facts().year(2026)
    url = f"https://www.irs.gov/{path}"
    hostile = Figure("annual_additions_415c", Decimal(value + 30000), Citation(title=title, url=url))
    other = Figure("deferral_limit_402g", Decimal(value // 2), Citation(title=title + "\\", url=url))
    figures = {**base.figures, hostile.name: hostile, other.name: other}
    parsed = parse_year_file("export.toml", dump_year(2026, figures.values()))
    assert {n: (f.value, f.citation) for n, f in parsed.figures.items()} == {
        n: (f.value, f.citation) for n, f in figures.items()
    }


def test_a_title_ending_in_a_backslash_and_quotes_export_as_valid_toml():
    fig = Figure("ira_limit", Decimal(7500), Citation(title='The "IRS" notice \\', url=NOTICE))
    base = load_facts().year(2026)
    text = dump_year(2026, {**base.figures, "ira_limit": fig}.values())
    assert parse_year_file("x.toml", text)["ira_limit"].citation.title == 'The "IRS" notice \\'
    assert list(FIGURES)[0] in text.splitlines()[3]  # one line per figure, in the bundled order


# ------------------------------------------------------------------ the year by the clock
def with_2027():
    return plan(pack_2027(deferral_limit_402g=25000)).result


@pytest.mark.parametrize(
    "today, facts, year, note, ahead",
    [
        (date(2026, 12, 31), load_facts(), 2026, None, None),
        (date(2027, 1, 1), load_facts(), 2026, "2027's figures are not in yet; showing 2026", None),
        (date(2027, 1, 2), load_facts(), 2026, "moderators can add them with /facts import", None),
        (date(2027, 1, 1), with_2027(), 2027, None, None),
        (date(2026, 10, 31), with_2027(), 2026, None, None),
        (date(2026, 11, 1), with_2027(), 2026, None, 2027),
        (date(2026, 12, 31), with_2027(), 2026, None, 2027),
        (date(2026, 11, 1), load_facts(), 2026, None, None),
    ],
)
def test_the_year_without_one_given(today, facts, year, note, ahead):
    choice = choose_year(facts, None, today)
    assert choice.year == year and choice.next_year == ahead
    assert (choice.note() is None) if note is None else (note in choice.note().text)


def test_a_year_given_is_answered_as_asked_with_no_note():
    choice = choose_year(load_facts(), 2024, date(2027, 1, 1))
    assert choice.year == 2024 and choice.note() is None and choice.next_year is None
    with pytest.raises(InputError, match="no IRS figures for 2027"):
        choose_year(load_facts(), 2027, date(2027, 1, 1))
