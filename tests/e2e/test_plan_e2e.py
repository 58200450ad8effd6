"""/plan and the charts of /room and /plan through real discord.py dispatch in SimCord."""

from __future__ import annotations

import io

import discord
from PIL import Image

from knowledge.errors import InputError

from ..test_plan_i18n import LONG_YEAR_OPTIONS, LONG_YEAR_PLAN, PLAN_2026
from .conftest import ROOM_2025


def command(env, name):
    return env.backend.commands[None][(name, 1)]


async def png_of(attachment: discord.Attachment) -> Image.Image:
    data = await attachment.read()
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    return img


async def test_plan_and_chart_options_sync(world):
    plan = command(world.env, "plan")
    options = {o["name"]: o for o in plan["options"]}
    assert len(options) <= 25
    assert [c["value"] for c in options["pay_frequency"]["choices"]] == [
        "weekly",
        "weekly-53",
        "biweekly",
        "biweekly-27",
        "semi-monthly",
        "monthly",
    ]
    assert [c["value"] for c in options["election_unit"]["choices"]] == ["percent", "tenths", "dollars"]
    assert options["chart"]["type"] == discord.AppCommandOptionType.boolean.value
    assert all(o["description"] for o in plan["options"])
    room = {o["name"] for o in command(world.env, "room")["options"]}
    assert "chart" in room
    # What a member tells once is saved in three groups, what they ask stays short: no command near Discord's 25.
    groups = {o["name"]: {p["name"] for p in o["options"]} for o in command(world.env, "profile")["options"]}
    assert {"pay_frequency", "compensation", "prior_year_wages"} <= groups["set"]
    assert {"year", "paychecks_left", "ytd_deferrals", "ytd_employer", "ytd_after_tax"} == groups["paystub"]
    assert {"election_unit", "match_true_up", "match_after_tax", "plan_type", "plan_offers_roth"} <= groups["plan"]
    assert max(len(names) for names in groups.values()) <= 20 and len(plan["options"]) <= 21
    assert "prior_year_wages" in {o["name"] for o in plan["options"]}


async def test_plan_shows_elections_schedule_warnings_and_a_chart(world):
    result = await world.alice.slash(world.channel, "plan", **PLAN_2026)
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Payroll elections for your last 6 paychecks of 2026"
    assert "Deferral (pre-tax + Roth): **13%** of each paycheck" in embed.description
    assert "After-tax: enter **70%** now; after paycheck 3 change it to **69%**" in embed.description
    assert "$29,190 of the $29,240 after-tax room" in embed.description
    schedule = next(f.value for f in embed.fields if f.name == "Schedule")
    assert "… 2 the same" in schedule and "$71,910" in schedule
    assert "→ after paycheck 3, change the after-tax election to 69%" in schedule
    warnings = "\n".join(f.value for f in embed.fields if f.name.startswith("Warnings"))
    assert "would put in" not in warnings  # the $20 the plan leaves is less than one step (1% of $7,000) adds
    assert "IRS Notice 2025-67" in next(f.value for f in embed.fields if f.name == "Sources")
    [attachment] = result.response.attachments
    assert attachment.filename == "plan.png" and embed.image.url == "attachment://plan.png"
    assert attachment.description.startswith("Line chart over 6 paychecks")
    img = await png_of(attachment)
    assert img.width >= 600 and img.height >= 300
    assert world.channel.last_message is None


async def test_plan_chart_false_and_share(world):
    result = await world.alice.slash(world.channel, "plan", chart=False, **PLAN_2026)
    assert result.response.attachments == [] and not result.response.embeds[0].image
    result = await world.alice.slash(world.channel, "plan", share=True, **PLAN_2026)
    assert not result.ephemeral
    message = world.channel.last_message
    assert message.embeds[0].title.startswith("Payroll elections") and message.attachments


async def test_plan_uses_the_saved_profile_after_a_restart(world):
    await world.alice.slash(
        world.channel,
        "profile set",
        age=40,
        compensation="182000",
        pay_frequency="biweekly",
        match_formula="50% up to 6%",
    )
    await world.alice.slash(
        world.channel,
        "profile paystub",
        year=2026,
        paychecks_left=6,
        ytd_deferrals="19000",
        ytd_employer="7000",
        ytd_after_tax="10000",
    )
    await world.alice.slash(world.channel, "profile plan", election_unit="tenths", match_true_up=False)
    await world.restart()
    result = await world.alice.slash(world.channel, "plan", year=2026, chart=False)
    assert "enter **13.1%** now; after paycheck 5 change it to **13%**" in result.response.embeds[0].description
    result = await world.alice.slash(world.channel, "plan", year=2026, chart=False, election_unit="percent")
    assert "**13%** of each paycheck" in result.response.embeds[0].description  # an option overrides the profile


