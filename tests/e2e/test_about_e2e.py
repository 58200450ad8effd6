"""/help and /about through real discord.py dispatch in SimCord: ephemeral, true to the synced commands, the
version, the figures in force for this server and what /profile delete erases."""

from __future__ import annotations

from datetime import date
from importlib.metadata import version

from bot.version import __version__
from commands._common import default_year
from knowledge.facts import load_facts
from knowledge.profile import PlanProfile

from ..helpers import raw_rows
from .locale import member_locale

NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"


def embed_text(embed) -> str:
    return "\n".join([embed.title or "", embed.description or ""] + [f"{f.name}\n{f.value}" for f in embed.fields])


async def test_help_lists_every_synced_command_and_subcommand_with_its_description(world):
    result = await world.alice.slash(world.channel, "help")
    assert result.ephemeral and world.channel.last_message is None
    text = embed_text(result.response.embeds[0])
    synced = world.env.backend.commands[None]
    assert {"help", "about", "room", "profile", "facts"} <= {name for name, _type in synced}
    for (name, _type), payload in synced.items():
        subcommands = [o for o in payload.get("options", []) if o["type"] == 1]  # SUB_COMMAND
        if subcommands:
            for sub in subcommands:
                assert f"`/{name} {sub['name']}` — {sub['description']}" in text
        else:
            assert f"`/{name}` — {payload['description']}" in text
    # Moderators' commands say so; members' commands do not.
    assert "`/facts set` — " in text and "*(moderators)*" in text.split("`/facts set` — ", 1)[1].splitlines()[0]
    assert "*(moderators)*" not in text.split("`/room` — ", 1)[1].splitlines()[0]


async def test_about_shows_version_years_and_the_figures_in_force_with_sources(world):
    result = await world.alice.slash(world.channel, "about")
    assert result.ephemeral and world.channel.last_message is None
    embed = result.response.embeds[0]
    text = embed_text(embed)
    assert __version__ == version("roth-room")  # one version: pyproject reads bot/version.py
    assert embed.title == f"About Roth Room {__version__}"
    facts = load_facts()
    year = default_year(facts, date.today())
    years = facts.known_years()
    assert f"Tax years with figures: **{years[0]}–{years[-1]}**; commands use **{year}**" in text
    for fig in facts.year(year).figures.values():
        assert f"[{fig.citation.title}]({fig.citation.url})" in text


async def test_about_cites_this_servers_moderator_update(world):
    year = default_year(load_facts(), date.today())
    await world.mod.slash(
        world.channel, "facts set", year=year, figure="hce_threshold_414q", value="165000", source_url=NOTICE
    )
    text = embed_text((await world.alice.slash(world.channel, "about")).response.embeds[0])
    assert f"({NOTICE}): 414(q) HCE pay threshold — updated by this server's moderators on" in text


async def test_about_names_everything_a_profile_stores_and_delete_erases_it(world):
    text = embed_text((await world.alice.slash(world.channel, "about")).response.embeds[0])
    stored = text.split("What is stored about you\n", 1)[1].split("\n", 1)[0]
    # Every field the profile model can hold is named (a field added later shows up here too).
    assert stored.count("; ") == len(PlanProfile.model_fields) - 1
    assert "Pay from this employer" in stored and "Match formula" in stored
    assert "`/profile delete` erases the record" in text
    # ... and it does: after set + delete nothing about alice is left.
    await world.alice.slash(world.channel, "profile set", compensation="150000", match_formula="50% up to 6%")
    assert await raw_rows(world.db_url, "SELECT * FROM profiles") != []
    await world.alice.slash(world.channel, "profile delete")
    assert await raw_rows(world.db_url, "SELECT * FROM profiles") == []


async def test_about_help_and_ping_in_the_members_spanish(world):
    from bot.i18n import MISSES

    MISSES.clear()
    with member_locale("es-419"):
        about = embed_text((await world.alice.slash(world.channel, "about")).response.embeds[0])
        help_ = embed_text((await world.alice.slash(world.channel, "help")).response.embeds[0])
    with member_locale("es-ES"):
        pong = (await world.alice.slash(world.channel, "ping")).response.content
    assert about.startswith(f"Acerca de Roth Room {__version__}")
    assert "Completos (comandos y respuestas): inglés y español." in about
    assert "Descripciones de los comandos traducidas; respuestas aún en inglés: alemán y francés." in about
    assert help_.startswith("Comandos de Roth Room") and "`/ping` — Comprueba que el bot funciona" in help_
    assert pong.startswith("¡Pong! Latencia del gateway:")
    assert not MISSES, sorted(MISSES)  # every message on the way had its Spanish
