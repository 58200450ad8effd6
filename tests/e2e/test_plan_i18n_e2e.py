"""/plan through SimCord for members whose Discord is in Spanish (es-419 and es-ES): the answer, its chart, an error
and a shared post, each in the right language; every request body is checked against Discord's API description
by the e2e harness, so a translated answer that broke a limit would fail here."""

from __future__ import annotations

import pytest

import bot.i18n
from bot.replies import embed_size
from knowledge.errors import InputError

from ..test_plan_i18n import LONG_YEAR_OPTIONS, LONG_YEAR_PLAN, NOTICE_2025_67, plan_misses
from .locale import member_locale
from .test_plan_e2e import PLAN_2026, command, png_of

NBSP = "\xa0"


@pytest.fixture
def misses():
    before = set(bot.i18n.MISSES)
    yield lambda: plan_misses(bot.i18n.MISSES - before)


def field(embed, name: str) -> str:
    return "\n".join(f.value for f in embed.fields if f.name.startswith(name))


async def test_plan_in_latin_american_spanish(world, misses):
    with member_locale("es-419"):
        result = await world.alice.slash(world.channel, "plan", **PLAN_2026)
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Elecciones de nómina para tus últimos 6 pagos de 2026"
    assert "Aportación diferida (antes de impuestos + Roth): **13%** de cada pago" in embed.description
    assert "After-tax: elige **70%** ahora; después del pago 3 cámbiala a **69%**" in embed.description
    assert "→ USD\xa029,190 de los USD\xa029,240 de margen after-tax" in embed.description
    assert "… 2: igual" in field(embed, "Calendario")
    assert "→ después del pago 3, cambia la elección after-tax a 69%" in field(embed, "Calendario")
    assert "inmediatamente superior" not in field(embed, "Advertencias")  # the plan enters 70% itself
    assert NOTICE_2025_67 in field(embed, "Fuentes")
    [attachment] = result.response.attachments
    assert attachment.description.startswith("Gráfico de líneas de 6 pagos: tus aportaciones diferidas suben de")
    await png_of(attachment)
    assert misses() == []


async def test_plan_in_spanish_from_spain(world, misses):
    with member_locale("es-ES"):
        result = await world.alice.slash(world.channel, "plan", election_unit="tenths", **PLAN_2026)
    embed = result.response.embeds[0]
    assert embed.title == "Elecciones de nómina para tus últimos 6 pagos de 2026"
    assert f"elige **13,1{NBSP}%** ahora; después del pago 5 cámbiala a **13{NBSP}%**" in embed.description
    assert f"Aportaciones anuales a fin de año: 71.994{NBSP}US$ del límite del 415(c) de 72.000{NBSP}US$" in (
        embed.description
    )
    assert NOTICE_2025_67 in field(embed, "Fuentes")
    assert result.response.attachments[0].description.startswith("Gráfico de líneas")
    assert misses() == []


async def test_the_longest_plan_in_spanish_stays_within_discords_limits(world, misses):
    await world.env.advance_time(11)  # past the cooldown of the tests before, if any share the member
    with member_locale("es-ES"):
        await world.alice.slash(world.channel, "profile plan", **LONG_YEAR_PLAN)
        result = await world.alice.slash(world.channel, "plan", **LONG_YEAR_OPTIONS)
    embed = result.response.embeds[0]
    assert embed.title == "Elecciones de nómina para tus últimos 53 pagos de 2026"
    assert embed_size(embed) <= 6000 and len(embed.fields) <= 25
    assert all(len(f.value) <= 1024 and len(f.name) <= 256 for f in embed.fields)
    assert len(embed.description) <= 4096
    assert "(shortened to fit Discord)" not in embed.footer.text
    warnings = field(embed, "Advertencias")
    assert "Pide a tu plan que te confirme:" in warnings and f"el tope after-tax del 10{NBSP}% de cada pago" in warnings
    assert len(result.response.attachments[0].description) <= 1024
    assert misses() == []


async def test_a_plan_error_in_spanish(world, misses):
    with member_locale("es-419"):
        result = await world.alice.slash(
            world.channel, "plan", **PLAN_2026 | dict(pay_frequency="monthly", paychecks_left=13)
        )
    assert result.ephemeral
    assert result.response.content.startswith("**paychecks_left**: una nómina mensual tiene 12 pagos al año")
    [error] = world.acknowledge_errors()
    assert isinstance(error, InputError)
    assert misses() == []


async def test_a_shared_plan_is_posted_in_the_servers_language(world, misses):
    # A Spanish-speaking member in an English-speaking server: the channel reads English.
    with member_locale("es-419"):
        await world.alice.slash(world.channel, "plan", share=True, chart=False, **PLAN_2026)
    message = world.channel.last_message
    assert message.embeds[0].title == "Payroll elections for your last 6 paychecks of 2026"
    await world.env.advance_time(11)
    # An English-speaking member in a Spanish-speaking server: the channel reads Spanish, the chart too.
    with member_locale("en-US", guild_locale="es-ES"):
        await world.alice.slash(world.channel, "plan", share=True, **PLAN_2026)
    message = world.channel.last_message
    assert message.embeds[0].title == "Elecciones de nómina para tus últimos 6 pagos de 2026"
    assert message.attachments[0].description.startswith("Gráfico de líneas")
    assert misses() == []


async def test_plan_choices_are_offered_in_spanish(world):
    options = {o["name"]: o for o in command(world.env, "plan")["options"]}
    names = {c["value"]: c.get("name_localizations", {}) for c in options["pay_frequency"]["choices"]}
    assert names["monthly"]["es-419"] == "mensual" and names["monthly"]["es-ES"] == "mensual"
    assert names["biweekly"]["de"] == "alle zwei Wochen" and names["semi-monthly"]["fr"] == "deux fois par mois"
    units = {c["value"]: c.get("name_localizations", {}) for c in options["election_unit"]["choices"]}
    assert units["tenths"]["es-419"] == "décimas de porcentaje"
    assert options["pay_frequency"]["description_localizations"]["es-419"].startswith("Cada cuánto cobras")
