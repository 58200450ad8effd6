"""What /facts shows moderators: a year's figures, the change history, one change.

Everything is rendered through a Formatter: the moderator's language for replies, the server's for what is
announced in a channel. Citations (titles and links) are shown as they were written, in no language."""

from __future__ import annotations

from decimal import Decimal

import discord
from babel.numbers import format_percent

from bot.formatting import Formatter
from bot.replies import escape, link, pages
from knowledge.facts import FactBase, Figure, YearFacts
from knowledge.figures import FIGURES
from knowledge.text import Line

from ._common import EMBED_COLOUR


def percent(value: Decimal, f: Formatter, *, signed: bool = False) -> str:
    """A share (0.224) as the locale writes percentages, one decimal when it has one: 22.4% (en), 22,4 % (es),
    with its sign when `signed` (+22.4%)."""
    pattern = f.locale.percent_formats[None].pattern.split(";")[0]  # "#,##0%", "#,##0 %", …
    digits = "#,##0.0" if (value * 100) != (value * 100).to_integral_value() or signed else "#,##0"
    shape = pattern.replace("#,##0", digits, 1)
    if signed:
        shape = shape.replace(digits, "+" + digits, 1) + ";" + shape.replace(digits, "-" + digits, 1)
    return format_percent(value, format=shape, locale=f.locale, decimal_quantization=True)


def label(name: str, f: Formatter) -> str:
    """A figure's label in the formatter's language (its key when the figure is not one we know)."""
    return f.gettext(FIGURES[name].label) if name in FIGURES else name


def _date(fig: Figure, f: Formatter) -> str:
    return f.date(fig.updated_at) if fig.updated_at else "?"


def draft_line(base: FactBase, year: int, f: Formatter) -> str:
    """A draft year as moderators see it: not in force, and what it still lacks."""
    missing = ", ".join(label(n, f) for n in base.missing(year))
    return f.t(
        "📝 **{year} is a draft**: no answer uses it until it is complete. Still missing: {missing}.",
        year=year,
        missing=missing,
    )


def draft_lines(base: FactBase, year: int | None, f: Formatter) -> list[str]:
    """Every draft year (or only `year`), for the top of /facts show and /facts history."""
    return [draft_line(base, y, f) for y in sorted(base.drafts) if year is None or y == year]


def facts_show_pages(facts: YearFacts, f: Formatter, notes: list[str] | None = None) -> list[discord.Embed]:
    """Every figure for a year: bundled ones plainly, this server's changes with who, when and the source.
    `notes` (drafts) come first."""
    lines = list(notes or [])
    for name in FIGURES:
        fig = facts.get(name)
        head = f"**{label(name, f)}** (`{name}`)"
        if fig is None:
            unset = f.t("not set")
            lines.append(f"{head}: — {unset}")
            continue
        parts = [f"{head}: {f.money(fig.value)}", link(fig.citation.title, fig.citation.url)]
        if fig.origin == "server":
            parts.append(f.t("✏️ set by {who} on {when}", who=f"<@{fig.updated_by}>", when=_date(fig, f)))
            if fig.note:
                parts.append(f"“{escape(fig.note)}”")
        elif fig.origin == "operator":
            parts.append(f.t("🛠️ loaded by the bot's operator on {when}", when=_date(fig, f)))
        else:
            parts.append(f.t("bundled"))
        lines.append(" · ".join(parts))
    return pages(
        f.t("Facts for {year} in this server", year=facts.year),
        lines,
        colour=EMBED_COLOUR,
        footer=f.t(
            "Bundled figures ship with the bot; 🛠️ the operator's apply to every server; ✏️ marks this server's "
            "moderators' changes (the most specific applies)."
        ),
    )


def change_line(change, bundled: FactBase, f: Formatter) -> str:  # noqa: ANN001 - storage FactChange
    """None on either side of a change means the bundled figure (or none, for a year the bundle lacks)."""
    shipped = bundled.years[change.year].get(change.figure) if change.year in bundled.years else None

    def amount(value: Decimal | None) -> str:
        if value is not None:
            return f.money(value)
        return f.t("{amount} (bundled)", amount=shipped.value) if shipped is not None else f.t("not set")

    stamp = int(change.created_at.timestamp())
    parts = [
        f"**#{change.id}**",
        str(change.year),
        f"{label(change.figure, f)}: {amount(change.old_value)} → **{amount(change.new_value)}**",
        f"<@{change.actor_id}>",
        f"<t:{stamp}:f>",
    ]
    if change.url:
        parts.append(link(change.title or change.url, change.url))
    if change.reverts is not None:
        parts.append(f.t("reverts #{change}", change=change.reverts))
    if change.note and change.reverts is None:
        parts.append(f"“{escape(change.note)}”")
    return " · ".join(parts)


def history_pages(
    changes,  # noqa: ANN001 - storage FactChanges
    year: int | None,
    bundled: FactBase,
    f: Formatter,
    notes: list[str] | None = None,
) -> list[discord.Embed]:
    """The changes, newest first, after `notes` (the drafts and what they lack)."""
    title = f.t("Fact changes in this server for {year}", year=year) if year else f.t("Fact changes in this server")
    if not changes:
        empty = f.t("No changes yet: every figure is the bundled one.")
        return [discord.Embed(title=title, description="\n".join([*(notes or []), empty]), colour=EMBED_COLOUR)]
    return pages(
        title,
        [*(notes or []), *(change_line(c, bundled, f) for c in changes)],
        colour=EMBED_COLOUR,
        footer=f.t("Newest first. /facts revert change_id:<#> undoes one change (the undo is recorded too)."),
    )


def change_embed(change, heading: Line, bundled: FactBase, f: Formatter) -> discord.Embed:  # noqa: ANN001
    """One saved change; `heading` ("Fact updated", "Change #3 reverted") is rendered in f's language, since the
    same change is shown to the moderator in theirs and announced in the server's."""
    embed = discord.Embed(title=f.line(heading), description=change_line(change, bundled, f), colour=EMBED_COLOUR)
    embed.set_footer(text=f.t("Answers in this server use it now; other servers are not affected."))
    return embed
