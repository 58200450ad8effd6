"""Embeds for answers. Every figure shown comes with its citation; amounts use the member's locale."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

import discord

from bot.formatting import Formatter
from bot.replies import FIELD_VALUE, add_long_field, clip, escape, link, pages
from knowledge.facts import FactBase, Figure, YearFacts
from knowledge.figures import FIGURES
from knowledge.room import RoomResult, Step

from ._common import EMBED_COLOUR

FOOTER = "Education, not tax advice: confirm with your plan document and administrator."
PRIVATE = "Only you can see this; share:true posts it in the channel."
PUBLIC = "Posted in the channel; share:false shows it to you only."


def footer(shared: bool) -> str:
    return f"{FOOTER} {PUBLIC if shared else PRIVATE}"


def citation_lines(figures: Iterable[Figure], f: Formatter) -> list[str]:
    """One line per source: [IRS Notice 2024-80](link): 402(g), 415(c) — with a server's updates marked."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for fig in figures:
        tag = ""
        if fig.origin == "server" and fig.updated_at is not None:
            tag = f" — updated by this server's moderators on {f.date(fig.updated_at)}"
        elif fig.origin == "operator" and fig.updated_at is not None:
            tag = f" — loaded by the bot's operator on {f.date(fig.updated_at)}"
        key = (fig.citation.title, fig.citation.url, tag)
        short = re.sub(r" \(.*\)$", "", fig.label)
        groups.setdefault(key, []).append(short)
    return [f"{link(title, url)}: {', '.join(labels)}{tag}" for (title, url, tag), labels in groups.items()]


def step_line(step: Step, f: Formatter) -> str:
    amount = f.number(step.amount) if isinstance(step.amount, int) else f.money(step.amount)
    op = f"`{step.op:>3}` " if step.op else "`   ` "
    return f"{op}{step.render(f.money, escape)}: **{amount}**"


def amounts_used(result: RoomResult, f: Formatter) -> list[str]:
    """The inputs as the bot read them, so a misread amount is visible at once."""
    inp = result.inputs
    if inp is None:
        return []
    parts = [
        f"Age {inp.age} on 31 December",
        f"pay {f.money(inp.compensation)}",
        f"your deferrals {f.money(inp.employee_deferrals)}",
    ]
    if inp.other_plan_deferrals:
        parts.append(f"other plans' deferrals {f.money(inp.other_plan_deferrals)}")
    if inp.employer_contributions is not None:
        parts.append(f"employer contributions {f.money(inp.employer_contributions)}")
    if inp.match_formula:
        parts.append(f"match “{escape(inp.match_formula)}”")
    if inp.after_tax_contributed:
        parts.append(f"after-tax already in {f.money(inp.after_tax_contributed)}")
    if inp.prior_year_wages is not None:
        parts.append(f"{inp.year - 1} wages {f.money(inp.prior_year_wages)}")
    if inp.plan_after_tax_cap_pct is not None:
        parts.append(f"plan cap {f.number(inp.plan_after_tax_cap_pct)}% of pay")
    if inp.pay_periods_remaining:
        parts.append(f"{inp.pay_periods_remaining} paychecks left")
    return ["; ".join(parts)]


def room_embed(result: RoomResult, f: Formatter, *, shared: bool = False) -> discord.Embed:
    embed = discord.Embed(
        title=f"After-tax room for {result.year}: {f.money(result.after_tax_room)}",
        description="\n".join(step_line(s, f) for s in result.steps),
        colour=EMBED_COLOUR,
    )
    if result.catch_up:
        embed.add_field(name="Your catch-up deferrals (outside 415(c))", value=f.money(result.catch_up), inline=True)
    if result.excess_deferrals:
        embed.add_field(name="Excess deferrals", value=f.money(result.excess_deferrals), inline=True)
    add_long_field(embed, "Amounts used", amounts_used(result, f))
    if result.warnings:
        add_long_field(embed, "Warnings", (f"⚠️ {w.render(f.money, escape)}" for w in result.warnings))
    add_long_field(embed, "Sources", citation_lines(result.citations, f))
    embed.set_footer(text=footer(shared))
    return embed


