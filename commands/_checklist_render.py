"""The eligibility checklist and its HR script as embeds."""

from __future__ import annotations

import discord

from bot.formatting import Formatter
from bot.replies import FIELD_VALUE, add_long_field, clip, link

from ._common import EMBED_COLOUR
from ._render import FOOTER, citation_lines

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
