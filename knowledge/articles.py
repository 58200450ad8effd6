"""Short cited explainer articles (knowledge/articles/*.md); any figure in them comes from the fact base.

File format: `title:` and `source: Title | https://link` lines, a blank line, then the body. In the body,
{figure_name} is that figure for the chosen year, {figure_name@prior} the prior year's, and {year} /
{prior_year} the years; each figure used is cited with its notice. An amount fixed by statute and not in the fact
base (the 403(b) 15-year catch-up, IRC 402(g)(7)) is written {usd:N} with N in whole dollars, so it shows in the
reader's money format; the article cites the Code section that sets it.

Translations live in knowledge/articles/<language>/<slug>.md (e.g. es/), in the same format, with the same
`source:` lines and the same placeholders as the English file; a language lacking an article falls back to the
English one for that slug, so every language has the same slugs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from .errors import InputError
from .facts import Citation, FactBase, Figure
from .figures import FIGURES
from .money import excerpt, plain
from .text import Line

_PLACEHOLDER = re.compile(r"\{(?:usd:(?P<usd>[0-9]+)|(?P<name>[a-z0-9_]+)(?P<prior>@prior)?)\}")
ENGLISH = "en"
# A translation folder's name: a plain language code ("es"), never anything that could leave the folder.
_LANGUAGE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    sources: tuple[Citation, ...]
    body: str
    # The language this text is written in: "en", or a translation's code ("es"). An English fallback in a
    # translated table says "en".
    language: str = ENGLISH


@dataclass(frozen=True)
class RenderedArticle:
    article: Article
    text: str
    figures: list[Figure]


def parse_article(slug: str, text: str, language: str = ENGLISH) -> Article:
    head, _, body = text.partition("\n\n")
    title, sources = None, []
    for line in head.splitlines():
        key, _, value = line.partition(":")
        if key == "title":
            title = value.strip()
        elif key == "source":
            name, _, url = value.partition("|")
            sources.append(Citation(title=name.strip(), url=url.strip()))
    if not title or not sources or not body.strip():
        raise ValueError(f"{_path(language, slug)} needs a title, at least one source and a body")
    return Article(slug, title, tuple(sources), body.strip(), language)


def _path(language: str, slug: str) -> str:
    return f"knowledge/articles/{'' if language == ENGLISH else language + '/'}{slug}.md"


def _fold(text: str) -> str:
    """Lower case without accents, for matching what a member types ("conversion" finds "Conversión")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def languages() -> tuple[str, ...]:
    """English, then every language with its own folder of translated articles."""
    folder = resources.files("knowledge") / "articles"
    found = sorted(e.name for e in folder.iterdir() if e.is_dir() and _LANGUAGE.fullmatch(e.name))
    return (ENGLISH, *(code for code in found if code != ENGLISH))


def language_of(code: str) -> str:
    """The article language for a language code: "es", "ES" or "es-419" give "es" when there is a Spanish folder;
    anything without its own folder (or empty) gives English."""
    base = re.split(r"[-_]", str(code or "").strip().lower(), maxsplit=1)[0]
    return base if base in languages() else ENGLISH


@cache
def _read(language: str) -> dict[str, Article]:
    folder = resources.files("knowledge") / "articles"
    if language != ENGLISH:
        folder = folder / language
    return {
        e.name.removesuffix(".md"): parse_article(e.name.removesuffix(".md"), e.read_text(encoding="utf-8"), language)
        for e in folder.iterdir()
        if e.is_file() and e.name.endswith(".md")
    }


def articles(language: str = ENGLISH) -> dict[str, Article]:
    """Every article by slug, in that language where it has a translation and in English otherwise, ordered by
    title. Every language has the same slugs."""
    return _articles(language_of(language))


@cache
def _articles(language: str) -> dict[str, Article]:
    english = _read(ENGLISH)
    return _by_title(english) if language == ENGLISH else _merged(english, _read(language), language)


def _by_title(table: dict[str, Article]) -> dict[str, Article]:
    return dict(sorted(table.items(), key=lambda kv: _fold(kv[1].title)))


def _merged(english: dict[str, Article], own: dict[str, Article], language: str) -> dict[str, Article]:
    """A language's table: its own article for each English slug, the English one where it has none."""
    orphans = sorted(own.keys() - english.keys())
    if orphans:
        raise ValueError(f"{_path(language, orphans[0])} translates no English article")
    return _by_title({slug: own.get(slug, article) for slug, article in english.items()})


def find(topic: str, language: str = ENGLISH) -> Article:
    """The article a member asked for: by slug, by its title (or its English title), or by the one title or slug
    containing what was typed."""
    table = articles(language)
    key = _fold(topic.strip())
    if key in table:
        return table[key]
    for article in table.values():
        if _fold(article.title) == key:
            return article
    for article in articles(ENGLISH).values():
        if _fold(article.title) == key:
            return table[article.slug]
    hits = [a for a in table.values() if key and (key in _fold(a.title) or key in a.slug)]
    if len(hits) == 1:
        return hits[0]
    raise InputError("topic", "no article on {typed}; topics: {topics}", typed=excerpt(topic), topics=", ".join(table))


def search(text: str, limit: int = 25, language: str = ENGLISH) -> list[Article]:
    """For autocomplete: the articles whose title (in that language) or slug contains every word typed."""
    words = _fold(text).split()
    return [a for a in articles(language).values() if all(w in _fold(f"{a.title} {a.slug}") for w in words)][:limit]


def render(article: Article, facts: FactBase, year: int, money=plain, translate=None) -> RenderedArticle:  # noqa: ANN001
    """The article for a tax year; `money` formats figures and `translate` (a front end's gettext) the note for a
    figure the year lacks."""
    used: dict[tuple[int, str], Figure] = {}

    def fill(m: re.Match[str]) -> str:
        if m["usd"] is not None:
            return money(Decimal(m["usd"]))
        name, prior = m["name"], m["prior"]
        if name == "year":
            return str(year)
        if name == "prior_year":
            return str(year - 1)
        if name not in FIGURES:
            raise ValueError(f"article {article.slug}: unknown placeholder {{{name}}}")
        at = year - 1 if prior else year
        fig = facts.years[at].get(name) if at in facts.years else None
        if fig is None:
            return Line("(no {year} figure yet)", {"year": at}).render(money, None, translate or _same)
        used[(at, name)] = fig
        return money(fig.value)

    # Reflow the template, then fill it: a line that starts with a placeholder ("{year}) applies…") must not
    # become a list item once the figure is in ("2026) applies…").
    return RenderedArticle(article, _PLACEHOLDER.sub(fill, reflow(article.body)), list(used.values()))


def _same(text: str) -> str:
    return text


_BLOCK_START = re.compile(r"^\s*(?:[-*+>#|]|\d+[.)])\s")


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph: Discord shows every newline, so sentences broken at 110
    columns read badly, worst on a phone. Blank lines, list items, quotes and headings keep their breaks."""
    out: list[str] = []
    for line in text.splitlines():
        if out and line.strip() and out[-1].strip() and not _BLOCK_START.match(line):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line.rstrip())
    return "\n".join(out)
