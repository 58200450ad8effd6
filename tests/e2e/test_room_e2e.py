"""/room, /limits, /explain, /profile and /ping through real discord.py dispatch in SimCord."""

from __future__ import annotations

import discord

from knowledge.errors import InputError

from ..helpers import raw_rows
from .conftest import ROOM_2025


def command(env, name):
    return env.backend.commands[None][(name, 1)]


async def test_command_set_syncs_with_options_types_and_descriptions(world):
    cmds = world.env.backend.commands[None]
    names = {name for name, _type in cmds}
    assert {"room", "limits", "profile", "explain", "ping"} <= names
    room = command(world.env, "room")
    options = {o["name"]: o for o in room["options"]}
    assert options["year"]["type"] == discord.AppCommandOptionType.integer.value
    assert options["age"]["min_value"] == 14 and options["age"]["max_value"] == 120
    assert options["compensation"]["type"] == discord.AppCommandOptionType.string.value
    assert options["share"]["type"] == discord.AppCommandOptionType.boolean.value
    assert all(o["description"] for o in room["options"])
    profile = command(world.env, "profile")
    assert {o["name"] for o in profile["options"]} == {"set", "paystub", "plan", "show", "delete", "export"}
    assert command(world.env, "explain")["options"][0]["autocomplete"] is True
    # Translations are applied at sync (description_localizations) for the locales we ship.
    assert room.get("description_localizations", {}).get("de")


async def test_room_is_ephemeral_with_steps_and_citations(world):
    result = await world.alice.slash(world.channel, "room", **ROOM_2025)
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "After-tax room for 2025: $36,500"
    assert "415(c) annual additions limit for 2025: **$70,000**" in embed.description
    assert "**$23,500**" in embed.description and "**$10,000**" in embed.description
    sources = next(f.value for f in embed.fields if f.name == "Sources")
    assert "[IRS Notice 2024-80](https://www.irs.gov/pub/irs-drop/n-24-80.pdf)" in sources
    assert world.channel.last_message is None  # nobody else saw it


async def test_room_share_posts_publicly(world):
    result = await world.alice.slash(world.channel, "room", share=True, **ROOM_2025)
    assert not result.ephemeral
    assert world.channel.last_message.embeds[0].title == "After-tax room for 2025: $36,500"


async def test_limits_and_explain_with_autocomplete(world):
    result = await world.alice.slash(world.channel, "limits", year=2026)
    text = "\n".join(f.value for f in result.response.embeds[0].fields)
    assert "$72,000" in text and "from $70,000 in 2025" in text and "IRS Notice 2025-67" in text
    choices = await world.alice.autocomplete(world.channel, "explain", "topic", "8606")
    assert [c["value"] for c in choices] == ["form-1099r"]
    choices = await world.alice.autocomplete(world.channel, "explain", "topic", "pro-rata")
    assert [c["value"] for c in choices] == ["pro-rata-myth"]
    result = await world.alice.slash(world.channel, "explain", topic="pro-rata-myth")
    assert "does **not** apply" in result.response.embeds[0].description


async def test_profile_survives_a_restart_and_feeds_room(world):
    await world.alice.slash(
        world.channel,
        "profile set",
        age=45,
        compensation="200k",
        employee_deferrals="23500",
        employer_contributions="10000",
    )
    await world.alice.slash(world.channel, "profile paystub", year=2025, paychecks_left=5)
    await world.restart()
    result = await world.alice.slash(world.channel, "room", year=2025)
    embed = result.response.embeds[0]
    assert embed.title == "After-tax room for 2025: $36,500"
    assert "After-tax per paycheck (rounded down): **$7,300**" in embed.description


async def test_profile_delete_leaves_nothing_behind(world):
    await world.alice.slash(world.channel, "profile set", compensation="123456")
    result = await world.alice.slash(world.channel, "profile delete")
    assert result.ephemeral and "erased" in result.response.content
    assert await world.bot.repo.get_profile(world.alice.id) is None
    assert await raw_rows(world.db_url, "SELECT * FROM profiles") == []


async def test_profile_export_sends_a_json_file(world):
    await world.alice.slash(world.channel, "profile set", compensation="99000")
    result = await world.alice.slash(world.channel, "profile export")
    assert result.ephemeral
    [attachment] = result.response.attachments
    assert attachment.filename == "roth-room-profile.json"


async def test_bad_option_values_get_a_clear_message_and_write_nothing(world):
    result = await world.alice.slash(world.channel, "profile set", compensation="lots", employee_deferrals="5000")
    assert result.ephemeral
    assert result.response.content.startswith("**compensation**: “lots” is not an amount")
    assert await world.bot.repo.get_profile(world.alice.id) is None
    [error] = world.acknowledge_errors()
    assert isinstance(error, InputError)

    result = await world.alice.slash(
        world.channel, "room", year=2031, age=40, compensation="1000", employer_contributions="0"
    )
    assert "no IRS figures for 2031; known years: 2022, 2023, 2024, 2025, 2026" in result.response.content
    world.acknowledge_errors()


async def test_cooldown_answers_with_a_retry_time(world):
    for _ in range(5):
        assert (await world.alice.slash(world.channel, "room", **ROOM_2025)).response.embeds
    result = await world.alice.slash(world.channel, "room", **ROOM_2025)
    assert result.ephemeral and "Slow down" in result.response.content and "<t:" in result.response.content
    world.acknowledge_errors()
    await world.env.advance_time(11)
    assert (await world.alice.slash(world.channel, "room", **ROOM_2025)).response.embeds


async def test_ping(world):
    result = await world.alice.slash(world.channel, "ping")
    assert result.ephemeral and result.response.content.startswith("Pong!")


async def test_a_500_from_discord_on_a_follow_up_is_handled(world, caplog):
    world.env.inject_error("POST", "/webhooks/*/*", status=500, times=None)
    result = await world.alice.slash(world.channel, "checklist")
    assert result.deferred  # the defer went through; every follow-up after it failed
    assert world.alice_user.dm_channel.last_message.embeds[0].title.startswith("Mega backdoor Roth checklist")
    assert "Discord failed (500)" in caplog.text and "Traceback" not in caplog.text
    assert world.acknowledge_errors()  # the tree's handler saw it
    # The bot is still up: the next interaction is answered normally.
    world.env.backend.faults.clear()
    assert (await world.alice.slash(world.channel, "room", **ROOM_2025)).response.embeds
