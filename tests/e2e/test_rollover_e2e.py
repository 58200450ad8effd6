"""The yearly rollover through the real command tree: /facts import with an attachment, the operator's figures,
announcements once per server, re-checked confirmations, and the year by a frozen clock."""

from __future__ import annotations

from datetime import date

import pytest
from simcord import SetupError

from bot import clock
from bot.facts import GuildFacts
from bot.storage import OPERATOR_GUILD, FactWrite, open_repository
from commands._render import unescape

from ..test_packs import pack_2027

NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"
ROOM_2027 = dict(year=2027, age=45, compensation="200000", employee_deferrals="25000", employer_contributions="10000")
ROOM = dict(age=45, compensation="200000", employee_deferrals="20000", employer_contributions="10000")


@pytest.fixture(autouse=True)
def november_2026(monkeypatch):
    """Frozen in late 2026 unless a test moves it: 2027 may be imported, and it is not yet planning season."""
    return freeze(monkeypatch, date(2026, 10, 15))


def freeze(monkeypatch, day: date) -> date:
    monkeypatch.setattr(clock, "today", lambda: day)
    return day


async def import_file(world, text: str, member=None, name="2027.toml"):
    return await (member or world.mod).slash(world.channel, "facts import", file=(name, text.encode()))


async def overrides(world, guild_id=None):
    return await world.bot.repo.list_overrides(guild_id or world.guild.id)


async def operator_import(world, text_2027: str) -> None:
    """What `python -m bot facts import` does, from another connection (another process's worth)."""
    from knowledge.packs import plan_import, read_pack

    repo = await open_repository(world.db_url)
    try:
        facts = GuildFacts(repo)
        plan = plan_import(
            await facts.operator(),
            [("2027.toml", read_pack("2027.toml", text_2027))],
            ("irs.gov",),
            2027,
            origin="operator",
        )
        writes = [
            FactWrite(d.year, d.figure, d.new.value, d.new.citation.title, d.new.citation.url) for d in plan.diffs
        ]
        await repo.change_facts(OPERATOR_GUILD, writes, 0, await facts.validator_for(OPERATOR_GUILD, (2027,)))
    finally:
        await repo.close()


async def test_a_moderator_imports_a_year_from_an_attachment_after_one_confirmation(world):
    result = await import_file(world, pack_2027(deferral_limit_402g=25000, annual_additions_415c=74000))
    embed = result.response.embeds[0]
    assert result.ephemeral and embed.title == "Import 2027.toml: 13 change(s)"
    changes = "\n".join(f.value for f in embed.fields)
    assert "2027 · 415(c) annual additions limit: not set → **$74,000** (+2.8% on 2026)" in changes
    assert await overrides(world) == []  # nothing until confirmed
    with pytest.raises(SetupError):  # the buttons are on the moderator's ephemeral message only
        await world.alice.click(result.response.message, label="Yes, import")
    await world.mod.click(result.response.message, label="Yes, import")
    saved = await overrides(world)
    assert len(saved) == 13 and {o.updated_by for o in saved} == {world.mod.id}
    assert len(await world.bot.repo.history(world.guild.id, limit=50)) == 13
    room = (await world.alice.slash(world.channel, "room", **ROOM_2027)).response.embeds[0]
    assert room.title == "After-tax room for 2027: $39,000"
    sources = "\n".join(f.value for f in room.fields if f.name.startswith("Sources"))
    assert f"[IRS Notice 2026-99]({NOTICE})" in sources and "updated by this server's moderators" in sources


@pytest.mark.parametrize(
    "text, words",
    [
        (pack_2027(deferral_limit_402g=80000), "deferral_limit_402g: 415(c) must be above 402(g)"),
        (
            pack_2027().replace(f'url = "{NOTICE}"', 'url = "https://evil.example/x.pdf"', 1),
            "figures.deferral_limit_402g.url: evil.example is not a trusted source",
        ),
        ("year = 2027\n[figures]\n", "figures: missing"),
    ],
)
async def test_a_bad_file_changes_nothing_and_says_which_figure_and_why(world, text, words):
    result = await import_file(world, text)
    text = unescape(result.response.content)  # error messages show names escaped (no markdown)
    assert result.ephemeral and "**file**" in text and words in text
    assert await overrides(world) == []
    world.acknowledge_errors()


