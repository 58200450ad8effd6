"""Fact packs that cannot hurt the bot: shapes no pack has are refused before parsing, parsing happens in a bounded
child process (never on the event loop), numbers are refused by range, titles must be readable text, and
concurrent imports write only real changes (tests/test_fact_packs.py, on both backends)."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from bot import clock

from ..test_packs import pack_2027

NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"
FIGURE = 'year = 2027\n[figures]\nira_limit = {{ value = {value}, title = "{title}", url = "' + NOTICE + '" }}\n'


@pytest.fixture(autouse=True)
def october(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 10, 15))


def figure(value="7500", title="IRS Notice 2026-99") -> str:
    return FIGURE.format(value=value, title=title)


async def refusal(world, text: str, name: str = "p.toml") -> str:
    result = await world.mod.slash(world.channel, "facts import", file=(name, text.encode()))
    world.acknowledge_errors()
    assert not result.response.components  # no confirmation offered
    return result.response.content or ""


@pytest.mark.parametrize(
    "text, words",
    [
        ("year = 2027\n" + "x." * 30000 + "y = 1\n", "p.toml: line 2 is longer than 2000 characters"),
        ("year = 2027\n" + "x." * 10 + "y = 1\n", "p.toml: the key at line 2 has more than 4 parts"),
        ("year = 2027\n" + "k" * 300 + " = 1\n", "p.toml: the key at line 2 is longer than 100 characters"),
        ("year = 2027\nx = " + "[\n" * 3000 + "]\n" * 3000, "p.toml: nested more than 4 levels deep at line 6"),
        ("year = 2027\nx = " + "{a=" * 300 + "1" + "}" * 300 + "\n", "nested more than 4 levels deep at line 2"),
        (figure(value="1e30"), "figures.ira_limit.value: is far outside the range of any IRS figure"),
        (figure(value="1" * 30), "figures.ira_limit.value: is far outside the range of any IRS figure"),
        (figure(value="-1" + "0" * 29), "figures.ira_limit.value: is far outside the range of any IRS figure"),
        (figure(value="nan"), "figures.ira_limit.value: must be a finite number"),
        (figure(value="inf"), "figures.ira_limit.value: must be a finite number"),
        (figure(value="-inf"), "figures.ira_limit.value: must be a finite number"),
        (figure(value="1e-30"), "ira_limit: $0.00 is outside the sane range $100–$100,000"),
        (figure(value='"1e30"'), "figures.ira_limit.value: is far outside the range of any IRS figure"),
        (figure(title="IRS Notice \u202e99-6202"), "title: must not contain invisible or text-direction characters"),
        (figure(title="IRS\u200b Notice"), "title: must not contain invisible or text-direction characters"),
        (figure(title="\u200b\u200b\u200b\u200b"), "title: must not contain invisible or text-direction characters"),
        (figure(title="        "), "figures.ira_limit.title: must contain letters"),
        (figure(title="2026-99"), "figures.ira_limit.title: must contain letters"),
    ],
)
async def test_a_hostile_pack_is_refused_with_a_clear_answer(world, text, words):
    content = await refusal(world, text)
    assert content.startswith("**file**: p.toml") and words in content, content
    assert await world.bot.repo.list_overrides(world.guild.id) == []


async def test_a_pack_is_parsed_off_the_event_loop(world, monkeypatch):
    """The bot's own process never runs the TOML parser on an upload: it is read in a bounded child process."""

    def not_here(*_args, **_kwargs):
        raise AssertionError("a fact pack was parsed in the bot's process")

    monkeypatch.setattr(tomllib, "loads", not_here)
    result = await world.mod.slash(world.channel, "facts import", file=("2027.toml", pack_2027().encode()))
    assert result.response.embeds[0].title == "Import 2027.toml: 13 change(s)"


async def test_a_title_is_stored_in_normal_form_and_invisible_characters_are_refused_in_facts_set(world):
    refused = await world.mod.slash(
        world.channel,
        "facts set",
        year=2026,
        figure="ira_limit",
        value="7600",
        source_url=NOTICE,
        source_title="IRS Notice \u202e99-6202",
    )
    world.acknowledge_errors()
    assert "**source_title**: must not contain invisible or text-direction characters" in refused.response.content
    await world.mod.slash(
        world.channel,
        "facts set",
        year=2026,
        figure="ira_limit",
        value="7600",
        source_url=NOTICE,
        source_title="ＩＲＳ  Notice 2026-99",  # full-width letters, two spaces
    )
    [saved] = await world.bot.repo.list_overrides(world.guild.id)
    assert saved.title == "IRS Notice 2026-99"


async def test_a_huge_value_in_facts_set_is_refused_not_left_thinking(world):
    for value in ("1e30", "123456789012345678901234567890", "NaN", "Infinity"):
        result = await world.mod.slash(
            world.channel, "facts set", year=2026, figure="ira_limit", value=value, source_url=NOTICE
        )
        assert result.response.content.startswith("**value**:"), (value, result.response.content)
    world.acknowledge_errors()
    assert await world.bot.repo.list_overrides(world.guild.id) == []
