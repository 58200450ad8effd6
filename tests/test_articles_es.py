"""Spanish /explain articles (knowledge/articles/es/): complete, with the English citations and placeholders, no
figure of their own, rendering inside Discord's limits; and the language handling of knowledge.articles."""

import re
from importlib import resources

import pytest

from bot.formatting import formatter
from bot.replies import DESCRIPTION, TITLE
from knowledge import articles as A
from knowledge.facts import load_facts

FACTS = load_facts()
YEARS = sorted(FACTS.years)
ENGLISH = A.articles()
SPANISH = A.articles("es")
SLUGS = sorted(ENGLISH)
FOLDER = resources.files("knowledge") / "articles"


def placeholders(body: str) -> set[str]:
    return {m.group(0) for m in A._PLACEHOLDER.finditer(body)}


def numbers(body: str) -> set[str]:
    """Every number written in the text itself (placeholders removed)."""
    return set(re.findall(r"\d+(?:[.,]\d+)*", A._PLACEHOLDER.sub(" ", body)))


def test_every_english_article_has_its_own_spanish_file():
    files = {e.name.removesuffix(".md") for e in (FOLDER / "es").iterdir() if e.name.endswith(".md")}
    assert files == set(SLUGS)
    assert sorted(SPANISH) == SLUGS
    assert all(SPANISH[slug].language == "es" for slug in SLUGS)
    assert all(ENGLISH[slug].language == "en" for slug in SLUGS)


def test_the_language_folder_is_not_an_article():
    assert "es" in A.languages() and "es" not in ENGLISH and "es" not in SPANISH


@pytest.mark.parametrize("slug", SLUGS)
def test_same_citations_and_placeholders_and_no_figure_of_its_own(slug):
    en, es = ENGLISH[slug], SPANISH[slug]
    assert es.sources == en.sources
    assert placeholders(es.body) == placeholders(en.body)
    # An IRS limit is only ever a placeholder: the Spanish writes no number the English does not.
    assert numbers(es.body) <= numbers(en.body), numbers(es.body) - numbers(en.body)
    assert es.title != en.title and es.body != en.body  # translated, not copied


@pytest.mark.parametrize("slug", SLUGS)
def test_same_markdown_structure(slug):
    en, es = A.reflow(ENGLISH[slug].body).splitlines(), A.reflow(SPANISH[slug].body).splitlines()
    assert len(es) == len(en)  # same paragraphs and list items, once hard wraps are joined
    for line_en, line_es in zip(en, es, strict=True):
        assert line_es[:2] == line_en[:2] if line_en.startswith("- ") else not line_es.startswith("- ")
    for mark in ("**", "`"):
        assert SPANISH[slug].body.count(mark) == ENGLISH[slug].body.count(mark), mark


@pytest.mark.parametrize("locale", ["es-ES", "es-419"])
@pytest.mark.parametrize("year", YEARS)
def test_renders_every_bundled_year_inside_discord_limits(year, locale):
    money = formatter(locale).money
    for slug in SLUGS:
        es = A.render(SPANISH[slug], FACTS, year, money)
        en = A.render(ENGLISH[slug], FACTS, year, money)
        assert "{" not in es.text and "}" not in es.text, slug
        assert es.figures == en.figures, slug  # the same figures, so the same notices cited
        assert len(es.text) <= DESCRIPTION and len(SPANISH[slug].title) <= TITLE, slug
        assert es.text.count("\n") == en.text.count("\n"), slug


def test_the_room_figure_shows_in_spanish_with_its_notice():
    money = formatter("es-ES").money
    rendered = A.render(A.find("mega-backdoor", "es"), FACTS, 2025, money)
    assert money(70000).replace("\xa0", " ") == "70.000 US$"
    assert f"límite de *aportaciones anuales* (annual additions) del 415(c) ({money(70000)} en 2025" in rendered.text
    assert {f.citation.title for f in rendered.figures} == {"IRS Notice 2024-80"}


@pytest.mark.parametrize("slug", SLUGS)
def test_find_in_spanish_by_slug_and_by_title(slug):
    article = SPANISH[slug]
    assert A.find(slug, "es") is article
    assert A.find(article.title, "es") is article
    assert A.find(f"  {article.title.upper()} ", "es") is article
    assert A.find(ENGLISH[slug].title, "es") is article  # an English title still finds the Spanish text
    assert A.find(article.title, "es-419") is article


def test_find_and_search_in_spanish_ignore_accents_and_match_titles_or_slugs():
    assert A.find("conversion dentro del plan", "es").slug == "conversion-vs-withdrawal"
    assert A.find("prueba acp", "es").slug == "acp-testing"
    assert [a.slug for a in A.search("8606", language="es")] == ["form-1099r"]
    assert {a.slug for a in A.search("catch", language="es")} == {"catch-up", "roth-catch-up-2026"}
    assert [a.slug for a in A.search("retiro empleo", language="es")] == ["conversion-vs-withdrawal"]
    assert [a.slug for a in A.search("mito", language="es")] == ["pro-rata-myth"]
    assert [a.slug for a in A.search("myth", language="es")] == ["pro-rata-myth"]  # the slug
    assert A.search("mito") == []  # English titles do not hold the Spanish word
    assert len(A.search("", limit=3, language="es")) == 3
    with pytest.raises(A.InputError, match="no article on “cripto”; topics: "):
        A.find("cripto", "es")


def test_a_language_without_its_own_folder_reads_english():
    for code in ("en", "fr", "de", "", "EN-us", "../es", "e", "español"):
        assert A.articles(code) is ENGLISH, code
    for code in ("es", "ES", "es-419", "es_ES"):
        assert A.articles(code) is SPANISH, code
    assert A.find("pro-rata", "fr") is ENGLISH["pro-rata-myth"]


def test_a_missing_translation_falls_back_to_english_for_that_slug_only():
    own = {slug: SPANISH[slug] for slug in SLUGS if slug != "catch-up"}
    table = A._merged(ENGLISH, own, "es")
    assert sorted(table) == SLUGS
    assert table["catch-up"] is ENGLISH["catch-up"] and table["acp-testing"] is SPANISH["acp-testing"]


def test_a_translation_of_no_english_article_is_refused():
    stray = A.parse_article(
        "crypto",
        "title: Cripto\nsource: IRS Notice 2014-54 | https://www.irs.gov/pub/irs-drop/n-14-54.pdf\n\nTexto.",
        "es",
    )
    with pytest.raises(ValueError, match=r"knowledge/articles/es/crypto\.md translates no English article"):
        A._merged(ENGLISH, {**SPANISH, "crypto": stray}, "es")


def test_render_joins_a_wrapped_line_that_starts_with_a_placeholder():
    article = A.Article("t", "T", (), "Se aplica en\n{year}) y sigue.\n\n- uno\n- dos", "es")
    assert A.render(article, FACTS, 2026).text == "Se aplica en 2026) y sigue.\n\n- uno\n- dos"
