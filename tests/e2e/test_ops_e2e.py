"""Operations through the real bot in SimCord: the ready line, the heartbeat and Prometheus metrics."""

from __future__ import annotations

import asyncio
import logging
import urllib.request

import pytest
import pytest_asyncio

from bot import create_bot
from bot.version import __version__

from ..conftest import make_settings
from .conftest import ROOM_2025


@pytest.fixture
def heartbeat_path(tmp_path):
    return tmp_path / "heartbeat"


@pytest_asyncio.fixture
async def simcord_bot(db_url, heartbeat_path):
    # Metrics on an ephemeral loopback port, and a heartbeat file: what an operator turns on.
    bot = create_bot(make_settings(metrics_port=0, heartbeat_file=str(heartbeat_path)), database_url=db_url)
    yield bot
    bot.heartbeat.stop()
    if bot.metrics:
        bot.metrics.close()
    await bot.close_storage()


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return response.read().decode()


def sample(bot, name, **labels) -> float | None:
    return bot.metrics.registry.get_sample_value(name, labels)


async def test_ready_line_names_user_servers_shards_version_and_storage(world, caplog):
    caplog.set_level(logging.INFO, logger="bot.app")
    await world.bot.on_ready()  # SimCord dispatched it at start, before caplog could listen; the line is the same
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.app" and r.getMessage().startswith("ready:")]
    backend = "postgresql" if world.db_url.startswith("postgresql") else "sqlite"
    schema = await world.bot.repo.schema_version()
    assert lines == [
        # No guild cache (Intents.none()): servers are known only from READY's list, and this one was created after
        # the bot connected, so it is not counted (an interactions bot never needs the count to answer).
        f"ready: {world.bot.user} (id {world.bot.user.id}) in 0 servers, 1 shard, version {__version__}, "
        f"storage {backend} schema {schema}, invite https://discord.com/oauth2/authorize?"
        f"client_id={world.bot.application_id}&scope=bot+applications.commands&permissions=19456"
    ]
    assert schema >= 1


async def test_heartbeat_is_written_when_connected_and_storage_answers(world, heartbeat_path):
    from bot.health import check

    heartbeat_path.unlink(missing_ok=True)
    assert await world.bot.heartbeat.beat()
    ok, message = check(str(heartbeat_path))
    assert (
        ok and message.startswith("healthy: heartbeat ") and " s ago, ok servers=0 latency_ms=" in message
    )  # see above


async def test_no_heartbeat_while_the_gateway_is_disconnected_or_storage_is_down(world, heartbeat_path):
    beat = world.bot.heartbeat
    heartbeat_path.unlink(missing_ok=True)
    world.bot.dispatch("disconnect")
    await world.env.settle()
    assert await beat.healthy() == "gateway disconnected (main)"
    assert not await beat.beat() and not heartbeat_path.exists()
    world.bot.dispatch("resumed")
    await world.env.settle()
    assert await beat.healthy() is None

    await world.bot.repo.close()  # storage gone: the heartbeat stops, so the file ages and health fails
    problem = await beat.healthy()
    assert problem is not None and problem.startswith("storage does not answer")
    assert not await beat.beat() and not heartbeat_path.exists()
    world.bot.repo = None  # already closed


async def test_metrics_count_interactions_by_outcome_with_latency_storage_and_guilds(world):
    bot = world.bot
    await world.alice.slash(world.channel, "room", **ROOM_2025)
    await world.alice.slash(world.channel, "room", year=2025, age=45, compensation="lots")  # refused
    world.acknowledge_errors()
    await world.alice.slash(world.channel, "ping")
    assert sample(bot, "roth_room_interactions_total", command="room", outcome="ok") == 1
    assert sample(bot, "roth_room_interactions_total", command="room", outcome="refused") == 1
    assert sample(bot, "roth_room_interactions_total", command="ping", outcome="ok") == 1
    assert sample(bot, "roth_room_interaction_seconds_count", command="room") == 2
    assert sample(bot, "roth_room_storage_seconds_count", operation="get_profile") >= 1  # the answered /room read it
    assert sample(bot, "roth_room_guilds") == 0  # from READY's list only: no guild cache (see the ready line)
    assert sample(bot, "roth_room_info", version=__version__) == 1

    # The same over HTTP, as Prometheus scrapes it.
    body = await asyncio.to_thread(scrape, bot.metrics.port)
    assert 'roth_room_interactions_total{command="room",outcome="ok"} 1.0' in body
    assert "roth_room_gateway_latency_seconds" in body


async def test_discord_errors_are_counted_by_code(world):
    world.env.inject_error(
        "POST",
        "/interactions/*/*/callback",
        status=400,
        code=40060,
        message="Interaction has already been acknowledged.",
    )
    await world.alice.slash(world.channel, "ping")
    world.acknowledge_errors()
    assert sample(world.bot, "roth_room_discord_errors_total", status="400", code="40060") == 1
    assert sample(world.bot, "roth_room_interactions_total", command="ping", outcome="discord_error") == 1
