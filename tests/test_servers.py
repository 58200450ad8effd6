"""Servers counted from READY rather than kept as discord.py's Guild objects (bot/servers.py): the count the ready
line, the heartbeat and the metrics print, with no memory per server. (A real bot process answering in a server
READY listed: tests/test_start.py; the memory itself: scripts/bench_rss.py.)"""

from __future__ import annotations

from types import SimpleNamespace

from bot import create_bot
from bot.servers import ServerCount, server_count

from .conftest import make_settings
from .tools.standin_discord import APP_ID, BOT_ID, guild_ids, shard_of, user


def ready(ids: list[str], shard: list[int] | None = None) -> dict:
    data = {
        "v": 10,
        "user": user(BOT_ID, "RothRoom", True),
        "session_id": "session",
        "resume_gateway_url": "wss://gateway.invalid",
        "guilds": [{"id": g, "unavailable": True} for g in ids],
        "application": {"id": APP_ID, "flags": 0},
    }
    if shard is not None:
        data["shard"] = shard
    return data


def test_ready_is_counted_per_shard_and_passed_on_without_its_servers():
    passed: list[dict] = []
    state = SimpleNamespace(parsers={"READY": passed.append, "RESUMED": print})
    count = ServerCount()
    assert count.install(state) and count.installed
    assert state.parsers["RESUMED"] is print  # only READY is wrapped

    state.parsers["READY"](ready(guild_ids(3), [0, 2]))
    state.parsers["READY"](ready(guild_ids(4), [1, 2]))
    assert len(count) == 7 and count.by_shard == {0: 3, 1: 4}
    assert [p["guilds"] for p in passed] == [[], []]
    assert passed[0] | {"guilds": "x"} == ready(guild_ids(3), [0, 2]) | {"guilds": "x"}  # the rest as it came

    state.parsers["READY"](ready(guild_ids(1), [1, 2]))  # shard 1's new session: its number is replaced
    assert len(count) == 4
    state.parsers["READY"](ready(guild_ids(5)))  # an unsharded READY carries no "shard": shard 0
    assert count.by_shard == {0: 5, 1: 1}


def test_without_a_ready_parser_to_wrap_the_count_is_discord_pys_cache():
    bot = SimpleNamespace(servers=ServerCount(), guilds=["a", "b"])
    assert not bot.servers.install(SimpleNamespace())
    assert not bot.servers.install(SimpleNamespace(parsers={}))
    assert server_count(bot) == 2
    assert server_count(SimpleNamespace(guilds=["a"])) == 1  # a bot without the counter at all


def _feed_ready(bot, data: dict) -> None:
    """READY through discord.py's parser table, as the gateway hands it over; the ready-wait tasks discord.py
    starts are cancelled (no gateway here). discord.py's private state is touched only here."""
    state = bot._connection
    state.parsers["READY"](data)
    for task in [state._ready_task, *getattr(state, "_ready_tasks", {}).values()]:
        if task is not None:
            task.cancel()


async def test_the_bot_keeps_no_guild_object_for_readys_servers():
    ids = guild_ids(10)
    plain = create_bot(make_settings(), database_url="sqlite:///:memory:")
    async with plain:
        _feed_ready(plain, ready(ids))
        assert server_count(plain) == 10 and not plain.guilds
    sharded = create_bot(make_settings(shard_count=2), database_url="sqlite:///:memory:")
    async with sharded:
        for shard in (0, 1):
            _feed_ready(sharded, ready([g for g in ids if shard_of(g, 2) == shard], [shard, 2]))
        assert server_count(sharded) == 10 and not sharded.guilds
        assert sorted(sharded.servers.by_shard) == [0, 1]
