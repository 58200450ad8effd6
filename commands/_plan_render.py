"""The /plan answer: the elections to type into payroll, the schedule where anything changes, the warnings.

Built inside Discord's limits: title 256, description 4,096, field 1,024, 25 fields, 6,000 characters in all.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import discord

from bot.formatting import Formatter
from bot.replies import FIELD_VALUE, add_long_field, escape, fit_embed
from knowledge.plan import Clauses, Election, Paycheck, Percent, PlanResult, election_change
from knowledge.text import N_, Line

from ._common import EMBED_COLOUR
from ._render import citation_lines, footer

# The schedule's column headings: short, they share a code block 1,024 characters wide.
HEADINGS = (N_("Pay"), N_("Deferral"), N_("After-tax"), N_("Match"))


def percent(value: Decimal, f: Formatter) -> str:
    """13%, 13.1% in English; 13 %, 13,1 % in Spain: babel's percent pattern for the locale, decimals kept."""
    return f.percent(value)


class _Shown:
    """Text already rendered in the member's language, passed through Line.render as it is (not escaped again)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __format__(self, spec: str) -> str:
        return self.text


def _value(v: Any, f: Formatter) -> Any:
    if isinstance(v, Percent):
        return _Shown(percent(v.value, f))
    if isinstance(v, Clauses):
        return _Shown("; ".join(f.line(localised(line, f), escape) for line in v.lines))
    if isinstance(v, Line):
        return localised(v, f)
    return v


def localised(line: Line, f: Formatter) -> Line:
    """A core Line whose percentages and clause lists are written the member's way; then f.line translates it."""
    return Line(line.template, {k: _value(v, f) for k, v in line.params.items()})


def plan_line(line: Line, f: Formatter) -> str:
    """A warning (or error) of the plan in the member's language."""
    return f.line(localised(line, f), escape)


def election_text(value: Decimal, unit: str, f: Formatter) -> str:
    if unit == "dollars":
        return f.t("{amount} a paycheck", amount=value)
    return percent(value, f)


def election_line(label: str, e: Election, f: Formatter) -> str:
    value = f"**{election_text(e.value, e.unit, f)}**"
    if e.raised:  # "enter 32% now; after paycheck 8 change it to 31%": what to type into payroll, and when
        said = f.line(election_change(f"**{election_text(e.raised_value, e.unit, f)}**", e.raised, value))
    elif e.unit == "dollars":
        said = value
    else:
        said = f.t("{value} of each paycheck", value=value)
    return f"{label}: {said}"


def _key(p: Paycheck) -> tuple:
    return (p.deferral_election, p.after_tax_election, p.bonus, p.pay)


def schedule_rows(paychecks: list[Paycheck]) -> list[Paycheck | tuple[int, int]]:
    """The first and last paychecks and those either side of a change; (from, to) stands for a run left out."""
    keep = {0, len(paychecks) - 1}
    for i in range(1, len(paychecks)):
        if _key(paychecks[i]) != _key(paychecks[i - 1]):
            keep |= {i - 1, i}
    rows: list[Paycheck | tuple[int, int]] = []
    last = -1
    for i in sorted(keep):
        if i > last + 1:
            rows.append((paychecks[last + 1].number, paychecks[i - 1].number))
        rows.append(paychecks[i])
        last = i
    return rows


def _changes(before: Paycheck, row: Paycheck, unit: str, f: Formatter) -> list[str]:
    """The election changes to make between two paychecks, as lines of the schedule."""
    said = []
    if row.deferral_election != before.deferral_election:
        said.append(
            f.t(
                "→ after paycheck {number}, change the deferral election to {value}",
                number=before.number,
                value=election_text(row.deferral_election, unit, f),
            )
        )
    if row.after_tax_election != before.after_tax_election:
        said.append(
            f.t(
                "→ after paycheck {number}, change the after-tax election to {value}",
                number=before.number,
                value=election_text(row.after_tax_election, unit, f),
            )
        )
    return said


