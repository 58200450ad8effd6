"""Short cited explainer articles (knowledge/articles/*.md); any figure in them comes from the fact base.

File format: `title:` and `source: Title | https://link` lines, a blank line, then the body. In the body,
{figure_name} is that figure for the chosen year, {figure_name@prior} the prior year's, and {year} /
{prior_year} the years; each figure used is cited with its notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .errors import InputError
from .facts import Citation, FactBase, Figure
from .figures import FIGURES
from .money import excerpt, plain

_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)(@prior)?\}")


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    sources: tuple[Citation, ...]
    body: str


@dataclass(frozen=True)
class RenderedArticle:
    article: Article
    text: str
    figures: list[Figure]


def parse_article(slug: str, text: str) -> Article:
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
        raise ValueError(f"knowledge/articles/{slug}.md needs a title, at least one source and a body")
    return Article(slug, title, tuple(sources), body.strip())


@cache
def articles() -> dict[str, Article]:
    folder = resources.files("knowledge") / "articles"
    found = {
        e.name.removesuffix(".md"): parse_article(e.name.removesuffix(".md"), e.read_text(encoding="utf-8"))
        for e in folder.iterdir()
        if e.name.endswith(".md")
    }
    return dict(sorted(found.items(), key=lambda kv: kv[1].title))


def find(topic: str) -> Article:
    table = articles()
    key = topic.strip().lower()
    if key in table:
        return table[key]
    for article in table.values():
        if article.title.lower() == key:
            return article
    hits = [a for a in table.values() if key and (key in a.title.lower() or key in a.slug)]
    if len(hits) == 1:
        return hits[0]
    raise InputError("topic", f"no article on {excerpt(topic)}; topics: {', '.join(table)}")


def search(text: str, limit: int = 25) -> list[Article]:
    """For autocomplete: titles or slugs containing every word typed."""
    words = text.lower().split()
    return [a for a in articles().values() if all(w in (a.title + " " + a.slug).lower() for w in words)][:limit]


def render(article: Article, facts: FactBase, year: int, money=plain) -> RenderedArticle:  # noqa: ANN001
    used: dict[tuple[int, str], Figure] = {}

    def fill(m: re.Match[str]) -> str:
        name, prior = m.group(1), m.group(2)
        if name == "year":
            return str(year)
        if name == "prior_year":
            return str(year - 1)
        if name not in FIGURES:
            raise ValueError(f"article {article.slug}: unknown placeholder {{{name}}}")
        at = year - 1 if prior else year
        fig = facts.years[at].get(name) if at in facts.years else None
        if fig is None:
            return f"(no {at} figure yet)"
        used[(at, name)] = fig
        return money(fig.value)

    return RenderedArticle(article, reflow(_PLACEHOLDER.sub(fill, article.body)), list(used.values()))


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
