"""Embeds for answers. Every figure shown comes with its citation; amounts use the member's locale."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

import discord

from bot.formatting import Formatter
from bot.replies import add_long_field, escape, link
from knowledge.facts import Figure, YearFacts
from knowledge.figures import FIGURES
from knowledge.room import RoomResult, Step
from knowledge.text import N_

from ._common import EMBED_COLOUR

FOOTER = N_("Education, not tax advice: confirm with your plan document and administrator.")
PRIVATE = N_("Only you can see this; share:true posts it in the channel.")
PUBLIC = N_("Posted in the channel; share:false shows it to you only.")


def footer(shared: bool, f: Formatter) -> str:
    return f"{f.gettext(FOOTER)} {f.gettext(PUBLIC if shared else PRIVATE)}"


NAMED_PER_SOURCE = 3  # more figures from one source are counted instead of named


def citation_lines(figures: Iterable[Figure], f: Formatter) -> list[str]:
    """One line per source: [IRS Notice 2024-80](link): 402(g), 415(c) — with a server's updates marked."""
    return list(_citation_lines(tuple(figures), f))


@lru_cache(maxsize=1024)  # the same few sets of figures recur in every answer (a server's changes add dates)
def _citation_lines(figures: tuple[Figure, ...], f: Formatter) -> tuple[str, ...]:
    groups: dict[tuple[str, str, str], list[str]] = {}
    for fig in figures:
        tag = ""
        if fig.origin == "server" and fig.updated_at is not None:
            tag = f.t(" — updated by this server's moderators on {date}", date=f.date(fig.updated_at))
        elif fig.origin == "operator" and fig.updated_at is not None:
            tag = f.t(" — loaded by the bot's operator on {date}", date=f.date(fig.updated_at))
        key = (fig.citation.title, fig.citation.url, tag)
        short = re.sub(r" \(.*\)$", "", f.gettext(fig.label))
        groups.setdefault(key, []).append(short)
    # A source citing many figures (a year's notice, in /limits and /about) is counted, not named figure by figure:
    # the answer names them already. It goes last, after the sources whose figures are named.
    biggest = max(groups, key=lambda k: len(groups[k]), default=None)
    lines = []
    for key, labels in groups.items():
        title, url, tag = key
        if key == biggest and len(labels) > NAMED_PER_SOURCE:
            continue
        lines.append(f"{link(title, url)}: {', '.join(labels)}{tag}")
    if biggest is not None and len(groups[biggest]) > NAMED_PER_SOURCE:
        title, url, tag = biggest
        count = len(groups[biggest])
        what = f.t("the other {count} figures", count=count) if lines else f.t("all {count} figures", count=count)
        lines.append(f"{link(title, url)}: {what}{tag}")
    return tuple(lines)


def step_line(step: Step, f: Formatter) -> str:
    amount = f.number(step.amount) if isinstance(step.amount, int) else f.money(step.amount)
    op = f"`{step.op:>3}` " if step.op else "`   ` "
    return f"{op}{f.line(step, escape)}: **{amount}**"


def amounts_used(result: RoomResult, f: Formatter) -> list[str]:
    """The inputs as the bot read them, so a misread amount is visible at once."""
    inp = result.inputs
    if inp is None:
        return []
    parts = [
        f.t("Age {age} on 31 December", age=inp.age),
        f.t("pay {amount}", amount=inp.compensation),
        f.t("your deferrals {amount}", amount=inp.employee_deferrals),
    ]
    if inp.other_plan_deferrals:
        parts.append(f.t("other plans' deferrals {amount}", amount=inp.other_plan_deferrals))
    if inp.employer_contributions is not None:
        parts.append(f.t("employer contributions {amount}", amount=inp.employer_contributions))
    if inp.match_formula:
        parts.append(f.t("match “{formula}”", formula=escape(inp.match_formula)))
    if inp.ytd_after_tax:
        parts.append(f.t("after-tax already in {amount}", amount=inp.ytd_after_tax))
    if inp.prior_year_wages is not None:
        parts.append(f.t("{year} wages {amount}", year=inp.year - 1, amount=inp.prior_year_wages))
    if inp.plan_after_tax_cap_pct is not None:
        parts.append(f.t("plan cap {pct} of pay", pct=f.percent(inp.plan_after_tax_cap_pct)))
    if inp.paychecks_left == 1:
        parts.append(f.t("1 paycheck left"))
    elif inp.paychecks_left:
        parts.append(f.t("{count} paychecks left", count=inp.paychecks_left))
    return ["; ".join(parts)]