def limits_embed(facts: YearFacts, before: YearFacts | None, f: Formatter, *, shared: bool = True) -> discord.Embed:
    lines = []
    for name, spec in FIGURES.items():
        fig = facts.get(name)
        if fig is None:
            continue
        line = f"**{spec.label}**: {f.money(fig.value)}"
        prior = before.get(name) if before is not None else None
        if before is not None and prior is not None and prior.value != fig.value:
            delta = fig.value - prior.value
            sign = "+" if delta > 0 else "−"
            line += f" ({sign}{f.money(abs(delta))} from {f.money(prior.value)} in {before.year})"
        elif before is not None and prior is None:
            line += " (new this year)"
        elif prior is not None:
            line += " (unchanged)"
        if fig.origin == "server":
            line += " ✏️"
        elif fig.origin == "operator":
            line += " 🛠️"
        lines.append(line)
    embed = discord.Embed(title=f"IRS retirement-plan limits for {facts.year}", colour=EMBED_COLOUR)
    add_long_field(embed, "Figures", lines)
    add_long_field(embed, "Sources", citation_lines(facts.figures.values(), f))
    note = PUBLIC if shared else PRIVATE
    origins = {fig.origin for fig in facts.figures.values()}
    marks = [
        text
        for origin, text in (
            ("server", "✏️ updated by this server's moderators (see /facts show)."),
            ("operator", "🛠️ loaded by the bot's operator."),
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


PROFILE_LABELS = {
    "birth_year": "Birth year",
    "compensation": "Pay from this employer",
    "employee_deferrals": "Your deferrals (pre-tax + Roth)",
    "other_plan_deferrals": "Deferrals in other plans",
    "employer_contributions": "Employer contributions",
    "match_formula": "Match formula",
    "after_tax_contributed": "After-tax already contributed",
    "plan_after_tax_cap_pct": "Plan after-tax cap",
    "pay_periods_remaining": "Pay periods left",
    "prior_year_wages": "Last year's FICA wages",
    "after_tax_allowed": "Plan accepts after-tax",
    "in_plan_conversion": "In-plan Roth conversion",
    "in_service_withdrawal": "In-service withdrawal of after-tax",
    "auto_conversion": "Automatic conversion",
    "deferrals_and_match_planned": "Deferrals and full match planned",
    "cash_flow_ok": "Cash flow for after-tax",
    "testing_results_checked": "Asked for ACP testing results",
    "stable_fund_until_converted": "Stable fund until converted",
    "pay_frequency": "Pay frequency",
    "ytd_deferrals": "Deferrals so far (paystub)",
    "ytd_employer": "Employer money so far (paystub)",
    "ytd_after_tax": "After-tax so far (paystub)",
    "election_unit": "Elections taken in",
    "match_true_up": "Match trued up",
    "match_after_tax": "After-tax matched",
}


def profile_value(name: str, value: object, f: Formatter) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "plan_after_tax_cap_pct":
        return f"{f.number(value)}% of pay"
    if isinstance(value, Decimal):
        return f.money(value)
    return str(value)


def profile_embed(profile, year: int, f: Formatter) -> discord.Embed:  # noqa: ANN001 - PlanProfile
    embed = discord.Embed(title="Your saved plan profile", colour=EMBED_COLOUR)
    lines = []
    for name, label in PROFILE_LABELS.items():
        value = getattr(profile, name)
        if value is None:
            continue
        text = profile_value(name, value, f)
        if name == "birth_year":
            text += f" (age {year - value} on 31 December {year})"
        lines.append(f"**{label}**: {text}")
    embed.description = "\n".join(lines) or "Nothing saved yet: use /profile set."
    embed.set_footer(text="Only you can see this. /profile delete erases it; /profile export sends it as JSON.")
    return embed


STATUS_ICON = {"met": "✅", "not_met": "❌", "unknown": "❔", "info": "ℹ️"}
VERDICT_COLOUR = {"ready": 0x2E8B57, "blocked": 0xC0392B, "need_answers": 0xE67E22}


def checklist_embeds(checklist, f: Formatter) -> list[discord.Embed]:  # noqa: ANN001 - knowledge Checklist
    """The checklist, then the HR script as copyable text (the last thing in the message)."""
    embed = discord.Embed(
        title=f"Mega backdoor Roth checklist ({checklist.year})",
        colour=discord.Colour(VERDICT_COLOUR[checklist.verdict.kind]),
    )
    lead = [f"**{checklist.verdict.text}**"]
    if checklist.room is not None:
        lead.append(
            f"Your after-tax room for {checklist.year}: **{f.money(checklist.room.after_tax_room)}** "
            "(/room shows every step)."
        )
    if checklist.open_questions:
        lead.append("Answer with the buttons below; unanswered items show ❔.")
    embed.description = "\n".join(lead)
    figures = []
    for n, item in enumerate(checklist.items, 1):
        sources = ", ".join(link(c.title, c.url) for c in item.sources)
        value = f"{item.why.render(f.money)}\n→ {item.next_step.render(f.money)}"
        if sources:
            value += f"\n{sources}"
        embed.add_field(
            name=f"{STATUS_ICON[item.status]} {n}. {item.title}", value=clip(value, FIELD_VALUE), inline=False
        )
        figures.extend(item.figures)
    if checklist.room is not None:
        figures.extend(checklist.room.citations)
    if figures:
        unique = list({(fig.name, fig.citation.url): fig for fig in figures}.values())
        add_long_field(embed, "Figures cited", citation_lines(unique, f))
    embed.set_footer(text=FOOTER)
    script = discord.Embed(
        title="Questions to ask HR (copy and paste)",
        description=f"```\n{checklist.hr_script}\n```",
        colour=EMBED_COLOUR,
    )
    return [embed, script]


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
