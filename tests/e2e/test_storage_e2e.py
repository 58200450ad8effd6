"""What members see of storage through the real bot in SimCord, on both backends: /profile delete and the
old checklist buttons, and no member's pay in the bot's DEBUG log."""

from __future__ import annotations

import logging

import pytest

from bot.logs import setup_logging

from ..helpers import raw_rows


def dm(world):
    return world.alice_user.dm_channel.last_message


async def test_delete_says_what_it_erased_and_old_checklist_buttons_create_nothing(world):
    await world.alice.slash(world.channel, "profile set", compensation="123456", match_formula="50% up to 6%")
    await world.alice.slash(world.channel, "checklist")
    await world.alice_user.click(dm(world), custom_id=f"rr:cl:{world.guild.id}:cash_flow_ok:unsure")
    old = dm(world)
    result = await world.alice.slash(world.channel, "profile delete")
    text = result.response.content
    assert text.startswith(
        "Your plan profile is erased from the bot's database: Pay from this employer, "
        "Match formula, 1 “not sure” checklist answer."
    )
    assert "123" not in text  # names what was erased, never the values

    await world.alice_user.click(old, label="Plan accepts after-tax? Yes")
    message = dm(world)
    assert "was erased" in message.content and "/checklist" in message.content
    assert message.embeds == [] and message.components == []  # the old checklist (and its room) is gone
    assert await raw_rows(world.db_url, "SELECT * FROM profiles") == []
    assert await world.bot.repo.get_profile(world.alice.id) is None

    # Starting again: a checklist sent with no profile may create one.
    await world.alice.slash(world.channel, "checklist")
    await world.alice_user.click(dm(world), label="Plan accepts after-tax? Yes")
    assert (await world.bot.repo.get_profile(world.alice.id)).after_tax_allowed is True


async def test_a_checklist_sent_with_no_profile_saves_nothing_after_a_delete(world):
    """Its buttons may create a profile, but not one erased after it was sent: whether the member pressed one
    before deleting or not, and whether anything was saved at all when they deleted."""
    await world.alice.slash(world.channel, "checklist")  # no profile: buttons that may create one
    sent_new = dm(world)
    await world.alice.slash(world.channel, "profile set", compensation="150000")  # a profile made elsewhere
    await world.alice.slash(world.channel, "profile delete")
    await world.alice_user.click(sent_new, label="Plan accepts after-tax? Yes")
    assert "was erased" in dm(world).content
    assert await world.bot.repo.get_profile(world.alice.id) is None

    await world.alice.slash(world.channel, "checklist")  # again no profile, and never pressed before the delete
    untouched = dm(world)
    nothing = await world.alice.slash(world.channel, "profile delete")
    assert "nothing to erase" in nothing.response.content
    await world.alice_user.click(untouched, label="Plan accepts after-tax? Yes")
    assert "was erased" in dm(world).content
    assert await world.bot.repo.get_profile(world.alice.id) is None
    assert await raw_rows(world.db_url, "SELECT * FROM profiles") == []
    # What is kept is a count under the member's id, nothing from the profile.
    kept = await raw_rows(
        world.db_url, "SELECT guild_id, value FROM guild_settings WHERE key LIKE 'profile_erasures:%'"
    )
    assert [(g, v) for g, v in kept] == [(0, "2")]

    await world.alice.slash(world.channel, "checklist")  # sent after the deletes: may start a new profile
    await world.alice_user.click(dm(world), label="Plan accepts after-tax? Yes")
    assert (await world.bot.repo.get_profile(world.alice.id)).after_tax_allowed is True


@pytest.fixture
def debug_logging():
    touched = ["discord", "discord.http", "discord.gateway", "aiosqlite", "asyncpg"]
    before = {name: logging.getLogger(name).level for name in touched}
    setup_logging("DEBUG")
    yield
    for name, level in before.items():
        logging.getLogger(name).setLevel(level)


async def test_the_debug_log_of_a_profile_set_has_no_pay_figure(world, debug_logging, caplog):
    caplog.set_level(logging.DEBUG)
    await world.alice.slash(world.channel, "profile set", compensation="234567", employee_deferrals="19876")
    await world.restart()  # a cold cache: the profile is read from the database too
    result = await world.alice.slash(world.channel, "profile show")
    assert "$234,567" in result.response.embeds[0].description
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert any(r.levelno == logging.DEBUG and r.name.startswith("bot.storage") for r in caplog.records), logged
    for figure in ("234567", "234,567", "19876", "19,876"):
        assert figure not in logged


async def test_profile_set_clear_not_sure_is_saved_and_shown(world):
    """It used to write the row, then fail in the cache: the member got the apology and /profile show said
    nothing was saved while the database held the new values."""
    await world.alice.slash(world.channel, "profile set", compensation="150000")
    await world.alice.slash(world.channel, "checklist")
    await world.alice_user.click(dm(world), custom_id=f"rr:cl:{world.guild.id}:cash_flow_ok:unsure")
    assert (await world.bot.repo.get_profile(world.alice.id)).not_sure == ["cash_flow_ok"]
    result = await world.alice.slash(world.channel, "profile set", clear="not_sure", employee_deferrals="20000")
    assert result.response.embeds[0].title == "Saved. Your plan profile"
    shown = (await world.alice.slash(world.channel, "profile show")).response.embeds[0].description
    assert "$150,000" in shown and "$20,000" in shown
    [(data,)] = await raw_rows(world.db_url, "SELECT data FROM profiles")
    assert '"not_sure":[]' in data and '"employee_deferrals":"20000"' in data


async def test_every_reader_shares_the_cached_profile_and_none_changes_it(world):
    """The profile cache hands every reader the same object (no copy per answer): answering must never change it,
    and a change must replace it, not edit it."""
    await world.alice.slash(world.channel, "profile set", age=45, compensation="200000", match_formula="50% up to 6%")
    await world.alice.slash(world.channel, "checklist", cash_flow_ok=True)
    repo = world.bot.repo
    cached = await repo.get_profile(world.alice.id)
    assert await repo.get_profile(world.alice.id) is cached
    before = cached.model_dump()
    for name, options in (
        ("room", dict(year=2025, employee_deferrals="23500", employer_contributions="10000", chart=False)),
        ("room", dict(year=2025, age=50, compensation="100000", employer_contributions="0", chart=False)),
        ("plan", dict(year=2026, paychecks_left=6, ytd_deferrals="19000", ytd_employer="5000", chart=False)),
        ("checklist", {}),
        ("profile show", {}),
    ):
        result = await world.alice.slash(world.channel, name, **options)
        assert result.acknowledged, name
    assert cached.model_dump() == before and await repo.get_profile(world.alice.id) is cached
    await world.alice.slash(world.channel, "checklist", auto_conversion=False)
    changed = await repo.get_profile(world.alice.id)
    assert changed is not cached and changed.auto_conversion is False and cached.auto_conversion is None