def room_embed(result: RoomResult, f: Formatter, *, shared: bool = False) -> discord.Embed:
    embed = discord.Embed(
        title=f.t("After-tax room for {year}: {room}", year=result.year, room=result.after_tax_room),
        description="\n".join(step_line(s, f) for s in result.steps),
        colour=EMBED_COLOUR,
    )
    if result.catch_up:
        embed.add_field(
            name=f.t("Your catch-up deferrals (outside 415(c))"), value=f.money(result.catch_up), inline=True
        )
    if result.excess_deferrals:
        embed.add_field(name=f.t("Excess deferrals"), value=f.money(result.excess_deferrals), inline=True)
    add_long_field(embed, f.t("Amounts used"), amounts_used(result, f))
    if result.warnings:
        add_long_field(embed, f.t("Warnings"), (f"⚠️ {f.line(w, escape)}" for w in result.warnings))
    add_long_field(embed, f.t("Sources"), citation_lines(result.citations, f))
    embed.set_footer(text=footer(shared, f))
    return embed


def limits_embed(facts: YearFacts, before: YearFacts | None, f: Formatter, *, shared: bool = True) -> discord.Embed:
    lines = []
    for name, spec in FIGURES.items():
        fig = facts.get(name)
        if fig is None:
            continue
        line = f"**{f.gettext(spec.label)}**: {f.money(fig.value)}"
        prior = before.get(name) if before is not None else None
        if before is not None and prior is not None and prior.value != fig.value:
            delta = fig.value - prior.value
            sign = "+" if delta > 0 else "−"
            line += f.t(
                " ({change} from {amount} in {year})",
                change=f"{sign}{f.money(abs(delta))}",
                amount=prior.value,
                year=before.year,
            )
        elif before is not None and prior is None:
            line += f.t(" (new this year)")
        elif prior is not None:
            line += f.t(" (unchanged)")
        if fig.origin == "server":
            line += " ✏️"
        elif fig.origin == "operator":
            line += " 🛠️"
        lines.append(line)
    embed = discord.Embed(title=f.t("IRS retirement-plan limits for {year}", year=facts.year), colour=EMBED_COLOUR)
    add_long_field(embed, f.t("Figures"), lines)
    add_long_field(embed, f.t("Sources"), citation_lines(facts.figures.values(), f))
    note = f.gettext(PUBLIC if shared else PRIVATE)
    origins = {fig.origin for fig in facts.figures.values()}
    marks = [
        text
        for origin, text in (
            ("server", f.t("✏️ updated by this server's moderators (see /facts show).")),
            ("operator", f.t("🛠️ loaded by the bot's operator.")),
        )
        if origin in origins
    ]
    embed.set_footer(text=" ".join([*marks, note]))
    return embed


def money_or_dash(value: Decimal | None, f: Formatter) -> str:
    return "—" if value is None else f.money(value)


def unescape(text: str) -> str:
    """Discord's markdown escapes, undone for a terminal."""
    return re.sub(r"\\([\\*_~`|>\[\]#-])", r"\1", text).replace("\u200b", "")


def embed_text(embed: discord.Embed) -> str:
    """Plain text of an embed for the offline console: links shown as 'title <url>'."""

    def plain(s: str | None) -> str:
        s = re.sub(r"\[((?:[^\]\\]|\\.)+)\]\((https?://[^)]+)\)", r"\1 <\2>", s or "")
        return unescape(s.replace("**", "").replace("`", ""))

    parts = []
    if embed.title:
        parts.append(plain(embed.title))
        parts.append("=" * min(len(embed.title), 72))
    if embed.description:
        parts.append(plain(embed.description))
    for field in embed.fields:
        parts.append("")
        parts.append(f"{plain(field.name)}:")
        parts.extend("  " + line for line in plain(field.value).splitlines())
    if embed.footer and embed.footer.text:
        parts.append("")
        parts.append(plain(embed.footer.text))
    return "\n".join(parts)
