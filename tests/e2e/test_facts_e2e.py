"""Moderators' /facts through the real command tree: permissions, validation, audit, revert, per-server scope."""

from __future__ import annotations

import discord
import pytest
from simcord import SetupError

from knowledge.facts import parse_year_file

NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"
ROOM_2027 = dict(year=2027, age=45, compensation="200000", employee_deferrals="25000", employer_contributions="10000")
FIGURES_2027 = {"deferral_limit_402g": "25000", "annual_additions_415c": "74000", "compensation_limit_401a17": "365000"}
# The rest of the figures a year needs before answers use it (a draft until then).
REST_2027 = {
    "catch_up_414v": "8000",
    "hce_threshold_414q": "160000",
    "ira_limit": "7500",
    "ira_catch_up": "1100",
    "roth_ira_phaseout_single_low": "153000",
    "roth_ira_phaseout_single_high": "168000",
    "roth_ira_phaseout_joint_low": "242000",
    "roth_ira_phaseout_joint_high": "252000",
}


def facts_command(world):
    return world.env.backend.commands[None][("facts", 1)]


async def set_fact(world, figure, value, member=None, **options):
    member = member or world.mod
    return await member.slash(
        world.channel,
        "facts set",
        year=options.pop("year", 2027),
        figure=figure,
        value=value,
        source_url=options.pop("source_url", NOTICE),
        **options,
    )


async def db_state(world):
    repo = world.bot.repo
    return await repo.list_overrides(world.guild.id), await repo.history(world.guild.id)


