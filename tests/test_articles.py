"""The /explain articles (knowledge/articles/*.md and their translations): each cites trusted sources whose links
match their titles, names no notice, regulation or Code section it does not cite, and takes every figure from the
fact base (or, for an amount fixed by statute, from the Code section it cites); and the statements a tax
professional's review corrected (issue 23) say what the Code and the IRS say."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import unquote, urlsplit

import pytest

from bot.formatting import formatter
from bot.replies import DESCRIPTION, TITLE
from knowledge import articles as A
from knowledge.facts import Citation, load_facts
from knowledge.figures import FIGURES
from knowledge.sources import check_source_url

FACTS = load_facts()
YEARS = sorted(FACTS.years)
LANGUAGES = A.languages()
SLUGS = sorted(A.articles())
EVERY = [(lang, slug) for lang in LANGUAGES for slug in SLUGS]
TRUSTED = ("irs.gov", "law.cornell.edu", "ecfr.gov", "federalregister.gov")
NEW = ("backdoor-roth-ira", "employer-types")

# Amounts an article may write as {usd:N}: fixed by statute, not indexed, so not in the fact base; each with the
# Code section that sets it, which the article must cite.
STATUTORY = {3000: "402", 15000: "402"}  # 402(g)(7)(A)(i) and (ii): the 403(b) 15-year catch-up


def article(lang: str, slug: str) -> A.Article:
    return A.articles(lang)[slug]


def cited_sections(art: A.Article) -> set[str]:
    """The Code sections the article's sources link to ("402", "72", "402A")."""
    return {
        m.group(1)
        for c in art.sources
        if (m := re.fullmatch(r"https://www\.law\.cornell\.edu/uscode/text/26/([0-9A-Za-z]+)", c.url))
    }


def expected_url(title: str) -> str | re.Pattern[str]:
    """Where a citation with this title must link: its title names the document, the link must be that document."""
    if m := re.match(r"26 U\.S\.C\. ([0-9]+[A-Z]?)", title):
        return f"https://www.law.cornell.edu/uscode/text/26/{m.group(1)}"
    if m := re.match(r"26 CFR (1\.[0-9A-Z]+(?:\([a-z]\))?-[0-9]+)", title):
        return f"https://www.ecfr.gov/current/title-26/section-{m.group(1)}"
    if m := re.match(r"IRS Notice (\d\d)(\d\d)-(\d+)", title):
        return f"https://www.irs.gov/pub/irs-drop/n-{m.group(2)}-{m.group(3)}.pdf"
    if m := re.match(r"IRS Publication ([0-9A-Z-]+)", title):
        return f"https://www.irs.gov/publications/p{m.group(1).replace('-', '').lower()}"
    if m := re.match(r"Instructions for Forms? ([0-9A-Z-]+)", title):
        return f"https://www.irs.gov/instructions/i{m.group(1).replace('-', '').lower()}"
    raise AssertionError(f"a source title that names no statute, regulation or IRS document: {title!r}")


def check_citation(c: Citation) -> None:
    assert check_source_url(c.url, TRUSTED) == c.url
    assert urlsplit(c.url).hostname.startswith("www."), c.url  # the canonical host, as the IRS and Cornell link
    assert unquote(c.url) == expected_url(c.title), (c.title, c.url)


@pytest.mark.parametrize(("lang", "slug"), EVERY)
def test_every_source_is_a_trusted_link_to_the_document_its_title_names(lang, slug):
    art = article(lang, slug)
    assert art.sources
    for c in art.sources:
        check_citation(c)


def test_the_link_check_catches_a_wrong_or_untrusted_link():
    with pytest.raises(AssertionError):
        check_citation(Citation(title="26 U.S.C. 415(c)", url="https://www.law.cornell.edu/uscode/text/26/414"))
    with pytest.raises(AssertionError):
        check_citation(Citation(title="IRS Notice 2014-54", url="https://www.irs.gov/pub/irs-drop/n-10-84.pdf"))
    with pytest.raises(A.InputError, match="not a trusted source"):
        check_citation(Citation(title="IRS Notice 2014-54", url="https://irs.example.com/n-14-54.pdf"))


@pytest.mark.parametrize(("lang", "slug"), EVERY)
def test_every_notice_regulation_publication_and_code_section_named_is_cited(lang, slug):
    art = article(lang, slug)
    titles = " ".join(c.title for c in art.sources)
    for notice in re.findall(r"Notice (\d{4}-\d+)", art.body):
        assert f"IRS Notice {notice}" in titles, notice
    for reg in re.findall(r"Reg\. (1\.[0-9A-Z]+(?:\([a-z]\))?-\d+)", art.body):
        assert f"26 CFR {reg}" in titles, reg
    for publication in re.findall(r"Publication ([0-9A-Z-]*[0-9A-Z])", art.body):
        assert f"IRS Publication {publication}" in titles, publication
    sections = cited_sections(art)
    for group in re.findall(r"\bIRC ((?:[0-9]+[A-Z]?(?:\([0-9a-zA-Z]+\))*(?:, )?)+)", art.body):
        for section in re.findall(r"(?:^|, )([0-9]+[A-Z]?)", group):
            assert section in sections, (section, group)