async def test_only_toml_files_are_read(world):
    result = await import_file(world, "hello", name="notes.png")
    assert "not a .toml fact pack" in result.response.content
    world.acknowledge_errors()


async def test_an_exported_file_restores_a_servers_changes(world):
    for figure, value in (("hce_threshold_414q", "165000"), ("ira_limit", "7600")):
        await world.mod.slash(world.channel, "facts set", year=2026, figure=figure, value=value, source_url=NOTICE)
    exported = await world.mod.slash(world.channel, "facts export")
    [file] = exported.response.attachments
    text = (await file.read()).decode()
    for change in (await world.bot.repo.history(world.guild.id))[:2]:
        await world.mod.slash(world.channel, "facts revert", change_id=change.id)
    assert await overrides(world) == []
    result = await import_file(world, text, name="2026.toml")
    assert result.response.embeds[0].title == "Import 2026.toml: 2 change(s)"  # only what differs from in force
    await world.mod.click(result.response.message, label="Yes, import")
    assert {(o.figure, o.value) for o in await overrides(world)} == {
        ("hce_threshold_414q", 165000),
        ("ira_limit", 7600),
    }
    result = await import_file(world, text, name="2026.toml")
    assert "Nothing to import" in result.response.content


async def test_a_confirmation_writes_and_announces_once_then_its_buttons_are_gone(world):
    news = world.guild.create_text_channel("fact-news")
    await world.mod.slash(world.channel, "facts announce-channel", channel=news)
    result = await world.mod.slash(
        world.channel, "facts set", year=2027, figure="deferral_limit_402g", value="30000", source_url=NOTICE
    )
    await world.mod.click(result.response.message, label="Yes, set it")
    assert result.response.components == [] and result.response.embeds[0].title == "Fact updated"
    with pytest.raises(SetupError):
        await world.mod.click(result.response.message, label="Yes, set it")
    assert len(await world.bot.repo.history(world.guild.id)) == 1  # one audit row…
    assert len(news.history()) == 1  # …and one announcement


async def test_the_permission_is_checked_again_when_confirming(world):
    result = await world.mod.slash(
        world.channel, "facts set", year=2027, figure="deferral_limit_402g", value="30000", source_url=NOTICE
    )
    mods = world.guild.roles["Mods"]
    world.env.backend.remove_member_role(world.guild.id, world.mod.id, mods.id)
    pressed = await world.mod.click(result.response.message, label="Yes, set it")
    assert "You need the **Manage Server** permission" in pressed.followups[0].content
    assert result.response.components == []  # refused and settled: no buttons left to fail
    assert await overrides(world) == []
    world.acknowledge_errors()


async def test_the_change_is_validated_again_when_confirming(world):
    first = await world.mod.slash(
        world.channel, "facts set", year=2027, figure="deferral_limit_402g", value="30000", source_url=NOTICE
    )
    second = await world.mod.slash(
        world.channel, "facts set", year=2027, figure="deferral_limit_402g", value="30000", source_url=NOTICE
    )
    await world.mod.click(second.response.message, label="Yes, set it")
    pressed = await world.mod.click(first.response.message, label="Yes, set it")  # proposed before that landed
    assert "already $30,000 with that source" in pressed.followups[0].content
    assert len(await world.bot.repo.history(world.guild.id)) == 1
    assert first.response.components == []  # settled: no buttons left to fail
    world.acknowledge_errors()


async def test_expired_buttons_are_removed(world):
    result = await world.mod.slash(
        world.channel, "facts set", year=2027, figure="deferral_limit_402g", value="30000", source_url=NOTICE
    )
    assert result.response.components
    await world.env.advance_time(301)
    assert result.response.content.startswith("Expired after 5 minutes: nothing changed")
    assert result.response.components == []
    with pytest.raises(SetupError):
        await world.mod.click(result.response.message, label="Yes, set it")
    assert await overrides(world) == []


