"""Cog callbacks with spec'd interaction mocks over a real bot and real SQLite storage."""

from __future__ import annotations

import math

import discord
import pytest

from bot.app import create_bot
from knowledge.errors import InputError

from .conftest import make_settings
from .helpers import mock_interaction, sent


@pytest.fixture
async def bot(db_url):
    b = create_bot(make_settings(), database_url=db_url, sync="never")
    await b.__aenter__()
    await b.setup_hook()
    yield b
    await b.__aexit__(None, None, None)


def callback(bot, path: str):
    cmd = bot.tree.get_command(path.split()[0])
    if " " in path:
        cmd = cmd.get_command(path.split()[1])
    return lambda interaction, **kw: cmd.callback(cmd.binding, interaction, **kw)


async def test_room_is_ephemeral_unless_shared(bot):
    i = mock_interaction(bot)
    await callback(bot, "room")(
        i, year=2025, age=45, compensation="200000", employee_deferrals="23500", employer_contributions="10000"
    )
    _, kw = sent(i)
    assert kw["ephemeral"] is True
    assert kw["embeds"][0].title == "After-tax room for 2025: $36,500"
    assert any("IRS Notice 2024-80" in f.value for f in kw["embeds"][0].fields if f.name == "Sources")

    i = mock_interaction(bot)
    await callback(bot, "room")(
        i,
        year=2025,
        age=45,
        compensation="200000",
        employee_deferrals="23500",
        employer_contributions="10000",
        share=True,
    )
    assert sent(i)[1]["ephemeral"] is False


async def test_room_formats_for_the_member_locale(bot):
    i = mock_interaction(bot, locale="de")
    await callback(bot, "room")(
        i, year=2025, age=45, compensation="200000", employee_deferrals="23500", employer_contributions="10000"
    )
    assert sent(i)[1]["embeds"][0].title == "After-tax room for 2025: 36.500\xa0$"


async def test_room_options_override_the_profile(bot):
    await bot.repo.update_profile(
        1001,
        {
            "birth_year": 1980,
            "compensation": "300000",
            "employee_deferrals": "23500",
            "employer_contributions": "20000",
        },
    )
    i = mock_interaction(bot)
    await callback(bot, "room")(i, year=2025, employer_contributions="5000")
    assert sent(i)[1]["embeds"][0].title.endswith("$41,500")  # 70,000 - 23,500 - 5,000; age from birth year


async def test_room_without_essentials_names_the_missing_field(bot):
    i = mock_interaction(bot, user_id=4242)
    with pytest.raises(InputError) as exc:
        await callback(bot, "room")(i, year=2025)
    assert exc.value.field == "age" and "/profile set" in exc.value.message
    i.response.send_message.assert_not_awaited()


async def test_profile_set_refuses_disagreeing_age_and_birth_year(bot):
    i = mock_interaction(bot)
    with pytest.raises(InputError, match="disagree"):
        await callback(bot, "profile set")(i, age=40, birth_year=1950)
    assert await bot.repo.get_profile(1001) is None


async def test_profile_delete_and_show(bot):
    await bot.repo.update_profile(1001, {"compensation": "100000"})
    i = mock_interaction(bot)
    await callback(bot, "profile show")(i)
    assert "$100,000" in sent(i)[1]["embeds"][0].description and sent(i)[1]["ephemeral"] is True
    i = mock_interaction(bot)
    await callback(bot, "profile delete")(i)
    assert sent(i)[1]["content"].startswith(
        "Your plan profile is erased from the bot's database: Pay from this employer."
    )
    assert await bot.repo.get_profile(1001) is None


async def test_explain_autocomplete_and_unknown_topic(bot):
    cog = bot.get_cog("Explain")
    choices = await cog.topic_autocomplete(mock_interaction(bot), "catch")
    assert {c.value for c in choices} == {"catch-up", "roth-catch-up-2026"}
    with pytest.raises(InputError, match="topics: "):
        await callback(bot, "explain")(mock_interaction(bot), topic="crypto")


async def test_ping_before_the_gateway_measured_latency(bot):
    assert not math.isfinite(bot.latency)
    i = mock_interaction(bot)
    await callback(bot, "ping")(i)
    assert "not measured yet" in sent(i)[0][0]


async def test_error_handler_uses_followup_when_already_answered(bot):
    from discord import app_commands

    from bot.errors import on_app_command_error

    i = mock_interaction(bot)
    i.response.is_done.return_value = True
    cmd = bot.tree.get_command("room")
    i.command = cmd
    await on_app_command_error(i, app_commands.CommandInvokeError(cmd, InputError("age", "bad")))
    i.followup.send.assert_awaited_once_with("**age**: bad", ephemeral=True)
    i.response.send_message.assert_not_awaited()


async def test_two_presses_of_a_confirmation_at_once_write_once(bot):
    import asyncio

    from commands.facts import ConfirmChange
    from knowledge.updates import propose

    notice = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"
    origin = mock_interaction(bot, user_id=7)
    proposal = propose(await bot.facts.get(555), 2027, "deferral_limit_402g", "30000", notice)
    view = ConfirmChange(bot.get_cog("Facts"), origin, proposal)
    presses = [mock_interaction(bot, user_id=7) for _ in range(2)]
    for press in presses:
        press.permissions = discord.Permissions(manage_guild=True)
    allowed = await asyncio.gather(*(view.interaction_check(p) for p in presses))
    assert allowed == [True, False]
    assert "Already answered" in sent(presses[1])[0][0]
    await view.confirm.callback(presses[0])
    assert [c.new_value for c in await bot.repo.history(555)] == [30000]
    presses[0].edit_original_response.assert_awaited_once()


async def test_a_saved_change_whose_announcement_fails_is_reported_as_saved(bot, monkeypatch):
    from bot.storage import StorageError

    async def broken(*_args):
        raise StorageError("the settings table is unreadable")

    monkeypatch.setattr(bot.repo, "get_setting", broken)
    i = mock_interaction(bot, user_id=7)
    i.permissions = discord.Permissions(manage_guild=True)
    await callback(bot, "facts set")(
        i,
        year=2026,
        figure="hce_threshold_414q",
        value="165000",
        source_url="https://www.irs.gov/pub/irs-drop/n-26-99.pdf",
    )
    kwargs = i.followup.send.await_args.kwargs
    assert kwargs["content"] == "Saved, but announcing it failed; it is in /facts history."
    assert kwargs["embed"].title == "Fact updated"
    assert [o.value for o in await bot.repo.list_overrides(555)] == [165000]