_REFERENCES = re.compile(r"\b1\.\d+[A-Z]?(?:\([a-z]\))?-\d+|Notice \d{4}-\d+")  # Reg. 1.415(f)-1, Notice 2014-54


def written_numbers(body: str) -> set[Decimal]:
    """Every number the text writes itself (placeholders, regulation and notice numbers removed), thousands
    separators read either way."""
    text = _REFERENCES.sub(" ", A._PLACEHOLDER.sub(" ", body))
    return {Decimal(re.sub(r"[.,\s]", "", n)) for n in re.findall(r"\d{1,3}(?:[.,\s]\d{3})+|\d+", text)}


def grouped_numbers(body: str) -> list[str]:
    """Numbers written with a thousands separator ("5,000", "5.000"): amounts, which only placeholders may give."""
    text = _REFERENCES.sub(" ", A._PLACEHOLDER.sub(" ", body))
    return re.findall(r"\d{1,3}(?:[.,\s]\d{3})+(?!\d)", text)


def fact_values() -> set[Decimal]:
    return {fig.value for year in FACTS.years.values() for fig in year.figures.values()}


@pytest.mark.parametrize(("lang", "slug"), EVERY)
def test_no_figure_is_typed_every_placeholder_comes_from_the_fact_base_or_a_cited_statute(lang, slug):
    art = article(lang, slug)
    text = A._PLACEHOLDER.sub(" ", art.body)
    assert "$" not in text and "US$" not in text and "USD" not in text  # money only through placeholders
    typed = written_numbers(art.body) & fact_values()
    assert not typed, f"{slug} ({lang}) types fact-base figures: {sorted(typed)}"
    assert not grouped_numbers(art.body), grouped_numbers(art.body)
    for m in A._PLACEHOLDER.finditer(art.body):
        if m["usd"] is not None:
            amount = int(m["usd"])
            assert amount in STATUTORY, f"{slug}: {{usd:{amount}}} is not a known statutory amount"
            assert STATUTORY[amount] in cited_sections(art), f"{slug}: {{usd:{amount}}} without its Code section"
        else:
            assert m["name"] in FIGURES or (m["name"] in {"year", "prior_year"} and not m["prior"]), m.group(0)


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(("lang", "slug"), EVERY)
def test_rendered_figures_are_the_years_fact_base_figures_with_their_notices(lang, slug, year):
    money = formatter("es-ES" if lang == "es" else "en-US").money
    art = article(lang, slug)
    rendered = A.render(art, FACTS, year, money)
    assert "{" not in rendered.text and "}" not in rendered.text
    assert len(rendered.text) <= DESCRIPTION and len(art.title) <= TITLE
    for m in A._PLACEHOLDER.finditer(art.body):
        if m["name"] in FIGURES:
            at = year - 1 if m["prior"] else year
            fig = FACTS.years.get(at, {}).get(m["name"])
            if fig is None:
                assert f"{at}" in rendered.text  # "(no 2024 figure yet)": said, not invented
                continue
            assert fig in rendered.figures
            assert money(fig.value) in rendered.text
        elif m["usd"] is not None:
            assert money(Decimal(m["usd"])) in rendered.text
    for fig in rendered.figures:
        assert fig.citation.title.startswith("IRS Notice ")
        check_citation(fig.citation)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_articles_stay_short_enough_to_read_on_a_phone(lang):
    # Discord allows 4,096 characters; an explainer is a few paragraphs.
    for slug in SLUGS:
        assert len(A.render(article(lang, slug), FACTS, YEARS[-1]).text) <= 2400, slug


def test_the_new_articles_are_listed_found_and_searched_in_both_languages():
    for slug in NEW:
        assert slug in A.articles() and slug in A.articles("es")
        assert A.find(slug).slug == slug and A.find(slug, "es").language == "es"
    assert [a.slug for a in A.search("457")] == ["employer-types"]
    assert [a.slug for a in A.search("solo 401")] == ["employer-types"]
    assert [a.slug for a in A.search("ira side")] == ["backdoor-roth-ira"]
    assert [a.slug for a in A.search("lado de la ira", language="es")] == ["backdoor-roth-ira"]
    assert [a.slug for a in A.search("tipos de empleador", language="es")] == ["employer-types"]
    assert A.find("Employer types: 403(b), 457(b), groups and solo 401(k)", "es").slug == "employer-types"


def render(slug: str, year: int = 2026, lang: str = "en") -> str:
    return A.render(article(lang, slug), FACTS, year, formatter("en-US").money).text


