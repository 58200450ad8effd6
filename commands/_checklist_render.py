"""The eligibility checklist and its HR script as embeds, in the reader's language."""

from __future__ import annotations

import discord

from bot.formatting import Formatter
from bot.replies import FIELD_VALUE, add_long_field, clip, link

from ._common import EMBED_COLOUR
from ._render import FOOTER, citation_lines

STATUS_ICON = {"met": "✅", "not_met": "❌", "unknown": "❔", "info": "ℹ️"}
VERDICT_COLOUR = {"ready": 0x2E8B57, "blocked": 0xC0392B, "need_answers": 0xE67E22}


def checklist_embeds(checklist, f: Formatter) -> list[discord.Embed]:  # noqa: ANN001 - knowledge Checklist
    """The checklist, then the HR script as copyable text (the last thing in the message). The script is in the
    member's language: they are the one who asks HR."""
    embed = discord.Embed(
        title=f.t("Mega backdoor Roth checklist ({year})", year=checklist.year),
        colour=discord.Colour(VERDICT_COLOUR[checklist.verdict.kind]),
    )
    lead = [f"**{f.line(checklist.verdict.line)}**"]
    if checklist.room is not None:
        lead.append(
            f.t(
                "Your after-tax room for {year}: **{room}** (/room shows every step).",
                year=checklist.year,
                room=checklist.room.after_tax_room,
            )
        )
    if checklist.open_questions:
        lead.append(f.t("Answer with the buttons below; unanswered items show ❔."))
    embed.description = "\n".join(lead)
    figures = []
    for n, item in enumerate(checklist.items, 1):
        sources = ", ".join(link(c.title, c.url) for c in item.sources)
        value = f"{f.line(item.why)}\n→ {f.line(item.next_step)}"
        if sources:
            value += f"\n{sources}"
        embed.add_field(
            name=f"{STATUS_ICON[item.status]} {n}. {f.gettext(item.title)}",
            value=clip(value, FIELD_VALUE),
            inline=False,
        )
        figures.extend(item.figures)
    if checklist.room is not None:
        figures.extend(checklist.room.citations)
    if figures:
        unique = list({(fig.name, fig.citation.url): fig for fig in figures}.values())
        add_long_field(embed, f.t("Figures cited"), citation_lines(unique, f))
    embed.set_footer(text=f.gettext(FOOTER))
    script = discord.Embed(
        title=f.t("Questions to ask HR (copy and paste)"),
        description=f"```\n{f.gettext(checklist.hr_script)}\n```",
        colour=EMBED_COLOUR,
    )
    return [embed, script]
