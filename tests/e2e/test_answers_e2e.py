"""An answer given again from memory (bot/answers.py) is exactly the answer worked out afresh, and anything it
depends on — the profile, the server's figures, the options, the language, share, the date — makes it new.
Through the real tree in SimCord; `Room.work_out` is counted to see when the room was worked out."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot import clock, replies

from .locale import member_locale
from .test_about_e2e import embed_text

PROFILE = dict(age=45, compensation="200000", employee_deferrals="23500", match_formula="50% up to 6%")
NOTICE = "https://www.irs.gov/pub/irs-drop/n-24-80.pdf"


@pytest.fixture
def worked(world, monkeypatch):
    """How many times /room worked its answer out (rather than giving one from memory)."""
    calls = []
    cog = type(world.bot.get_cog("Room"))  # the extension's own class (loading it imports the module afresh)
    real = cog.work_out

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cog, "work_out", staticmethod(counted))
    monkeypatch.setattr(clock, "today", lambda: date(2026, 6, 1))
    return calls


async def room(world, member=None, **options):
    result = await (member or world.alice).slash(world.channel, "room", chart=False, **options)
    assert result.response is not None and result.response.embeds, result.response
    return result


def text(result) -> str:
    return "\n".join(embed_text(e) for e in result.response.embeds) + (result.response.content or "")


async def test_the_same_question_is_answered_again_word_for_word(world, worked):
    await world.alice.slash(world.channel, "profile set", **PROFILE)
    first = await room(world)
    again = await room(world)
    assert len(worked) == 1
    assert text(again) == text(first) and "$" in text(first)
    # Another member with the same details has answers of their own.
    mod_profile = await world.mod.slash(world.channel, "profile set", **PROFILE)
    assert mod_profile.response is not None
    assert text(await room(world, world.mod)) == text(first)
    assert len(worked) == 2


async def test_a_changed_profile_option_or_server_figure_is_worked_out_anew(world, worked):
    await world.alice.slash(world.channel, "profile set", **PROFILE)
    before = text(await room(world))
    await world.alice.slash(world.channel, "profile set", compensation="150000")
    after_profile = text(await room(world))
    assert len(worked) == 2 and after_profile != before
    with_option = text(await room(world, compensation="120000"))
    assert len(worked) == 3 and with_option != after_profile
    await world.env.advance_time(11)  # past the cooldown
    # A moderator changes the year's 415(c) limit: the answer follows at once.
    changed = await world.mod.slash(
        world.channel,
        "facts set",
        year=2026,
        figure="annual_additions_415c",
        value="75000",
        source_url=NOTICE,
    )
    assert changed.response is not None
    after_fact = text(await room(world))
    assert len(worked) == 4 and "75,000" in after_fact and "75,000" not in after_profile


async def test_language_share_and_the_date_are_part_of_the_question(world, worked, monkeypatch):
    await world.alice.slash(world.channel, "profile set", **PROFILE)
    english = text(await room(world))
    with member_locale("es-ES"):
        spanish = text(await room(world))
    assert len(worked) == 2 and spanish != english and "Margen" in spanish
    shared = await room(world, share=True)
    assert len(worked) == 3 and not shared.ephemeral
    await world.env.advance_time(11)
    monkeypatch.setattr(clock, "today", lambda: date(2027, 1, 5))
    new_year = await room(world)
    assert len(worked) == 4 and "2027's figures are not in yet" in (new_year.response.content or "")


async def test_a_chart_never_changes_the_answer_kept(world, worked):
    await world.alice.slash(world.channel, "profile set", **PROFILE)
    plain = await room(world)
    charted = await world.alice.slash(world.channel, "room")
    assert charted.response.attachments and charted.response.embeds[0].image.url
    again = await room(world)
    assert len(worked) == 1
    assert not again.response.embeds[0].image and text(again) == text(plain)


async def test_deleting_the_profile_leaves_no_answer_in_memory(world, worked):
    await world.alice.slash(world.channel, "profile set", **PROFILE)
    await room(world)
    assert len(world.bot.answers) == 1
    await world.alice.slash(world.channel, "profile delete")
    assert len(world.bot.answers) == 0
    refused = await world.alice.slash(world.channel, "room", chart=False)
    assert "give your age" in refused.response.content
    world.acknowledge_errors()


async def test_a_slow_read_still_says_thinking_first_and_a_cached_one_needs_no_deferral(world, worked, monkeypatch):
    await world.alice.slash(world.channel, "profile set", **PROFILE)
    cached = await room(world)
    monkeypatch.setattr(replies, "DEFER_AFTER", 0.05)
    read = world.bot.repo._read_profile

    async def slow_read(user_id):
        await asyncio.sleep(0.5)
        return await read(user_id)

    monkeypatch.setattr(world.bot.repo, "_read_profile", slow_read)
    world.bot.repo.profiles.clear()  # the profile must be read again, slowly
    await world.env.advance_time(11)
    slow = await world.alice.slash(world.channel, "room", chart=False)
    # "thinking…" went out first (a deferred response), then the answer in its place.
    assert deferrals(world) == [False, True]
    assert text(slow) == text(cached)


def deferrals(world) -> list[bool]:
    """For the last two interactions, whether the first response was a deferral (type 5, "thinking…")."""
    callbacks = [r for r in world.env.http_requests if r.method == "POST" and r.path.endswith("/callback")]
    return [r.json["type"] == 5 for r in callbacks[-2:]]


async def test_plan_is_given_again_until_the_paystub_changes(world, monkeypatch):
    import sys

    cog_module = sys.modules[type(world.bot.get_cog("Plan")).__module__]
    planned = []
    real = cog_module.compute_plan

    def counted(*args, **kwargs):
        planned.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cog_module, "compute_plan", counted)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 6, 1))
    await world.alice.slash(world.channel, "profile set", **PROFILE, pay_frequency="biweekly")
    await world.alice.slash(world.channel, "profile paystub", paychecks_left=10, ytd_deferrals="10000")
    first = await world.alice.slash(world.channel, "plan", chart=False)
    charted = await world.alice.slash(world.channel, "plan")
    again = await world.alice.slash(world.channel, "plan", chart=False)
    assert len(planned) == 1 and charted.response.attachments
    assert text(again) == text(first) and not again.response.embeds[0].image
    await world.env.advance_time(11)
    await world.alice.slash(world.channel, "profile paystub", paychecks_left=9, ytd_deferrals="11000")
    after = await world.alice.slash(world.channel, "plan", chart=False)
    assert len(planned) == 2 and text(after) != text(first)
