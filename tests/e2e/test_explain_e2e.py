"""/explain for the articles issue 23 added and corrected, through real discord.py dispatch in SimCord: found by
autocomplete, rendered with the year's fact-base figures and their notice, and the article's own trusted sources,
in English and in Spanish."""

from __future__ import annotations

from datetime import date

import pytest

from bot import clock, i18n

from .locale import member_locale


@pytest.fixture
def in_2026(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 1))


@pytest.fixture
def no_misses():
    i18n.MISSES.clear()
    yield
    assert not i18n.MISSES, f"untranslated: {sorted(m for _, m in i18n.MISSES)}"


def field(embed, name: str) -> str:
    return next(f.value for f in embed.fields if f.name == name)


async def test_explain_employer_types_in_english(world, in_2026):
    choices = await world.alice.autocomplete(world.channel, "explain", "topic", "457")
    assert [c["value"] for c in choices] == ["employer-types"]
    result = await world.alice.slash(world.channel, "explain", topic=choices[0]["value"])
    embed = result.response.embeds[0]
    assert embed.title == "Employer types: 403(b), 457(b), groups and solo 401(k)"
    assert "all your 403(b)s share one 415(c) ($72,000 in 2026), even at unrelated employers" in embed.description
    assert "a separate deferral limit ($24,500 in 2026) on top of 402(g)" in embed.description
    sources = field(embed, "Sources")
    assert "(https://www.ecfr.gov/current/title-26/section-1.415%28f%29-1)" in sources
    assert "[IRS Notice 2025-67](https://www.irs.gov/pub/irs-drop/n-25-67.pdf)" in sources
    assert world.channel.last_message.embeds[0].title == embed.title  # /explain posts in the channel by default


async def test_explain_the_corrected_1099r_article_in_english(world, in_2026):
    result = await world.alice.slash(world.channel, "explain", topic="form-1099r")
    text = result.response.embeds[0].description
    assert "- **G**: a direct rollover to an IRA or another plan, or an in-plan Roth rollover" in text
    assert "- **H**: a direct rollover of designated Roth (Roth 401(k)) money to a Roth IRA" in text


@pytest.mark.parametrize(("tag", "ira"), [("es-419", "USD\xa07,500"), ("es-ES", "7.500\xa0US$")])
async def test_explain_backdoor_roth_ira_in_spanish(world, in_2026, no_misses, tag, ira):
    with member_locale(tag, guild_locale=tag):
        choices = await world.alice.autocomplete(world.channel, "explain", "topic", "lado de la ira")
        assert [c["value"] for c in choices] == ["backdoor-roth-ira"]
        assert choices[0]["name"] == "Backdoor Roth IRA frente al mega backdoor: el lado de la IRA"
        result = await world.alice.slash(world.channel, "explain", topic="backdoor-roth-ira")
    embed = result.response.embeds[0]
    assert embed.title == "Backdoor Roth IRA frente al mega backdoor: el lado de la IRA"
    assert f"(hasta {ira}," in embed.description
    assert "Mantén en **cero al 31 de diciembre**" in embed.description
    sources = field(embed, "Fuentes")
    assert "[IRS Notice 2025-67](https://www.irs.gov/pub/irs-drop/n-25-67.pdf)" in sources
    assert "(https://www.law.cornell.edu/uscode/text/26/408)" in sources