async def test_plan_bad_input_is_a_clear_message(world):
    result = await world.alice.slash(
        world.channel, "plan", **PLAN_2026 | dict(pay_frequency="monthly", paychecks_left=13)
    )
    assert result.ephemeral
    assert result.response.content.startswith("**paychecks_left**: a monthly payroll has 12 paychecks a year")
    [error] = world.acknowledge_errors()
    assert isinstance(error, InputError)


async def test_a_long_weekly_year_stays_within_discords_limits(world):
    await world.env.advance_time(11)
    await world.alice.slash(world.channel, "profile plan", **LONG_YEAR_PLAN)
    result = await world.alice.slash(world.channel, "plan", **LONG_YEAR_OPTIONS)
    embed = result.response.embeds[0]
    assert len(embed) <= 6000 and len(embed.fields) <= 25
    assert all(len(f.value) <= 1024 and len(f.name) <= 256 for f in embed.fields)
    assert len(embed.description) <= 4096 and len(embed.title) <= 256
    assert result.response.attachments[0].filename == "plan.png"


async def test_room_attaches_its_chart_and_chart_false_leaves_it_out(world):
    result = await world.alice.slash(world.channel, "room", **ROOM_2025 | {"age": 55})
    embed = result.response.embeds[0]
    assert embed.title == "After-tax room for 2025: $36,500"
    [attachment] = result.response.attachments
    assert attachment.filename == "room.png" and embed.image.url == "attachment://room.png"
    assert attachment.description.startswith("Bar chart of the 2025 415(c) limit of $70,000")
    assert "room left $36,500" in attachment.description and "catch-up $0 of $7,500" in attachment.description
    await png_of(attachment)
    result = await world.alice.slash(world.channel, "room", chart=False, **ROOM_2025)
    assert result.response.attachments == [] and not result.response.embeds[0].image
    assert result.response.embeds[0].title == "After-tax room for 2025: $36,500"


async def test_plan_says_what_to_enter_now_what_to_change_and_what_todays_elections_leave(world):
    result = await world.alice.slash(
        world.channel,
        "plan",
        chart=False,
        **PLAN_2026 | dict(election_unit="tenths", current_deferral="10", current_after_tax="50"),
    )
    embed = result.response.embeds[0]
    assert "Deferral (pre-tax + Roth): enter **13.1%** now; after paycheck 5 change it to **13%**" in embed.description
    assert "After-tax: enter **69.7%** now; after the next paycheck change it to **69.6%**" in embed.description
    schedule = next(f.value for f in embed.fields if f.name == "Schedule")
    assert schedule.index("→ after paycheck 1, change the after-tax election to 69.6%") < schedule.index("\n2 ")
    assert "→ after paycheck 5, change the deferral election to 13%" in schedule
    warnings = "\n".join(f.value for f in embed.fields if f.name.startswith("Warnings"))
    assert "next deferral election up" not in warnings and "next after-tax election up" not in warnings
    assert (
        "At your current deferral election (10%) you put in $4,200 by year end, leaving $1,300 of the $5,500 "
        "deferral room unfilled; the elections above put in $5,495." in warnings
    )
    assert "At your current after-tax election (50%) you put in $21,000 by year end" in warnings


async def test_a_low_earner_gets_a_plan_not_a_refusal(world):
    for age, pay in ((55, "30000"), (40, "23000")):
        result = await world.alice.slash(
            world.channel,
            "plan",
            year=2026,
            age=age,
            compensation=pay,
            pay_frequency="biweekly",
            paychecks_left=26,
            chart=False,
        )
        embed = result.response.embeds[0]
        assert embed.title == "Payroll elections for your last 26 paychecks of 2026"
        assert "Deferral (pre-tax + Roth): **100%** of each paycheck" in embed.description
        assert f"→ ${int(pay):,} of the" in embed.description
    assert world.acknowledge_errors() == []
