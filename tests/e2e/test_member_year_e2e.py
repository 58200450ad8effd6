"""Issue 19 through real discord.py dispatch: one saved profile gives /room, /plan and /checklist one room, a
paystub counts only for its year, and the rules at their edges answer the issue's repro lines."""

from __future__ import annotations

from .test_checklist_e2e import dm


def field(embed, name):
    return next(f.value for f in embed.fields if f.name.startswith(name))


async def save_the_issues_member(world):
    await world.alice.slash(
        world.channel,
        "profile set",
        age=45,
        compensation="200000",
        employee_deferrals="24500",
        match_formula="50% up to 6%",
        pay_frequency="biweekly",
    )
    result = await world.alice.slash(
        world.channel, "profile paystub", year=2026, paychecks_left=10, ytd_after_tax="30000"
    )
    embed = result.response.embeds[0]
    assert "Paystub's year" in "\n".join([embed.description or ""] + [f"{f.name} {f.value}" for f in embed.fields])


async def test_one_saved_profile_gives_room_plan_and_checklist_one_room(world):
    await save_the_issues_member(world)
    room = await world.alice.slash(world.channel, "room", year=2026, chart=False)
    # 72,000 - 24,500 - 6,000 of match - 30,000 already in from the paystub.
    assert room.response.embeds[0].title == "After-tax room for 2026: $11,500"
    await world.env.advance_time(11)
    plan = await world.alice.slash(world.channel, "plan", year=2026, chart=False)
    assert "of the $11,500 after-tax room" in plan.response.embeds[0].description
    await world.alice.slash(world.channel, "checklist")  # the current year: 2026 by the test clock
    text = "\n".join(
        part for embed in dm(world).embeds for part in [embed.description or ""] + [f.value for f in embed.fields]
    )
    assert "$11,500" in text


async def test_a_paystub_is_not_carried_to_another_year(world):
    await save_the_issues_member(world)
    result = await world.alice.slash(world.channel, "room", year=2025, chart=False)
    embed = result.response.embeds[0]
    warnings = field(embed, "Warnings")
    assert "are for 2026, so they were not used for 2025" in warnings
    assert "Paychecks left this year" not in embed.description and "$30,000" not in embed.description


async def test_the_issues_catch_up_repro_is_not_an_excess(world):
    result = await world.alice.slash(
        world.channel,
        "room",
        year=2025,
        age=55,
        compensation="20000",
        employee_deferrals="20000",
        employer_contributions="2000",
        prior_year_wages="20000",
        chart=False,
    )
    embed = result.response.embeds[0]
    assert embed.title == "After-tax room for 2025: $0"
    warnings = field(embed, "Warnings")
    assert "$2,000 of your deferrals pass the 415(c) limit ($20,000), so they are catch-up" in warnings
    assert "refunding after-tax money" not in warnings


async def test_the_issues_plan_repro_defers_the_whole_pay(world):
    result = await world.alice.slash(
        world.channel,
        "plan",
        year=2026,
        age=55,
        compensation="20000",
        pay_frequency="monthly",
        paychecks_left=12,
        match_formula="100% up to 4%",
        chart=False,
    )
    description = result.response.embeds[0].description
    assert "**100%** of each paycheck" in description
    assert "Annual additions at year end: $20,000 of the $20,000 415(c) limit" in description


async def test_plan_features_change_the_answer_and_show_in_the_profile(world):
    result = await world.alice.slash(
        world.channel, "profile plan", plan_type="403b", catch_up_403b_15_year="3000", plan_offers_roth=False
    )
    shown = "\n".join(f"{f.name}: {f.value}" for f in result.response.embeds[0].fields) + (
        result.response.embeds[0].description or ""
    )
    assert "403(b)" in shown and "$3,000" in shown
    result = await world.alice.slash(
        world.channel,
        "room",
        year=2026,
        age=55,
        compensation="200000",
        employee_deferrals="35500",
        employer_contributions="0",
        prior_year_wages="200000",
        chart=False,
    )
    embed = result.response.embeds[0]
    warnings = field(embed, "Warnings")
    # 24,500 + the 403(b)'s 3,000 count toward 415(c); no Roth option means no catch-up: 8,000 is an excess.
    assert embed.title == "After-tax room for 2026: $44,500"
    assert "you can make no catch-up contributions at all" in warnings
    assert "share one 415(c) limit" in warnings


async def test_a_457b_is_refused_by_name(world):
    await world.alice.slash(world.channel, "profile plan", plan_type="457b")
    result = await world.alice.slash(world.channel, "room", year=2026, age=45, compensation="100000")
    assert result.ephemeral
    assert result.response.content.startswith("**plan_type**: a governmental 457(b) has its own deferral limit")
    world.acknowledge_errors()
