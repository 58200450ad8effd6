"""What /facts shows moderators: a year's figures, the change history, one change."""

from __future__ import annotations

from decimal import Decimal

import discord

from bot.formatting import Formatter
from bot.replies import escape, link, pages
from knowledge.facts import FactBase, Figure, YearFacts
from knowledge.figures import FIGURES

from ._common import EMBED_COLOUR


def _who_when(fig: Figure, f: Formatter) -> str:
    when = f.date(fig.updated_at) if fig.updated_at else "?"
    return f"✏️ set by <@{fig.updated_by}> on {when}"


def facts_show_pages(facts: YearFacts, f: Formatter) -> list[discord.Embed]:
    """Every figure for a year: bundled ones plainly, this server's changes with who, when and the source."""
    lines = []
    for name, spec in FIGURES.items():
        fig = facts.get(name)
        if fig is None:
            lines.append(f"**{spec.label}** (`{name}`): — not set")
            continue
        line = f"**{spec.label}** (`{name}`): {f.money(fig.value)} · {link(fig.citation.title, fig.citation.url)}"
        if fig.origin == "server":
            line += f" · {_who_when(fig, f)}"
            if fig.note:
                line += f" · “{escape(fig.note)}”"
        elif fig.origin == "operator":
            line += f" · 🛠️ loaded by the bot's operator on {f.date(fig.updated_at) if fig.updated_at else '?'}"
        else:
            line += " · bundled"
        lines.append(line)
    return pages(
        f"Facts for {facts.year} in this server",
        lines,
        colour=EMBED_COLOUR,
        footer="Bundled figures ship with the bot; 🛠️ the operator's apply to every server; ✏️ marks "
        "this server's moderators' changes (the most specific applies).",
    )


def change_line(change, bundled: FactBase, f: Formatter) -> str:  # noqa: ANN001 - storage FactChange
    """None on either side of a change means the bundled figure (or none, for a year the bundle lacks)."""
    label = FIGURES[change.figure].label if change.figure in FIGURES else change.figure
    shipped = bundled.years[change.year].get(change.figure) if change.year in bundled.years else None

    def amount(value: Decimal | None) -> str:
        if value is not None:
            return f.money(value)
        return f"{f.money(shipped.value)} (bundled)" if shipped is not None else "not set"

    stamp = int(change.created_at.timestamp())
    line = (
        f"**#{change.id}** · {change.year} · {label}: {amount(change.old_value)} → "
        f"**{amount(change.new_value)}** · <@{change.actor_id}> · <t:{stamp}:f>"
    )
    if change.url:
        line += f" · {link(change.title or change.url, change.url)}"
    if change.reverts is not None:
        line += f" · reverts #{change.reverts}"
    if change.note and change.reverts is None:
        line += f" · “{escape(change.note)}”"
    return line


def history_pages(changes, year: int | None, bundled: FactBase, f: Formatter) -> list[discord.Embed]:  # noqa: ANN001
    title = f"Fact changes in this server{f' for {year}' if year else ''}"
    if not changes:
        return [
            discord.Embed(
                title=title, description="No changes yet: every figure is the bundled one.", colour=EMBED_COLOUR
            )
        ]
    return pages(
        title,
        (change_line(c, bundled, f) for c in changes),
        colour=EMBED_COLOUR,
        footer="Newest first. /facts revert change_id:<#> undoes one change (the undo is recorded too).",
    )


def change_embed(change, heading: str, bundled: FactBase, f: Formatter) -> discord.Embed:  # noqa: ANN001
    embed = discord.Embed(title=heading, description=change_line(change, bundled, f), colour=EMBED_COLOUR)
    embed.set_footer(text="Answers in this server use it now; other servers are not affected.")
    return embed
