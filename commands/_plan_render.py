"""The /plan answer: the elections to type into payroll, the schedule where anything changes, the warnings.

Built inside Discord's limits: title 256, description 4,096, field 1,024, 25 fields, 6,000 characters in all.
"""

from __future__ import annotations

from decimal import Decimal

import discord

from bot.formatting import Formatter
from bot.replies import FIELD_VALUE, add_long_field, escape, fit_embed
from knowledge.plan import Election, Paycheck, PlanResult

from ._common import EMBED_COLOUR
from ._render import citation_lines, footer


def election_text(value: Decimal, unit: str, f: Formatter) -> str:
    if unit == "dollars":
        return f"{f.money(value)} a paycheck"
    return f"{f.number(value.normalize()) if unit == 'tenths' else f.number(int(value))}%"


def election_line(label: str, e: Election, f: Formatter) -> str:
    if e.raised:
        first = "the next paycheck" if e.raised == 1 else f"the next {e.raised} paychecks"
        said = (
            f"**{election_text(e.raised_value, e.unit, f)}** for {first}, then **{election_text(e.value, e.unit, f)}**"
        )
    else:
        said = f"**{election_text(e.value, e.unit, f)}**" + ("" if e.unit == "dollars" else " of each paycheck")
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


def schedule_table(result: PlanResult, f: Formatter) -> str:
    head = ("#", "Pay", "Deferral", "After-tax", "Match", "415(c)")
    lines: list[tuple[str, ...] | str] = [head]
    for row in schedule_rows(result.paychecks):
        if isinstance(row, tuple):
            first, last = row
            lines.append(f"… {first}" + (f"–{last}" if last != first else "") + " the same")
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
        notes.append("+ with the bonus")
    if any(p.catch_up for p in result.paychecks):
        notes.append("* includes catch-up")
    body = "\n".join(text)
    budget = FIELD_VALUE - 8 - sum(len(n) + 1 for n in notes)
    if len(body) > budget:  # many changes (a long weekly year): keep the head and the last rows
        kept = text[:1] + ["…"] + text[-((budget // max(len(text[-1]) + 1, 1)) - 2) :]
        body = "\n".join(kept)[:budget]
    return f"```\n{body}\n```" + ("\n".join(notes) if notes else "")


def plan_embed(result: PlanResult, f: Formatter, *, shared: bool = False) -> discord.Embed:
    n = len(result.paychecks)
    embed = discord.Embed(
        title=f"Payroll elections for your last {n} paycheck{'s' if n > 1 else ''} of {result.year}"[:256],
        colour=EMBED_COLOUR,
    )
    d, a = result.deferral, result.after_tax
    cu = " plus catch-up" if result.deferral_capacity > result.limit_402g else ""
    lines = [
        election_line("Deferral (pre-tax + Roth)", d, f),
        f"→ {f.money(d.total)} of the {f.money(d.room)} left under 402(g){cu}",
        election_line("After-tax", a, f),
        f"→ {f.money(a.total)} of the {f.money(a.room)} after-tax room",
        f"Employer match from these paychecks: {f.money(result.match_total)}"
        + (f", true-up after year end: {f.money(result.true_up)}" if result.true_up else ""),
        f"Annual additions at year end: {f.money(result.year_end_415c)} of the {f.money(result.limit_415c)} "
        "415(c) limit",
    ]
    embed.description = "\n".join(lines)[:4096]
    embed.add_field(name="Schedule", value=schedule_table(result, f), inline=False)
    if result.warnings:
        add_long_field(embed, "Warnings", (f"⚠️ {w.render(f.money, escape)}" for w in result.warnings))
    add_long_field(embed, "Sources", citation_lines(result.citations, f))
    embed.set_footer(text=footer(shared, f))
    return fit_embed(embed)
