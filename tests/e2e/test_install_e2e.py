"""Where the commands can be used: every member command in servers, the bot's DM and group DMs, whether a server
added the bot or a member added it to their own account; /facts only in servers that added it. Checked in the
synced payload (and against Discord's API description, as every request is), then used through SimCord."""

from __future__ import annotations

import pytest
from simcord.backend.errors import SetupError

from ..discord_api_spec.validator import _spec
from .conftest import ROOM_2025
from .install import BOT_DM, GUILD, PRIVATE_CHANNEL, installed_by_member

EVERYWHERE = ["room", "plan", "limits", "explain", "checklist", "profile", "help", "about"]


def synced(world) -> dict[str, dict]:
    return {name: payload for (name, _type), payload in world.env.backend.commands[None].items()}


async def test_member_commands_are_installable_to_a_member_and_usable_everywhere_facts_only_in_servers(world):
    commands = synced(world)
    for name in EVERYWHERE:
        assert sorted(commands[name]["contexts"]) == [GUILD, BOT_DM, PRIVATE_CHANNEL], name
        assert sorted(commands[name]["integration_types"]) == [0, 1], name  # server install, user install
    assert commands["facts"]["contexts"] == [GUILD] and commands["facts"]["integration_types"] == [0]
    assert commands["facts"]["dm_permission"] is False
    # The fields are the ones Discord's API description defines for a command (the sync body is validated
    # against it, so a wrong value would already have failed this test).
    schema = _spec()["components"]["schemas"]
    create = schema["ApplicationCommandCreateRequest"]["properties"]
    assert {"contexts", "integration_types"} <= set(create)
    contexts = {c["title"]: c["const"] for c in schema["InteractionContextType"]["oneOf"]}
    assert contexts == {"GUILD": GUILD, "BOT_DM": BOT_DM, "PRIVATE_CHANNEL": PRIVATE_CHANNEL}
    installs = {c["title"]: c["const"] for c in schema["ApplicationIntegrationType"]["oneOf"]}
    assert installs == {"GUILD_INSTALL": 0, "USER_INSTALL": 1}


async def test_room_in_the_bots_dm_is_private_unless_shared(world):
    result = await world.alice_user.slash("room", **ROOM_2025)
    assert result.ephemeral and "After-tax room for 2025: $36,500" in result.response.embeds[0].title
    shared = await world.alice_user.slash("room", **ROOM_2025, share=True, chart=False)
    assert not shared.ephemeral


async def test_facts_is_not_offered_in_the_bots_dm(world):
    assert "room" in world.alice_user.available_commands()
    assert not any(name.startswith("facts") for name in world.alice_user.available_commands())
    with pytest.raises(SetupError, match="reason: context"):
        await world.alice_user.slash("facts show")


async def test_a_member_who_installed_the_app_uses_it_in_any_server_and_in_group_dms(world):
    with installed_by_member():
        private = await world.alice.slash(world.channel, "room", **ROOM_2025, chart=False)
        shared = await world.alice.slash(world.channel, "limits", year=2025)
    assert private.ephemeral and "$36,500" in private.response.embeds[0].title
    # Visibility still follows `share` (here /limits' default, posted); Discord itself may show a user-installed
    # app's public reply to the member only where the server does not let members use external apps.
    assert not shared.ephemeral
    with installed_by_member(context=PRIVATE_CHANNEL):
        result = await world.alice_user.slash("room", **ROOM_2025, chart=False)
    assert result.ephemeral and "$36,500" in result.response.embeds[0].title


async def test_help_under_a_members_own_install_leaves_out_what_needs_the_server_to_have_added_the_bot(world):
    with installed_by_member():
        text = "\n".join(f.value for f in (await world.mod.slash(world.channel, "help")).response.embeds[0].fields)
    assert "</room:" in text and "</facts" not in text  # the server did not add the bot: /facts cannot run here
    text = "\n".join(f.value for f in (await world.mod.slash(world.channel, "help")).response.embeds[0].fields)
    assert "</facts set:" in text
