"""/checklist by DM with persistent buttons, through real discord.py views in SimCord."""

from __future__ import annotations

import discord


def dm(world):
    return world.alice_user.dm_channel.last_message


def labels_of(message) -> list[str]:
    return [c.label for row in message.components for c in row.children]


def status_of(message, number: int) -> str:
    field = message.embeds[0].fields[number - 1]
    return field.name.split(" ")[0]


async def test_empty_profile_gets_a_dm_with_buttons_and_answers_change_the_verdict(world):
    result = await world.alice.slash(world.channel, "checklist")
    # Deferred with "thinking"; the first follow-up replaces the thinking message, as on Discord.
    assert result.ephemeral and result.acknowledged
    assert "Sent you a DM" in result.response.content
    message = dm(world)
    assert message.embeds[0].title == "Mega backdoor Roth checklist (2026)"
    assert message.embeds[0].description.startswith("**Need answers")
    assert all(status_of(message, n) == "❔" for n in range(1, 8))
    assert "after-tax (non-Roth) contributions beyond the employee deferral limit" in message.embeds[-1].description
    labels = labels_of(message)
    assert labels[:3] == ["Plan accepts after-tax? Yes", "No", "Not sure"] and len(labels) == 15

    await world.alice_user.click(message, label="Plan accepts after-tax? Yes")
    message = dm(world)
    assert status_of(message, 1) == "✅"
    assert (await world.bot.repo.get_profile(world.alice.id)).after_tax_allowed is True

    for label in ("In-plan Roth conversion? Yes", "Deferrals + full match planned? Yes", "Spare cash flow? Yes"):
        await world.alice_user.click(dm(world), label=label)
    message = dm(world)
    assert message.embeds[0].description.startswith("**You can do it now, through an in-plan Roth conversion")
    assert message.embeds[0].colour == discord.Colour(0x2E8B57)
    assert len(world.env.backend.messages[world.alice_user.dm_channel.id]) == 1  # edited in place, not re-sent


async def test_no_answer_blocks_and_not_sure_moves_on(world):
    await world.alice.slash(world.channel, "checklist")
    await world.alice_user.click(dm(world), label="Plan accepts after-tax? Yes")
    await world.alice_user.click(dm(world), custom_id=f"rr:cl:{world.guild.id}:in_plan_conversion:unsure")
    profile = await world.bot.repo.get_profile(world.alice.id)
    assert profile.in_plan_conversion is None and profile.not_sure == ["in_plan_conversion"]
    labels = labels_of(dm(world))
    assert labels[0] == "In-service withdrawal? Yes"  # the not-sure question moved to the back
    await world.alice_user.click(dm(world), custom_id=f"rr:cl:{world.guild.id}:in_service_withdrawal:no")
    assert "A way to move after-tax money to Roth" in dm(world).embeds[0].description  # still the open question
    # Answers can also come as options; a new DM carries the verdict.
    await world.alice.slash(world.channel, "checklist", in_plan_conversion=False)
    assert dm(world).embeds[0].description.startswith("**Blocked: the plan allows neither")


async def test_buttons_keep_working_after_a_restart(world):
    await world.alice.slash(world.channel, "checklist")
    await world.restart()
    await world.alice_user.click(dm(world), label="Plan accepts after-tax? Yes")
    assert status_of(dm(world), 1) == "✅"
    assert (await world.bot.repo.get_profile(world.alice.id)).after_tax_allowed is True


async def test_closed_dms_fall_back_to_an_ephemeral_reply(world):
    world.env.inject_error(
        "POST", "/channels/*/messages", status=403, code=50007, message="Cannot send messages to this user"
    )
    result = await world.alice.slash(world.channel, "checklist", after_tax_allowed=True)
    followup = result.response
    assert followup.ephemeral and "couldn't DM you" in followup.content
    assert followup.embeds[0].title == "Mega backdoor Roth checklist (2026)"
    assert world.alice_user.dm_channel.last_message is None
    # The buttons work on the ephemeral message too.
    await world.alice.click(followup.message, label="In-plan Roth conversion? Yes")
    assert (await world.bot.repo.get_profile(world.alice.id)).in_plan_conversion is True


async def test_answers_given_as_options_are_saved(world):
    await world.alice.slash(world.channel, "checklist", after_tax_allowed=False)
    assert dm(world).embeds[0].description.startswith("**Blocked: the plan does not accept after-tax")
    assert (await world.bot.repo.get_profile(world.alice.id)).after_tax_allowed is False


async def test_room_figure_appears_when_the_profile_allows(world):
    await world.alice.slash(
        world.channel,
        "profile set",
        age=45,
        compensation="200000",
        employee_deferrals="24500",
        employer_contributions="10000",
    )
    await world.alice.slash(world.channel, "checklist")
    assert "Your after-tax room for 2026: **$37,500**" in dm(world).embeds[0].description


async def test_a_button_from_an_older_checklist_gets_an_answer_not_a_failure(world):
    await world.alice.slash(world.channel, "checklist")
    message = dm(world)
    # A DM sent by an older version whose question no longer exists: the custom id still routes to the bot.
    world.env.backend.messages[message.channel.id][message.id].components[0]["components"][0]["custom_id"] = (
        f"rr:cl:{world.guild.id}:retired_question:yes"
    )
    result = await world.alice_user.click(dm(world), custom_id=f"rr:cl:{world.guild.id}:retired_question:yes")
    assert result.ephemeral and "older checklist" in result.response.content
