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


async def test_help_lists_what_each_reader_may_run_as_clickable_mentions(world):
    synced = world.env.backend.commands[None]
    assert {"help", "about", "room", "profile", "facts"} <= {name for name, _type in synced}
    for member, moderator in ((world.alice, False), (world.mod, True)):
        result = await member.slash(world.channel, "help")
        assert result.ephemeral and world.channel.last_message is None
        text = embed_text(result.response.embeds[0])
        for (name, _type), payload in synced.items():
            mention = f"</{name}:{payload['id']}>"  # Discord's id from the sync: a clickable command mention
            subcommands = [o for o in payload.get("options", []) if o["type"] == 1]  # SUB_COMMAND
            lines = (
                [f"</{name} {sub['name']}:{payload['id']}> — {sub['description']}" for sub in subcommands]
                if subcommands
                else [f"{mention} — {payload['description']}"]
            )
            for line in lines:
                # Moderators' commands only for moderators, marked so; members' commands for everyone.
                assert (line in text) == (moderator or name != "facts"), (member, line)
        assert ("*(moderators)*" in text) == moderator
        assert "`/room`" not in text  # no plain names once Discord's ids are known


async def test_help_in_the_bots_dm_leaves_out_server_only_commands(world):
    result = await world.alice_user.slash("help")
    text = embed_text(result.response.embeds[0])
    assert "</room:" in text and "</facts" not in text


async def test_help_fetches_the_command_ids_once_after_a_restart_without_a_sync(world):
    await world.restart()  # same command set: no sync, so the ids are asked of Discord
    assert getattr(world.bot, "command_ids", None) is None
    before = len(world.env.http_requests)
    text = embed_text((await world.alice.slash(world.channel, "help")).response.embeds[0])
    fetched = [r for r in world.env.http_requests[before:] if r.method == "GET" and r.path.endswith("/commands")]
    assert len(fetched) == 1 and "</room:" in text
    await world.alice.slash(world.channel, "help")
    assert len([r for r in world.env.http_requests[before:] if r.path.endswith("/commands")]) == 1  # cached


async def test_help_command_explains_one_command_with_its_options_and_an_example(world):
    result = await world.alice.slash(world.channel, "help", command="room")
    embed = result.response.embeds[0]
    text = embed_text(embed)
    room = world.bot.tree.get_command("room")
    assert result.ephemeral and embed.title == "/room"
    for param in room.parameters:  # every option, read from the tree (the options may change; this follows)
        assert f"`{param.name}` (optional): {param.description}" in text
    assert "Example: `/room year:2025 age:45 compensation:200000" in text
    # A group: each subcommand with its options.
    text = embed_text((await world.alice.slash(world.channel, "help", command="profile")).response.embeds[0])
    assert "/profile set" in text and "/profile delete" in text and "Example: `/profile show`" in text
    # A moderator's command is not explained to a member, who cannot run it; a moderator gets it.
    refused = await world.alice.slash(world.channel, "help", command="facts set")
    assert "no command named facts set here" in refused.response.content
    text = embed_text((await world.mod.slash(world.channel, "help", command="facts set")).response.embeds[0])
    assert "`figure` (required)" in text and "`note` (optional)" in text
    world.acknowledge_errors()


async def test_help_command_autocompletes_only_what_the_reader_may_run(world):
    names = [c["value"] for c in await world.alice.autocomplete(world.channel, "help", "command", "")]
    assert "room" in names and "profile set" in names and not any(n.startswith("facts") for n in names)
    names = [c["value"] for c in await world.mod.autocomplete(world.channel, "help", "command", "fa")]
    assert "facts set" in names


async def test_about_carries_the_invite_links(world):
    text = embed_text((await world.alice.slash(world.channel, "about")).response.embeds[0])
    app = world.bot.application_id
    assert (
        f"[To a server](https://discord.com/oauth2/authorize?client_id={app}&scope=bot+applications.commands"
        "&permissions=19456)"
    ) in text
    assert (
        f"[to your own account](https://discord.com/oauth2/authorize?client_id={app}&scope=applications.commands"
        "&integration_type=1)"
    ) in text


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
    assert (
        help_.startswith("Comandos de Roth Room") and "/ping:" in help_ and "> — Comprueba que el bot funciona" in help_
    )
    assert pong.startswith("¡Pong! Latencia del gateway:")
    assert not MISSES, sorted(MISSES)  # every message on the way had its Spanish


async def test_sources_count_the_figures_of_a_source_citing_many_instead_of_naming_each(world):
    from bot.i18n import MISSES

    result = await world.alice.slash(world.channel, "limits", year=2026)
    embed = result.response.embeds[0]
    sources = "\n".join(f.value for f in embed.fields if f.name.startswith("Sources")).splitlines()
    # Every 2026 figure comes from one notice: one line, counted; the figures are named once, in the answer.
    count = len(load_facts().year(2026).figures)
    assert sources == [f"[IRS Notice 2025-67](https://www.irs.gov/pub/irs-drop/n-25-67.pdf): all {count} figures"]
    # A server's change is named on its own line; the notice's other figures are counted.
    await world.mod.slash(
        world.channel, "facts set", year=2026, figure="hce_threshold_414q", value="165000", source_url=NOTICE
    )
    embed = (await world.alice.slash(world.channel, "limits", year=2026)).response.embeds[0]
    sources = "\n".join(f.value for f in embed.fields if f.name.startswith("Sources")).splitlines()
    assert sources[0].startswith(f"[IRS Notice 2026-99]({NOTICE}): 414(q) HCE pay threshold — updated by this server")
    assert (
        sources[1]
        == f"[IRS Notice 2025-67](https://www.irs.gov/pub/irs-drop/n-25-67.pdf): the other {count - 1} figures"
    )
    # /room, citing a few figures, still names them.
    room = await world.alice.slash(
        world.channel,
        "room",
        year=2025,
        age=45,
        compensation="200000",
        employee_deferrals="23500",
        employer_contributions="10000",
        chart=False,
    )
    text = "\n".join(f.value for f in room.response.embeds[0].fields)
    assert "402(g) elective deferral limit, 415(c) annual additions limit" in text
    MISSES.clear()
    with member_locale("es-419"):
        embed = (await world.alice.slash(world.channel, "limits", year=2025, share=False)).response.embeds[0]
    assert "n-24-80.pdf): las 12 cifras" in "\n".join(f.value for f in embed.fields) and not MISSES
