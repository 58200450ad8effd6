"""/facts for Spanish-speaking moderators through the real command tree: replies, refusals, the confirmation and its
buttons in the moderator's language (es-419 and es-ES), announcements in the server's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import discord
import pytest

from bot import clock, i18n
from bot.formatting import formatter
from commands._facts_render import percent
from commands._render import unescape

from ..test_packs import pack_2027
from .locale import member_locale
from .test_facts_e2e import NOTICE, db_state, set_fact
from .test_rollover_e2e import operator_import

NOTICE_2026 = "[IRS Notice 2025-67](https://www.irs.gov/pub/irs-drop/n-25-67.pdf)"


@pytest.fixture(autouse=True)
def autumn_2026(monkeypatch):
    """2027's figures may be set (up to next year), and 2026 is the current year."""
    monkeypatch.setattr(clock, "today", lambda: date(2026, 10, 15))


@pytest.mark.parametrize("locale", ["es-419", "es-ES"])
async def test_a_spanish_moderator_reads_facts_in_spanish(world, locale):
    f = formatter(locale)
    i18n.MISSES.clear()
    with member_locale(locale):
        show = (await world.mod.slash(world.channel, "facts show", year=2026)).response
        [page] = show.embeds
        assert show.ephemeral and page.title == "Cifras de 2026 en este servidor"
        limit = f"**Límite de aportaciones anuales del 415(c)** (`annual_additions_415c`): {f.money(Decimal(72000))}"
        assert f"{limit} · {NOTICE_2026} · incluida con el bot" in page.description
        assert page.footer.text.startswith("Las cifras incluidas vienen con el bot")

        # refused: 402(g) above 2026's 415(c); nothing written, the reason in Spanish with Spanish amounts
        refused = await set_fact(world, "deferral_limit_402g", "80000", year=2026)
        text = unescape(refused.response.content)
        assert refused.ephemeral and text == (
            "**value**: no es coherente con las demás cifras de 2026: deferral_limit_402g: el 415(c) debe ser mayor "
            f"que el 402(g) ({f.money(Decimal(80000))} frente a annual_additions_415c {f.money(Decimal(72000))})"
        )
        assert await db_state(world) == ([], [])
        world.acknowledge_errors()

        # a jump of more than 15 % waits for the moderator's Spanish "yes"
        asked = (await set_fact(world, "deferral_limit_402g", "30000")).response
        jump = percent(Decimal(5500) / 24500, f, signed=True)
        assert asked.content == (
            f"⚠️ Límite de aportaciones diferidas electivas del 402(g) de 2027: {f.money(Decimal(30000))} supone una "
            f"variación de {jump} respecto a {f.money(Decimal(24500))} en 2026 (más de un {percent(Decimal('0.15'), f)})"
            ". ¿Es correcto? No se guarda nada hasta que lo confirmes."
        )
        labels = [c["label"] for row in asked.components for c in row["components"]]
        assert labels == ["Sí, guardarla", "Cancelar"]
        assert await db_state(world) == ([], [])
        await world.mod.click(asked.message, label="Sí, guardarla")
        [saved] = asked.embeds
        assert saved.title == "Cifra actualizada" and asked.components == []
        assert f"sin definir → **{f.money(Decimal(30000))}**" in saved.description
        assert f"[IRS Notice 2026-99]({NOTICE})" in saved.description  # the citation as the moderator gave it
        assert saved.footer.text.startswith("Las respuestas de este servidor ya la usan")
        [override], [change] = await db_state(world)
        assert override.value == 30000 and change.actor_id == world.mod.id

        history = (await world.mod.slash(world.channel, "facts history")).response.embeds[0]
        assert history.title == "Cambios de cifras en este servidor"
        assert f"sin definir → **{f.money(Decimal(30000))}**" in history.description
    assert not i18n.MISSES, sorted(i18n.MISSES)  # every message on the way was in the Spanish catalog


async def test_a_cancelled_confirmation_says_so_in_spanish(world):
    with member_locale("es-ES"):
        asked = (await set_fact(world, "deferral_limit_402g", "30000")).response
        await world.mod.click(asked.message, label="Cancelar")
    assert asked.content == "Cancelado: no se cambió nada." and asked.components == []
    assert await db_state(world) == ([], [])


async def test_an_announcement_is_in_the_servers_language_not_the_moderators(world):
    news = world.guild.create_text_channel("fact-news")
    # A Spanish-speaking moderator in an English-speaking server: replies in Spanish, the channel reads English.
    with member_locale("es-419", guild_locale="en-US"):
        told = (await world.mod.slash(world.channel, "facts announce-channel", channel=news)).response
        assert told.content == f"Los cambios de cifras se anunciarán en <#{news.id}>."
        result = (await set_fact(world, "deferral_limit_402g", "25000")).response
    assert result.content == f"Anunciado en <#{news.id}>." and result.embeds[0].title == "Cifra actualizada"
    [post] = news.history()
    assert post.embeds[0].title == "Fact updated" and "not set → **$25,000**" in post.embeds[0].description
    assert post.embeds[0].footer.text == "Answers in this server use it now; other servers are not affected."

    # An English-speaking moderator in a Spanish-speaking server: the other way round.
    es = formatter("es-ES")
    with member_locale("en-US", guild_locale="es-ES"):
        result = (await set_fact(world, "annual_additions_415c", "74000")).response
    assert result.content == f"Announced in <#{news.id}>." and result.embeds[0].title == "Fact updated"
    [latest] = [m for m in news.history() if m.id != post.id]
    assert latest.embeds[0].title == "Cifra actualizada"
    assert f"sin definir → **{es.money(Decimal(74000))}**" in latest.embeds[0].description


async def test_a_new_year_is_announced_in_the_servers_preferred_language(world):
    guild = world.env.create_guild(name="Finanzas", preferred_locale="es-ES")
    channel = guild.create_text_channel("general")
    news = guild.create_text_channel("novedades")
    mods = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    mod = guild.add_member(world.env.create_user("moderadora"), roles=[mods])
    with member_locale("en-US", guild_locale="es-ES"):
        await mod.slash(channel, "facts announce-channel", channel=news)
    await operator_import(world, pack_2027(deferral_limit_402g=25000, annual_additions_415c=74000))
    world.bot.facts.invalidate()
    await world.bot.get_cog("Rollover").poll()
    await world.env.settle()
    [post] = news.history()
    assert post.embeds[0].title == "Ya están disponibles las cifras del IRS para planes de jubilación de 2027"
    figures = "\n".join(field.value for field in post.embeds[0].fields)
    assert formatter("es-ES").money(Decimal(74000)) in figures and "$74,000" not in figures