def test_facts_syncs_hidden_from_members_and_server_only(world):
    cmd = facts_command(world)
    assert int(cmd["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    assert cmd["contexts"] == [0]  # guild only
    assert {o["name"] for o in cmd["options"]} == {
        "show",
        "set",
        "import",
        "history",
        "revert",
        "announce-channel",
        "export",
    }
    assert "facts set" not in world.alice.available_commands(world.channel)
    assert "facts set" in world.mod.available_commands(world.channel)


async def test_moderator_sets_2027_and_members_answers_cite_it_in_that_server_only(world):
    for figure, value in FIGURES_2027.items():
        result = await set_fact(world, figure, value, note="published today")
        assert result.ephemeral and result.response.embeds[0].title == "Fact updated", result.response.content
    draft = await world.alice.slash(world.channel, "room", **ROOM_2027)
    assert "2027's figures are a draft, not in force yet (still missing: 414(v) catch-up" in draft.response.content
    world.acknowledge_errors()
    for figure, value in REST_2027.items():
        await set_fact(world, figure, value)
    result = await world.alice.slash(world.channel, "room", **ROOM_2027)
    embed = result.response.embeds[0]
    assert embed.title == "After-tax room for 2027: $39,000"  # 74,000 - 25,000 - 10,000
    sources = "\n".join(f.value for f in embed.fields if f.name.startswith("Sources"))
    assert f"[IRS Notice 2026-99]({NOTICE})" in sources and "updated by this server's moderators on" in sources

    limits = (await world.alice.slash(world.channel, "limits", year=2027)).response.embeds[0]
    assert "$74,000 (+$2,000 from $72,000 in 2026) ✏️" in limits.fields[0].value

    other = world.env.create_guild(name="Elsewhere")
    elsewhere = other.create_text_channel("general")
    member = other.add_member(world.alice_user)
    result = await member.slash(elsewhere, "room", **ROOM_2027)
    assert "no IRS figures for 2027" in result.response.content
    world.acknowledge_errors()
    room_2026 = await member.slash(
        elsewhere,
        "room",
        year=2026,
        age=45,
        compensation="200000",
        employee_deferrals="24500",
        employer_contributions="10000",
    )
    assert "updated by this server" not in str(room_2026.response.embeds[0].to_dict())


async def test_member_without_manage_server_is_refused_even_when_made_visible(world):
    with pytest.raises(SetupError, match="not visible"):
        await set_fact(world, "deferral_limit_402g", "25000", member=world.alice)
    world.guild.set_command_permissions(int(facts_command(world)["id"]), {world.alice: True})
    assert "facts set" in world.alice.available_commands(world.channel)
    result = await set_fact(world, "deferral_limit_402g", "25000", member=world.alice)
    assert result.ephemeral and "You need the **Manage Server** permission" in result.response.content
    assert await db_state(world) == ([], [])
    result = await world.alice.slash(world.channel, "facts history")
    assert "Manage Server" in result.response.content
    world.acknowledge_errors()


async def test_the_configured_moderator_role_may_use_facts(world, monkeypatch):
    helpers = world.guild.create_role("Fact keepers")
    monkeypatch.setattr(world.bot.settings, "moderator_role_id", helpers.id)
    keeper = world.guild.add_member(world.env.create_user("keeper"), roles=[helpers])
    world.guild.set_command_permissions(int(facts_command(world)["id"]), {helpers: True})
    result = await set_fact(world, "deferral_limit_402g", "25000", member=keeper)
    assert result.response.embeds[0].title == "Fact updated"


@pytest.mark.parametrize(
    "figure, value, options, words",
    [
        ("deferral_limit_402g", "-1", {}, "**value**: must not be negative"),
        ("deferral_limit_402g", "2,450,000", {}, "outside the sane range"),
        (
            "deferral_limit_402g",
            "25000",
            {"source_url": "http://www.irs.gov/n.pdf"},
            "**source_url**: must be an https",
        ),
        ("deferral_limit_402g", "80000", {"year": 2026}, "415(c) must be above 402(g)"),
        ("catch_up_414v", "30000", {"year": 2026}, "catch-up must not be above 402(g)"),
        ("roth_ira_phaseout_joint_low", "300000", {"year": 2026}, "phase-out start must be below its end"),
        ("roth_limit", "7000", {}, "**figure**: unknown figure"),
        ("deferral_limit_402g", "25000", {"year": 2031}, "figures can be set up to 2027"),
    ],
)
async def test_every_refusal_is_clear_and_writes_nothing(world, figure, value, options, words):
    result = await set_fact(world, figure, value, **options)
    assert result.ephemeral and words in result.response.content
    assert await db_state(world) == ([], [])
    world.acknowledge_errors()


async def test_a_big_jump_waits_for_the_moderators_confirmation(world):
    result = await set_fact(world, "deferral_limit_402g", "30000")  # +22.4 % on 2026's 24,500
    assert "+22.4%" in result.response.content and "Nothing is saved until you confirm" in result.response.content
    assert await db_state(world) == ([], [])
    with pytest.raises(SetupError):  # the buttons are on the moderator's ephemeral message only
        await world.alice.click(result.response.message, label="Yes, set it")
    await world.mod.click(result.response.message, label="Cancel")
    assert await db_state(world) == ([], [])

    result = await set_fact(world, "deferral_limit_402g", "30000")
    await world.mod.click(result.response.message, label="Yes, set it")
    [override], [change] = await db_state(world)
    assert override.value == 30000 and change.new_value == 30000 and change.actor_id == world.mod.id


async def test_history_and_revert_restore_the_prior_value(world):
    await set_fact(
        world,
        "annual_additions_415c",
        "73000",
        year=2026,
        source_url="https://www.irs.gov/a.pdf",
        source_title="IRS correction",
    )
    await set_fact(world, "annual_additions_415c", "72500", year=2026, note="second correction")
    history = (await world.mod.slash(world.channel, "facts history", year=2026)).response.embeds[0]
    text = history.description
    assert text.index("**#2**") < text.index("**#1**")  # newest first
    assert "$72,000 (bundled) → **$73,000**" in text and "$73,000 → **$72,500**" in text
    assert "“second correction”" in text

    result = await world.mod.slash(world.channel, "facts revert", change_id=1)
    assert "#1 is no longer in force" in result.response.content and "revert #2 first" in result.response.content
    world.acknowledge_errors()
    await world.mod.slash(world.channel, "facts revert", change_id=2)
    [override], _ = await db_state(world)
    assert override.value == 73000 and override.title == "IRS correction"
    result = await world.mod.slash(world.channel, "facts revert", change_id=1)
    assert result.response.embeds[0].title == "Change #1 reverted"
    overrides, changes = await db_state(world)
    assert overrides == [] and [c.reverts for c in changes] == [1, 2, None, None]
    show = (await world.mod.slash(world.channel, "facts show", year=2026)).response.embeds[0]
    assert "$72,000 · [IRS Notice 2025-67]" in show.description and "✏️" not in show.description


async def test_show_marks_the_servers_changes(world):
    await set_fact(world, "hce_threshold_414q", "165000", year=2026, note="typo fix")
    show = (await world.mod.slash(world.channel, "facts show", year=2026)).response.embeds[0]
    text = show.description
    assert f"$165,000 · [IRS Notice 2026-99]({NOTICE}) · ✏️ set by <@{world.mod.id}> on" in text
    assert "“typo fix”" in text and "bundled" in text


async def test_changes_are_announced_in_the_chosen_channel(world):
    news = world.guild.create_text_channel("fact-news")
    result = await world.mod.slash(world.channel, "facts announce-channel", channel=news)
    assert "announced in" in result.response.content
    result = await set_fact(world, "deferral_limit_402g", "25000")
    assert "Announced in" in result.response.content
    [post] = news.history()
    assert post.embeds[0].title == "Fact updated" and "**$25,000**" in post.embeds[0].description
    await world.mod.slash(world.channel, "facts announce-channel")
    result = await set_fact(world, "annual_additions_415c", "74000")
    assert not result.response.content and len(news.history()) == 1


async def test_a_refused_announcement_still_saves_and_says_so(world):
    news = world.guild.create_text_channel("fact-news")
    await world.mod.slash(world.channel, "facts announce-channel", channel=news)
    world.env.inject_error(
        "POST", f"/channels/{news.id}/messages", status=403, code=50013, message="Missing Permissions"
    )
    result = await set_fact(world, "deferral_limit_402g", "25000")
    assert "couldn't announce it" in result.response.content
    [override], _ = await db_state(world)
    assert override.value == 25000


async def test_export_gives_data_files_in_the_bundled_format(world):
    result = await world.mod.slash(world.channel, "facts export")
    assert "no changes" in result.response.content
    for figure, value in {**FIGURES_2027, **REST_2027}.items():
        await set_fact(world, figure, value)
    await set_fact(world, "hce_threshold_414q", "165000", year=2026)
    result = await world.mod.slash(world.channel, "facts export")
    files = {a.filename: (await a.read()).decode() for a in result.response.attachments}
    assert set(files) == {"2026.toml", "2027.toml"}
    year_2026 = parse_year_file("2026.toml", files["2026.toml"])  # complete, so it passes the bundled-file checks
    assert year_2026.value("hce_threshold_414q") == 165000
    assert 'deferral_limit_402g = { value = 25000, title = "IRS Notice 2026-99"' in files["2027.toml"]


async def test_figure_names_autocomplete(world):
    choices = await world.mod.autocomplete(world.channel, "facts set", "figure", "415")
    assert [c["value"] for c in choices] == ["annual_additions_415c"]


async def test_announce_channel_without_a_channel_cache_checks_with_discord_and_remembers_the_language(world):
    """No server cache: the chosen channel comes resolved in the interaction, Discord is asked whether the bot may
    post there, and the server's language is kept for the yearly announcement (which no interaction carries)."""
    news = world.guild.create_text_channel("fact-news")
    world.env.inject_error("POST", f"/channels/{news.id}/typing", status=403, code=50013, message="Missing Permissions")
    refused = await world.mod.slash(world.channel, "facts announce-channel", channel=news)
    assert refused.ephemeral and "I need View Channel, Send Messages and Embed Links in" in refused.response.content
    assert await world.bot.repo.get_setting(world.guild.id, "announce_channel") is None
    world.acknowledge_errors()
    await world.mod.slash(world.channel, "facts announce-channel", channel=news)
    assert await world.bot.repo.get_setting(world.guild.id, "announce_channel") == str(news.id)
    assert await world.bot.repo.get_setting(world.guild.id, "guild_locale") == "en-US"
    world.env.inject_error("POST", f"/channels/{news.id}/messages", status=404, code=10003, message="Unknown Channel")
    result = await set_fact(world, "deferral_limit_402g", "25000")
    assert "announcement channel no longer exists" in result.response.content
