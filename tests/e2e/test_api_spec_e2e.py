"""The request check every end-to-end test runs (conftest's discord_api_audit) sees what the bot really sends."""

from __future__ import annotations

import discord
import pytest

from .conftest import ROOM_2025


async def test_a_body_discord_would_refuse_fails_the_test(world, discord_api_audit):
    channel = world.bot.get_partial_messageable(world.channel.id)  # no channel cache: posted to by id
    try:
        await channel.send(embed=discord.Embed(description="d" * 4097))
    except discord.HTTPException:
        pass  # whether SimCord refuses it too does not matter: the check reads the request, not the answer
    with pytest.raises(pytest.fail.Exception) as failed:
        discord_api_audit.fail_on_problems()
    assert str(failed.value) == (
        "Discord would refuse 1 part(s) of the bot's requests:\n"
        "  POST /channels/{channel_id}/messages (create_message) at $.embeds[0].description: "
        "4,097 characters; Discord allows at most 4,096 (schema: maxLength 4096)"
    )


async def test_every_request_of_a_command_is_checked(world, discord_api_audit):
    before = len(world.env.http_requests)
    await world.alice.slash(world.channel, "room", **ROOM_2025)
    sent = world.env.http_requests[before:]
    assert [r.path.split("/")[1] for r in sent] == ["interactions"]
    assert discord_api_audit.problems() == []
    assert discord_api_audit.checked == len(world.env.http_requests)
