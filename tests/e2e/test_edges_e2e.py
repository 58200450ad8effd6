"""Issue 15 end to end: amounts in the member's format, replies always inside Discord's limits, slow storage
acknowledged in time, DM refusals of every kind, free text shown as typed."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from bot.replies import CONTENT, DESCRIPTION, FIELD_VALUE, TITLE, TOTAL, embed_size
from knowledge.facts import Citation

from ..helpers import raw_rows
from .conftest import ROOM_2025
from .locale import member_locale

NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"


def assert_fits(message) -> None:
    """What Discord would accept: the limits its API enforces on a message."""
    assert len(message.content or "") <= CONTENT
    assert len(message.embeds) <= 10
    assert sum(embed_size(e) for e in message.embeds) <= TOTAL
    for e in message.embeds:
        assert len(e.title or "") <= TITLE and len(e.description or "") <= DESCRIPTION and len(e.fields) <= 25
        assert all(len(f.value) <= FIELD_VALUE and len(f.name) <= 256 for f in e.fields)


async def test_a_german_member_types_amounts_the_german_way(world):
    with member_locale("de"):
        result = await world.alice.slash(
            world.channel,
            "room",
            year=2025,
            age=45,
            compensation="200.000",
            employee_deferrals="23.500",
            employer_contributions="10.000",
        )
    embed = result.response.embeds[0]
    assert embed.title == "After-tax room for 2025: 36.500\xa0$"
    used = next(f.value for f in embed.fields if f.name == "Amounts used")
    assert "pay 200.000\xa0$" in used and "your deferrals 23.500\xa0$" in used  # the amounts it read, visibly


async def test_an_ambiguous_amount_is_refused_naming_the_option_and_nothing_is_saved(world):
    result = await world.alice.slash(world.channel, "profile set", employee_deferrals="23.500")
    text = result.response.content
    assert result.ephemeral and text.startswith("**employee_deferrals**:") and "ambiguous" in text
    assert "would be $23.50, but it may mean $23,500." in text  # both readings, as the bot prints money
    assert await raw_rows(world.db_url, "SELECT * FROM profiles") == []
    with member_locale("fr"):
        result = await world.alice.slash(world.channel, "profile set", compensation="185 000")
    assert "185\u202f000" in result.response.embeds[0].description
    world.acknowledge_errors()


async def test_low_pay_room_is_what_pay_can_fund(world):
    result = await world.alice.slash(
        world.channel,
        "room",
        year=2025,
        age=55,
        compensation="40000",
        employee_deferrals="31000",
        employer_contributions="0",
        paychecks_left=2,
    )
    embed = result.response.embeds[0]
    assert embed.title == "After-tax room for 2025: $9,000"
    assert "After-tax per paycheck (rounded down): **$4,500**" in embed.description
    warnings = next(f.value for f in embed.fields if f.name == "Warnings")
    assert "$16,500" in warnings and "only $9,000 of your pay is left" in warnings


async def test_forty_changes_of_history_page_inside_discords_limits(world):
    bot = world.bot
    for n in range(40):
        await bot.repo.change_fact(
            world.guild.id,
            2026,
            "deferral_limit_402g",
            Decimal(24501 + n),
            "IRS Notice 2025-67 as corrected " + "x" * 60,
            NOTICE,
            "a long moderator note " * 8,
            world.mod.id,
            bot.facts.validator(),
        )
    bot.facts.invalidate(world.guild.id)
    result = await world.mod.slash(world.channel, "facts history")
    message = result.response
    assert_fits(message)
    first = message.embeds[0]
    assert first.title.startswith("Fact changes in this server (1/") and "**#40**" in first.description
    pages = int(first.title.rsplit("/", 1)[1].rstrip(")"))
    assert pages >= 2
    seen = {c.split("**")[0] for c in first.description.split("**#")[1:]}
    for n in range(2, pages + 1):
        await world.mod.click(message.message, label="▶")  # edits the message in place
        page = message.message.embeds[0]
        assert page.title.startswith(f"Fact changes in this server ({n}/")
        assert_fits(message.message)
        seen |= {c.split("**")[0] for c in page.description.split("**#")[1:]}
    assert seen == {str(n) for n in range(1, 41)}  # every change, on one page or another
    result = await world.mod.slash(world.channel, "facts show", year=2026)
    assert_fits(result.response)


async def test_a_padded_match_formula_is_stored_tidy_and_never_locks_the_member_out(world):
    padded = "50%" + " " * 3000 + "up to 6%"
    result = await world.alice.slash(
        world.channel, "profile set", age=45, compensation="200000", employee_deferrals="23500", match_formula=padded
    )
    assert_fits(result.response)
    assert (await world.bot.repo.get_profile(world.alice.id)).match_formula == "50% up to 6%"
    # A row saved padded by an older version is normalised as it is read.
    await world.bot.repo.update_profile(world.alice.id, {"match_formula": "50% up to 6%"})
    result = await world.alice.slash(world.channel, "room", year=2025)
    assert_fits(result.response)
    assert result.response.embeds[0].title.startswith("After-tax room for 2025")


async def test_a_huge_option_value_gets_a_short_answer(world):
    result = await world.alice.slash(
        world.channel, "room", year=2025, age=45, compensation="1" * 5000, employer_contributions="0"
    )
    assert result.ephemeral and len(result.response.content) <= CONTENT
    assert result.response.content.startswith("**compensation**:")
    result = await world.alice.slash(world.channel, "explain", topic="y" * 5000)
    assert len(result.response.content) <= CONTENT and "no article on" in result.response.content
    world.acknowledge_errors()


async def test_slow_storage_is_acknowledged_in_time(world):
    repo = world.bot.repo
    real = repo.get_profile

    async def slow(user_id):
        # Storage that takes 4 s: 2 s of real waiting (the bot's 1.5 s deferral timer fires inside it), and the
        # simulated Discord's clock moved on by the full 4 s, past its 3-second acknowledgement window.
        await asyncio.sleep(2)
        world.env.backend.advance_clock(4)
        return await real(user_id)

    repo.get_profile = slow
    try:
        result = await world.alice.slash(world.channel, "room", **ROOM_2025)
        assert result.acknowledged and result.ephemeral
        assert result.response.embeds[0].title == "After-tax room for 2025: $36,500"
        result = await world.alice.slash(world.channel, "profile show")
        assert result.acknowledged and result.response.embeds[0].title == "Your saved plan profile"
    finally:
        repo.get_profile = real
    assert not [e for e in world.acknowledge_errors() if "Unknown interaction" in str(e)]


async def test_any_dm_refusal_falls_back_to_the_channel(world):
    world.env.inject_error(
        "POST", "/channels/*/messages", status=400, code=40003, message="You are opening direct messages too fast"
    )
    result = await world.alice.slash(world.channel, "checklist")
    assert result.response.ephemeral and "couldn't DM you" in result.response.content
    assert result.response.embeds[0].title == "Mega backdoor Roth checklist (2026)"


async def test_moderator_free_text_is_shown_as_typed(world):
    bot = world.bot
    await bot.repo.change_fact(
        world.guild.id,
        2026,
        "deferral_limit_402g",
        Decimal(24600),
        "[IRS](https://evil.example/phish) @everyone",
        NOTICE,
        "**bold** <@&1>",
        world.mod.id,
        bot.facts.validator(),
    )
    bot.facts.invalidate(world.guild.id)
    result = await world.alice.slash(world.channel, "limits", year=2026, share=True)
    sources = "\n".join(f.value for f in result.response.embeds[0].fields if f.name.startswith("Sources"))
    assert "[\\[IRS\\](https:\u200b//evil.example/phish) @\u200beveryone](" + NOTICE + ")" in sources
    assert Citation(title="x" * 10, url=NOTICE)  # citations still build as before


async def test_an_error_after_a_public_deferral_stays_private(world):
    repo = world.bot.repo
    real = repo.get_profile

    async def slow(user_id):
        await asyncio.sleep(2)
        world.env.backend.advance_clock(4)
        return await real(user_id)

    repo.get_profile = slow
    try:
        # share:true defers publicly; the answer then fails (no age anywhere): the member alone is told.
        result = await world.alice.slash(
            world.channel, "room", year=2025, compensation="100000", employer_contributions="0", share=True
        )
    finally:
        repo.get_profile = real
    [private] = result.followups
    assert private.ephemeral and private.content.startswith("**age**")
    assert result.response is None  # the public placeholder was removed
    public = [m for m in world.env.backend.messages[world.channel.id].values() if not m.flags & 64]
    assert not any("age" in (m.content or "") for m in public)
    world.acknowledge_errors()
