"""A new year is a draft until complete: no answer uses it or fails because of it; moderators see what it lacks;
a revert cannot take a year out of force; an export of a draft imports back as the same draft."""

from __future__ import annotations

from datetime import date

import discord
import pytest

from bot import clock

from ..test_packs import pack_2027
from ..test_plan_i18n import PLAN_2026

NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"
ROOM = dict(age=45, compensation="200000", employee_deferrals="20000", employer_contributions="10000")


@pytest.fixture(autouse=True)
def december(monkeypatch):
    """Planning season: next year's figures, when in force, are shown beside this year's."""
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 6))


async def set_2027(world, figure="annual_additions_415c", value="74000"):
    return await world.mod.slash(world.channel, "facts set", year=2027, figure=figure, value=value, source_url=NOTICE)


async def import_pack(world, text: str, name: str = "2027.toml", guild_member=None, channel=None):
    member = guild_member or world.mod
    result = await member.slash(channel or world.channel, "facts import", file=(name, text.encode()))
    if result.response.components:
        await member.click(result.response.message, label="Yes, import")
    return result


async def test_one_figure_of_a_new_year_breaks_no_answer_and_shows_as_a_draft(world):
    saved = await set_2027(world)
    assert saved.response.embeds[0].title == "Fact updated"
    room = await world.alice.slash(world.channel, "room", **ROOM)
    assert [e.title for e in room.response.embeds][:1] == ["After-tax room for 2026: $42,000"]
    assert not any("2027" in (e.title or "") for e in room.response.embeds)  # no planning ahead on a draft
    limits = await world.alice.slash(world.channel, "limits")
    assert [e.title for e in limits.response.embeds] == ["IRS retirement-plan limits for 2026"]
    plan = await world.alice.slash(world.channel, "plan", **PLAN_2026)
    assert plan.response.embeds and "2027" not in (plan.response.content or "")
    await world.alice.slash(world.channel, "checklist")
    assert world.alice_user.dm_channel.last_message.embeds[0].title == "Mega backdoor Roth checklist (2026)"

    asked = await world.alice.slash(world.channel, "room", year=2027, **ROOM)
    text = asked.response.content
    assert text.startswith("**year**: 2027's figures are a draft, not in force yet (still missing: ")
    assert "402(g) elective deferral limit" in text and "\\_" not in text and "known years: 2022" in text
    world.acknowledge_errors()

    show = (await world.mod.slash(world.channel, "facts show", year=2027)).response.embeds[0]
    assert show.title == "Facts for 2027 in this server"
    assert show.description.startswith("📝 **2027 is a draft**: no answer uses it until it is complete. Still missing:")
    assert "**415(c) annual additions limit** (`annual_additions_415c`): $74,000" in show.description
    history = (await world.mod.slash(world.channel, "facts history")).response.embeds[0]
    assert history.description.startswith("📝 **2027 is a draft**")
    assert "IRA contribution limit" in history.description


async def test_completing_the_draft_puts_it_in_force(world):
    await set_2027(world)
    pack = pack_2027(annual_additions_415c=74000).encode()
    preview = await world.mod.slash(world.channel, "facts import", file=("2027.toml", pack))
    assert "New in this server: 2027" in preview.response.embeds[0].footer.text
    await world.mod.click(preview.response.message, label="Yes, import")
    room = await world.alice.slash(world.channel, "room", **ROOM)
    assert room.response.embeds[1].title.startswith("Planning ahead: After-tax room for 2027: $44,000")
    show = (await world.mod.slash(world.channel, "facts show", year=2027)).response.embeds[0]
    assert "draft" not in show.description


async def test_a_revert_that_would_take_a_year_out_of_force_is_refused_with_the_reason(world):
    await import_pack(world, pack_2027())
    history = await world.bot.repo.history(world.guild.id, 2027, limit=50)
    ira = next(c for c in history if c.figure == "ira_limit")
    result = await world.mod.slash(world.channel, "facts revert", change_id=ira.id)
    text = result.followups[0].content if result.followups else result.response.content
    assert text.startswith("Not changed: undoing #")
    assert "2027: the year is in force and would then lack IRA contribution limit" in text
    assert "correct a figure with /facts set instead" in text
    world.acknowledge_errors()
    assert len(await world.bot.repo.list_overrides(world.guild.id)) == 13
    room = await world.alice.slash(world.channel, "room", year=2027, **ROOM)
    assert room.response.embeds[0].title.startswith("After-tax room for 2027")


async def test_an_export_with_a_draft_imports_back_exactly(world):
    await set_2027(world)
    await set_2027(world, "deferral_limit_402g", "25000")
    await world.mod.slash(
        world.channel, "facts set", year=2026, figure="hce_threshold_414q", value="165000", source_url=NOTICE
    )
    export = await world.mod.slash(world.channel, "facts export")
    files = {a.filename: (await a.read()) for a in export.response.attachments}
    assert set(files) == {"2026.toml", "2027-draft.toml"}
    assert b"# Draft, not in force: still missing catch_up_414v" in files["2027-draft.toml"]
    assert "`-draft` file is an incomplete year" in export.response.content

    again = await world.mod.slash(world.channel, "facts import", file=("2027-draft.toml", files["2027-draft.toml"]))
    assert again.response.content.startswith("Nothing to import")  # its own export: already as it is

    other = world.env.create_guild(name="Elsewhere")
    elsewhere = other.create_text_channel("general")
    mods = other.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    mod = other.add_member(world.mod.user, roles=[mods])
    for name, data in files.items():
        preview = await mod.slash(elsewhere, "facts import", file=(name, data))
        await mod.click(preview.response.message, label="Yes, import")
    mine = await world.bot.facts.get(world.guild.id)
    theirs = await world.bot.facts.get(other.id)

    def figures(base, year):
        yf = base.any_year(year)
        return {n: (f.value, f.citation) for n, f in yf.figures.items()}

    assert 2027 in theirs.drafts and 2027 not in theirs.years
    assert figures(theirs, 2027) == figures(mine, 2027) and figures(theirs, 2026) == figures(mine, 2026)