def sources(slug: str) -> set[str]:
    return {c.title for c in article("en", slug).sources}


def test_several_plans_two_403bs_and_employer_groups_share_one_415c():
    text = render("several-plans")
    assert "two 403(b)s share one 415(c), even at unrelated employers" in text
    assert "(Reg. 1.415(f)-1(f))" in text and "26 CFR 1.415(f)-1(f) (403(b) plans)" in sources("several-plans")
    assert "**controlled group** or **affiliated service group** are one employer" in text
    assert "each employer's plan has its own after-tax room" not in text  # the statement the review refuted
    assert "$72,000" in text and "$24,500" in text


def test_earnings_to_a_traditional_ira_are_a_pre_tax_balance_that_spoils_a_backdoor_roth_ira():
    text = render("conversion-vs-withdrawal")
    assert "**pre-tax IRA balance**" in text and "31 December" in text
    assert "IRA pro-rata rule (IRC 408(d)(2), on Form 8606)" in text
    assert "go to the Roth IRA too (taxed that year)" in text and "(IRS Notice 2014-54)" in text
    assert "`/explain backdoor-roth-ira`" in text


def test_roth_ordering_rules_pro_rata_401k_and_clocks_from_1_january():
    text = render("roth-five-year")
    order = ["regular contributions first", "then conversions and rollovers", "the taxable part of each before",
             "then earnings last"]  # fmt: skip
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "(Reg. 1.408A-6 Q&A-8)" in text and "(IRC 72(e)(8))" in text and "(IRS Notice 2010-84)" in text
    assert "each conversion's 5 years start on 1 January of its year" in text
    assert "**pro-rata**, not basis first" in text
    assert "withdrawing it carries no 10%" not in text  # read as "basis comes out first"


def test_1099r_box_7_codes_and_box_2a_and_no_8606_for_a_plan_to_roth_ira_rollover():
    text = render("form-1099r")
    assert "- **G**: a direct rollover to an IRA or another plan, or an in-plan Roth rollover" in text
    assert "Box 2a is 0 when the basis goes to a Roth IRA and the earnings to a traditional IRA" in text
    assert "- **H**: a direct rollover of designated Roth (Roth 401(k)) money to a Roth IRA; **B**:" in text
    assert "- **1**, **2** or **7** (early, early with an exception, normal): money paid to you" in text
    assert "within 60 days" in text
    assert "nor for a rollover of after-tax money from the plan to a Roth IRA" in text


def test_hce_five_percent_owners_whatever_their_pay_and_the_top_paid_group():
    text = render("acp-testing")
    assert "more than 5% of the employer" in text and "**whatever your pay**" in text
    assert "**top-paid group**" in text and "top 20%" in text
    assert "above that year's 414(q) amount ($160,000)" in text  # 2025 pay for 2026


def test_catch_up_is_optional_with_the_403b_and_457b_catch_ups():
    text = render("catch-up")
    assert "Both are **optional** for the plan" in text
    assert "$3,000" in text and "$15,000" in text and "(IRC 402(g)(7); amounts set by statute, not indexed)" in text
    assert "Unlike the 50+ catch-up, it counts toward 415(c)" in text
    assert "**Governmental 457(b)**: its separate limit ($24,500 in 2026)" in text
    assert "twice that limit" in text and "(IRC 457(b)(3), 457(e)(18))" in text
    assert "$8,000" in text and "$11,250" in text
    spanish = A.render(article("es", "catch-up"), FACTS, 2026, formatter("es-ES").money).text
    assert "hasta 3.000\xa0US$ más al año y 15.000\xa0US$ en total" in spanish  # the reader's money format


def test_the_backdoor_roth_ira_article_uses_the_years_ira_figures():
    text = render("backdoor-roth-ira")
    assert "phase-out $153,000 to $168,000 single, $242,000 to $252,000 married filing jointly, in 2026" in text
    assert "(up to $7,500, plus $1,100 at 50+)" in text
    assert "on **31 December** of the conversion year" in text and "**Form 8606**" in text
    assert "**zero on 31 December**" in text
    rendered = A.render(article("en", "backdoor-roth-ira"), FACTS, 2025)
    assert {f.citation.title for f in rendered.figures} == {"IRS Notice 2024-80"}
    assert "(up to $7,000, plus $1,000 at 50+)" in rendered.text


def test_the_employer_types_article_says_what_the_bot_does_not_compute():
    text = render("employer-types")
    assert "all your 403(b)s share one 415(c) ($72,000 in 2026)" in text
    assert "a separate deferral limit ($24,500 in 2026) on top of 402(g), outside 415(c)" in text
    assert "about 20% of net self-employment earnings after half the SE tax, not 25% of a salary" in text
    assert "It does **not** combine 415(c) with a second 403(b)" in text
