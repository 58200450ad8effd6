"""/room and /limits for members whose Discord is in Spanish (es-419, es-ES), through real discord.py dispatch in
SimCord: replies in the member's language, public posts in the server's, errors in Spanish naming the option."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from babel.numbers import format_currency

from bot import i18n
from knowledge.errors import InputError

from .conftest import ROOM_2025
from .locale import member_locale

NOTICE_2024_80 = "[IRS Notice 2024-80](https://www.irs.gov/pub/irs-drop/n-24-80.pdf)"


def dollars(amount: int, tag: str) -> str:
    """A whole-dollar amount as babel writes US dollars for this locale, without the cents, and with CLDR's
    currency spacing (a no-break space between a letter symbol and a digit), which babel leaves out."""
    text = format_currency(Decimal(amount), "USD", locale=tag.replace("-", "_"))
    return re.sub(r"(?<=[A-Z])(?=\d)", "\u00a0", re.sub(r"[.,]00(?=\D*$)", "", text))


@pytest.fixture
def no_misses():
    """Every message these commands ask the Spanish catalog for is there."""
    i18n.MISSES.clear()
    yield
    assert not i18n.MISSES, f"untranslated: {sorted(m for _, m in i18n.MISSES)}"


def field(embed, name: str) -> str:
    return next(f.value for f in embed.fields if f.name == name)


@pytest.mark.parametrize("tag,room", [("es-419", "USD\xa036,500"), ("es-ES", "36.500\xa0US$")])
async def test_room_answers_in_spanish_with_the_same_figure_and_citation(world, tag, room, no_misses):
    assert dollars(36500, tag) == room  # what babel gives for the locale, always US dollars
    with member_locale(tag):
        result = await world.alice.slash(world.channel, "room", **ROOM_2025)
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == f"Margen after-tax para 2025: {room}"
    assert f"Límite de aportaciones anuales del 415(c) para 2025: **{dollars(70000, tag)}**" in embed.description
    assert f"Margen bajo el 415(c): **{room}**" in embed.description
    assert NOTICE_2024_80 in field(embed, "Fuentes")
    assert "No se sabe si eres HCE" in field(embed, "Advertencias")
    assert f"{dollars(200000, tag)}" in field(embed, "Cantidades usadas")
    assert embed.footer.text.endswith("Solo tú puedes ver esto; share:true lo publica en el canal.")
    assert world.channel.last_message is None


async def test_shared_room_follows_the_server_language_and_private_the_members(world, no_misses):
    # The server's language (guild_locale) is English: what everyone in the channel reads is English.
    with member_locale("es-419", guild_locale="en-US"):
        shared = await world.alice.slash(world.channel, "room", share=True, **ROOM_2025)
        private = await world.alice.slash(world.channel, "room", **ROOM_2025)
    assert not shared.ephemeral
    posted = world.channel.last_message.embeds[0]
    assert posted.title == "After-tax room for 2025: $36,500"
    assert NOTICE_2024_80 in field(posted, "Sources")
    assert posted.footer.text.endswith("Posted in the channel; share:false shows it to you only.")
    # The same member's private answer is in their own language.
    assert private.ephemeral
    assert private.response.embeds[0].title == "Margen after-tax para 2025: USD\xa036,500"
    # And the other way round: an English-speaking member in a Spanish server posts in Spanish.
    with member_locale("en-US", guild_locale="es-ES"):
        await world.alice.slash(world.channel, "room", share=True, **ROOM_2025)
    assert world.channel.last_message.embeds[0].title == "Margen after-tax para 2025: 36.500\xa0US$"


@pytest.mark.parametrize("tag", ["es-419", "es-ES"])
async def test_errors_are_in_spanish_and_name_the_option(world, tag, no_misses):
    with member_locale(tag):
        over_pay = await world.alice.slash(
            world.channel,
            "room",
            year=2025,
            age=45,
            compensation="200000",
            employee_deferrals="250000",
            employer_contributions="0",
        )
        unknown_year = await world.alice.slash(
            world.channel, "room", year=2031, age=40, compensation="1000", employer_contributions="0", share=True
        )
    assert over_pay.ephemeral and unknown_year.ephemeral  # errors go to the member alone, share or not
    assert over_pay.response.content == (
        "**employee_deferrals**: tus aportaciones diferidas más tus aportaciones after-tax "
        f"({dollars(250000, tag)}) no pueden superar tu salario de este empleador ({dollars(200000, tag)})"
    )
    assert unknown_year.response.content == (
        "**year**: no hay cifras del IRS para 2031; años disponibles: 2022, 2023, 2024, 2025, 2026"
    )
    assert world.channel.last_message is None
    errors = world.acknowledge_errors()
    assert len(errors) == 2 and all(isinstance(e, InputError) for e in errors)


@pytest.mark.parametrize("tag", ["es-419", "es-ES"])
async def test_limits_in_spanish(world, tag, no_misses):
    with member_locale(tag):
        private = await world.alice.slash(world.channel, "limits", year=2026, share=False)
    assert private.ephemeral
    embed = private.response.embeds[0]
    assert embed.title == "Límites del IRS para planes de jubilación en 2026"
    figures = field(embed, "Cifras")
    assert (
        f"**Límite de aportaciones anuales del 415(c)**: {dollars(72000, tag)} "
        f"(+{dollars(2000, tag)} respecto a {dollars(70000, tag)} en 2025)"
    ) in figures
    assert "IRS Notice 2025-67" in field(embed, "Fuentes")
    assert embed.footer.text == "Solo tú puedes ver esto; share:true lo publica en el canal."
    # /limits posts in the channel by default: in the server's language.
    with member_locale(tag, guild_locale=tag):
        await world.alice.slash(world.channel, "limits", year=2026)
    posted = world.channel.last_message.embeds[0]
    assert posted.title == "Límites del IRS para planes de jubilación en 2026"
    assert posted.footer.text == "Publicado en el canal; share:false te lo muestra solo a ti."


@pytest.mark.parametrize("tag", ["es-419", "es-ES"])
async def test_explain_in_spanish_with_spanish_autocomplete_and_the_same_sources(world, tag, no_misses):
    with member_locale(tag, guild_locale=tag):
        choices = await world.alice.autocomplete(world.channel, "explain", "topic", "retiro sin dejar")
        assert [c["value"] for c in choices] == ["conversion-vs-withdrawal"]
        assert choices[0]["name"] == "Conversión dentro del plan o retiro sin dejar el empleo"
        result = await world.alice.slash(world.channel, "explain", topic="mega-backdoor")
    embed = result.response.embeds[0]
    assert embed.title == "Qué es el mega backdoor Roth"
    sources = field(embed, "Fuentes")
    assert "[IRS Notice 2014-54](https://www.irs.gov/pub/irs-drop/n-14-54.pdf)" in sources
    assert "{" not in embed.description  # every figure filled
    assert embed.footer.text.endswith("share:false te lo muestra solo a ti.")  # posted in the channel by default


async def test_a_shared_explain_reads_in_the_servers_language(world, no_misses):
    # Found by its Spanish title; posted in an English-language server, so the channel reads it in English.
    with member_locale("es-419", guild_locale="en-US"):
        result = await world.alice.slash(world.channel, "explain", topic="Qué es el mega backdoor Roth")
    embed = result.response.embeds[0]
    assert embed.title == "What the mega backdoor Roth is"
    assert "IRS Notice 2014-54" in field(embed, "Sources")