async def test_an_operator_import_reaches_every_server_and_is_announced_once_each(world):
    news = world.guild.create_text_channel("fact-news")
    await world.mod.slash(world.channel, "facts announce-channel", channel=news)
    other = world.env.create_guild(name="Elsewhere")
    elsewhere = other.create_text_channel("general")
    member = other.add_member(world.alice_user)
    assert "no IRS figures for 2027" in (await member.slash(elsewhere, "room", **ROOM_2027)).response.content
    world.acknowledge_errors()

    await operator_import(world, pack_2027(deferral_limit_402g=25000, annual_additions_415c=74000))
    world.bot.facts.invalidate()  # SQLite: the data-version check; PostgreSQL: the notification
    cog = world.bot.get_cog("Rollover")
    await cog.poll()
    await world.env.settle()
    for who, channel in ((member, elsewhere), (world.alice, world.channel)):
        room = (await who.slash(channel, "room", **ROOM_2027)).response.embeds[0]
        assert room.title == "After-tax room for 2027: $39,000"
        sources = "\n".join(f.value for f in room.fields if f.name.startswith("Sources"))
        assert f"[IRS Notice 2026-99]({NOTICE})" in sources and "loaded by the bot's operator" in sources
    [post] = news.history()
    assert post.embeds[0].title == "2027's IRS retirement-plan figures are in"
    assert "$74,000 (+$2,000 from $72,000 in 2026) 🛠️" in post.embeds[0].fields[0].value
    cog._seen = None  # a restart's worth: the claim keeps it from being posted again
    await cog.poll()
    await world.restart()
    await world.env.settle()
    assert len(news.history()) == 1
    limits = (await world.alice.slash(world.channel, "limits", year=2027)).response.embeds[0]
    assert "🛠️ loaded by the bot's operator" in limits.footer.text


async def test_a_server_change_wins_over_the_operators(world):
    await operator_import(world, pack_2027())
    world.bot.facts.invalidate()
    await world.mod.slash(world.channel, "facts set", year=2027, figure="ira_limit", value="7700", source_url=NOTICE)
    show = (await world.mod.slash(world.channel, "facts show", year=2027)).response.embeds[0]
    text = show.description
    assert "**IRA contribution limit** (`ira_limit`): $7,700" in text and "✏️ set by" in text
    assert "**IRA catch-up, age 50+** (`ira_catch_up`): $1,100" in text and "🛠️ loaded by the bot's operator" in text


# ------------------------------------------------------------------ the year by the clock
async def test_on_2_january_without_2027_figures_room_says_so(world, monkeypatch):
    freeze(monkeypatch, date(2027, 1, 2))
    result = await world.alice.slash(world.channel, "room", **ROOM)
    assert result.response.content.startswith("2027's figures are not in yet; showing 2026 — moderators can add")
    assert result.response.embeds[0].title.startswith("After-tax room for 2026")
    limits = await world.alice.slash(world.channel, "limits")
    assert "2027's figures are not in yet" in limits.response.content
    await world.alice.slash(world.channel, "checklist")
    dm = world.alice_user.dm_channel.last_message.embeds[0]
    assert dm.title == "Mega backdoor Roth checklist (2026)"
    assert dm.description.startswith("ℹ️ 2027's figures are not in yet; showing 2026")


@pytest.mark.parametrize("day, birth_year", [(date(2026, 12, 31), 1964), (date(2027, 1, 1), 1965)])
async def test_an_age_becomes_a_birth_year_with_the_calendar_year(world, monkeypatch, day, birth_year):
    freeze(monkeypatch, day)  # no 2027 figures either way: the age is still this calendar year's
    await world.alice.slash(world.channel, "profile set", age=62)
    profile = await world.bot.repo.get_profile(world.alice.id)
    assert profile.birth_year == birth_year and "age" not in profile.model_dump()


async def test_in_november_next_years_figures_show_beside_this_years(world, monkeypatch):
    result = await import_file(world, pack_2027(deferral_limit_402g=25000, annual_additions_415c=74000))
    await world.mod.click(result.response.message, label="Yes, import")
    limits = await world.alice.slash(world.channel, "limits")
    assert [e.title for e in limits.response.embeds] == ["IRS retirement-plan limits for 2026"]
    freeze(monkeypatch, date(2026, 11, 20))
    limits = await world.alice.slash(world.channel, "limits")
    assert [e.title for e in limits.response.embeds] == [
        "IRS retirement-plan limits for 2026",
        "IRS retirement-plan limits for 2027",
    ]
    room = await world.alice.slash(world.channel, "room", **ROOM)
    titles = [e.title for e in room.response.embeds]
    assert titles[0] == "After-tax room for 2026: $42,000"  # 72,000 - 20,000 - 10,000
    assert titles[1].startswith("Planning ahead: After-tax room for 2027: $44,000")  # 74,000 - 20,000 - 10,000
    assert not room.response.content