def schedule_table(result: PlanResult, f: Formatter) -> str:
    head = ("#", *(f.gettext(h) for h in HEADINGS), "415(c)")
    lines: list[tuple[str, ...] | str] = [head]
    before: Paycheck | None = None
    for row in schedule_rows(result.paychecks):
        if isinstance(row, Paycheck):
            if before is not None and before.number == row.number - 1:
                lines.extend(_changes(before, row, result.unit, f))
            before = row
        if isinstance(row, tuple):
            first, last = row
            if last != first:
                lines.append(f.t("… {first}–{last} the same", first=first, last=last))
            else:
                lines.append(f.t("… {first} the same", first=first))
            continue
        deferral = f.money(row.deferral) + ("*" if row.catch_up else "")
        lines.append(
            (
                str(row.number),
                f.money(row.pay) + ("+" if row.bonus else ""),
                deferral,
                f.money(row.after_tax),
                f.money(row.match),
                f.money(row.total_415c),
            )
        )
    widths = [max(len(r[i]) for r in lines if isinstance(r, tuple)) for i in range(len(head))]
    text = []
    for r in lines:
        if isinstance(r, str):
            text.append(r)
        else:
            cells = zip(r, widths, strict=True)
            text.append(" ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(cells)))
    notes = []
    if any(p.bonus for p in result.paychecks):
        notes.append(f.t("+ with the bonus"))
    if any(p.catch_up for p in result.paychecks):
        notes.append(f.t("* includes catch-up"))
    body = "\n".join(text)
    budget = FIELD_VALUE - 8 - sum(len(n) + 1 for n in notes)
    if len(body) > budget:  # many changes (a long weekly year): keep the head and the last rows
        kept = text[:1] + ["…"] + text[-((budget // max(len(text[-1]) + 1, 1)) - 2) :]
        body = "\n".join(kept)[:budget]
    return f"```\n{body}\n```" + ("\n".join(notes) if notes else "")


def plan_embed(result: PlanResult, f: Formatter, *, shared: bool = False) -> discord.Embed:
    n = len(result.paychecks)
    if n == 1:
        title = f.t("Payroll elections for your last paycheck of {year}", year=result.year)
    else:
        title = f.t("Payroll elections for your last {count} paychecks of {year}", count=n, year=result.year)
    embed = discord.Embed(title=title[:256], colour=EMBED_COLOUR)
    d, a = result.deferral, result.after_tax
    if result.deferral_capacity > result.limit_402g:
        deferral_total = f.t("{total} of the {room} left under 402(g) plus catch-up", total=d.total, room=d.room)
    else:
        deferral_total = f.t("{total} of the {room} left under 402(g)", total=d.total, room=d.room)
    if result.true_up:
        match = f.t(
            "Employer match from these paychecks: {match}, true-up after year end: {true_up}",
            match=result.match_total,
            true_up=result.true_up,
        )
    else:
        match = f.t("Employer match from these paychecks: {match}", match=result.match_total)
    lines = [
        election_line(f.t("Deferral (pre-tax + Roth)"), d, f),
        f"→ {deferral_total}",
        election_line(f.t("After-tax"), a, f),
        "→ " + f.t("{total} of the {room} after-tax room", total=a.total, room=a.room),
        match,
        f.t(
            "Annual additions at year end: {total} of the {limit} 415(c) limit",
            total=result.year_end_415c,
            limit=result.limit_415c,
        ),
    ]
    embed.description = "\n".join(lines)[:4096]
    embed.add_field(name=f.t("Schedule"), value=schedule_table(result, f), inline=False)
    if result.warnings:
        add_long_field(embed, f.t("Warnings"), (f"⚠️ {plan_line(w, f)}" for w in result.warnings))
    add_long_field(embed, f.t("Sources"), citation_lines(result.citations, f))
    embed.set_footer(text=footer(shared, f))
    return fit_embed(embed)
