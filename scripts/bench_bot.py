"""Benchmark the bot through discord.py's real dispatch path in SimCord; prints figures, asserts nothing.

    .venv/bin/python scripts/bench_bot.py [--rounds 20] [--guilds 1000] [--database-url postgresql://…]

1. /ping and /room (members with saved profiles), 100 interactions in flight at a time: cost per interaction,
   interactions per second, their ratio, and p50/p99 latency from INTERACTION_CREATE to the reply.
2. The bot's own CPU per interaction: time inside discord.py's command tree, less the simulated Discord's
   handling of the reply's REST call (one interaction at a time, so nothing else runs in between).
3. Peak RSS of a bot process holding 1,000 guilds in its cache (a child process, so phases don't mix).

Everything runs in one process on one event loop, the simulated Discord included, so the end-to-end figures are
an upper bound on the bot's cost. In-flight batches are built with SimCord's internal payload builder, because
its public actors run one operation at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import simcord  # noqa: E402
from simcord import interactions as sim_interactions  # noqa: E402
from simcord.enums import InteractionType  # noqa: E402
from simcord.http import router as sim_router  # noqa: E402

from bot import create_bot  # noqa: E402
from bot.settings import Settings  # noqa: E402

PROFILE = dict(age=45, compensation="200000", employee_deferrals="23500", match_formula="50% up to 6%",
               pay_periods_remaining=10)
IN_FLIGHT = 100  # members, each with a saved profile; /room's cooldown (5 per 10 s) is passed on a virtual clock


METRICS = os.environ.get("ROTH_ROOM_BENCH_METRICS") == "1"  # --metrics: Prometheus metrics on (a free port)


def settings() -> Settings:
    return Settings(_env_file=None, discord_token=None, metrics_port=0 if METRICS else None)


class TreeClock:
    """CPU time spent inside discord.py's command tree per interaction (checks, option parsing, our command, the
    reply's serialisation), less the simulated Discord's handling of the reply's REST call: the bot's own share."""

    def __init__(self, bot) -> None:
        self.total = self.rest = 0.0
        self.calls = 0
        inner = bot.tree._call
        dispatch = sim_router.dispatch

        async def timed(interaction):
            start = time.process_time()
            try:
                return await inner(interaction)
            finally:
                self.total += time.process_time() - start
                self.calls += 1

        def simulated_rest(*args, **kwargs):
            start = time.process_time()
            try:
                return dispatch(*args, **kwargs)
            finally:
                self.rest += time.process_time() - start

        bot.tree._call = timed
        sim_router.dispatch = simulated_rest

    def take(self) -> float:
        per = (self.total - self.rest) / max(self.calls, 1)
        self.total = self.rest = 0.0
        self.calls = 0
        return per


async def sequential(env, members, channel, name: str, n: int) -> None:
    """n interactions one at a time, members taking turns (the virtual clock moves past /room's cooldown)."""
    done = 0
    while done < n:
        for m in members:
            result = await m.slash(channel, name)
            assert result.acknowledged, name
            done += 1
            if done == n:
                break
        await env.advance_time(11)


async def in_flight(env, members, channel, name: str, count: int) -> tuple[list[float], float]:
    """Emit `count` INTERACTION_CREATEs at once, then let the bot answer them all: the latency of each (from
    its INTERACTION_CREATE to its reply reaching Discord) and the wall time from the first to the last reply."""
    backend = env.backend
    command = backend.find_command(name, None, type=1)
    sent: dict[int, float] = {}
    records = []
    for m in members[:count]:
        record, payload = sim_interactions.base_payload(
            backend, type=InteractionType.APPLICATION_COMMAND, channel_id=channel.id, guild_id=channel.guild.id,
            user_id=m.id, data={"id": command["id"], "name": name, "type": 1, "options": []},
        )
        records.append(record)
        sent[int(payload["id"])] = time.perf_counter()
        backend.emit("INTERACTION_CREATE", payload)
    first = min(sent.values())
    await env.settle()
    assert all(r.responded for r in records), name
    done = [env.bot.answered[i] for i in sent]
    return [d - sent[i] for i, d in zip(sent, done, strict=True)], max(done) - first


async def batches(env, members, channel, name: str, rounds: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    wall = 0.0
    for _ in range(rounds):
        await env.advance_time(11)
        batch, took = await in_flight(env, members, channel, name, IN_FLIGHT)
        latencies += batch
        wall += took
    return sorted(latencies), wall


def mark_replies(bot) -> None:
    """Record when each reply reached Discord, by wrapping the response method every command uses."""
    import discord

    original = discord.InteractionResponse.send_message

    async def timed(self, *args, **kwargs):
        result = await original(self, *args, **kwargs)
        bot.answered[self._parent.id] = time.perf_counter()
        return result

    bot.answered = {}
    discord.InteractionResponse.send_message = timed


async def dispatch_phase(rounds: int, database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        bot = create_bot(settings(), database_url=database_url or f"sqlite:///{tmp}/bench.db")
        mark_replies(bot)
        async with simcord.run(bot) as env:
            guild = env.create_guild(name="Bench")
            channel = guild.create_text_channel("general")
            members = [guild.add_member(env.create_user(f"m{i}")) for i in range(IN_FLIGHT)]
            for m in members:
                await m.slash(channel, "profile set", **PROFILE)
            # Warm-up: first-call costs, caches.
            for name in ("ping", "room"):
                await batches(env, members, channel, name, 3)
            gc.collect()
            ping_lat, ping_wall = await batches(env, members, channel, "ping", rounds)
            room_lat, room_wall = await batches(env, members, channel, "room", rounds)
            clock = TreeClock(bot)
            await sequential(env, members, channel, "ping", 1000)
            ping_own = clock.take()
            await sequential(env, members, channel, "room", 1000)
            room_own = clock.take()
            await bot.close_storage()
    total = rounds * IN_FLIGHT
    return {
        "ping_ms": ping_wall / total * 1000,
        "room_ms": room_wall / total * 1000,
        "ping_p50": statistics.median(ping_lat) * 1000,
        "room_p50": statistics.median(room_lat) * 1000,
        "room_p99": room_lat[int(len(room_lat) * 0.99) - 1] * 1000,
        "ping_own_ms": ping_own * 1000,
        "room_own_ms": room_own * 1000,
    }


def peak_rss_mb() -> float:
    """VmHWM: this process's peak resident set. (ru_maxrss would carry the parent's peak across exec.)"""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kb = next(line.split()[1] for line in text.splitlines() if line.startswith("VmHWM:"))
    return int(kb) / 1024


async def rss_phase(guilds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        bot = create_bot(settings(), database_url=f"sqlite:///{tmp}/rss.db")
        before = peak_rss_mb()
        async with simcord.run(bot) as env:
            for g in range(guilds):
                guild = env.create_guild(name=f"server {g}")
                for c in range(5):
                    guild.create_text_channel(f"channel-{c}")
                guild.add_member(env.create_user(f"u{g}"))
            await env.settle()
            cached = len(bot.guilds)
            peak = peak_rss_mb()
            await bot.close_storage()
    return {"guilds": cached, "rss_before_mb": before, "rss_peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="batches of 100 in-flight interactions per command")
    parser.add_argument("--guilds", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--metrics", action="store_true", help="with Prometheus metrics on (METRICS_PORT)")
    parser.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.metrics:
        os.environ["ROTH_ROOM_BENCH_METRICS"] = "1"  # the RSS child process too
        global METRICS
        METRICS = True
    if args.rss_child:
        print(json.dumps(asyncio.run(rss_phase(args.guilds))))
        return

    d = asyncio.run(dispatch_phase(args.rounds, args.database_url))
    child = subprocess.run([sys.executable, __file__, "--rss-child", "--guilds", str(args.guilds)],
                           capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    r = json.loads(child.stdout.strip().splitlines()[-1])
    backend = (args.database_url or "sqlite").split(":")[0]
    print(f"storage: {backend}; metrics {'on' if METRICS else 'off'}; {os.cpu_count()} CPUs; "
          f"Python {sys.version.split()[0]}; "
          f"{args.rounds} x {IN_FLIGHT} interactions in flight per command")
    for name in ("ping", "room"):
        ms = d[f"{name}_ms"]
        print(f"/{name:<4} {ms:.3f} ms per interaction, {1000 / ms:,.0f}/s (end to end, simulated Discord included)")
    print(f"/room costs {d['room_ms'] / d['ping_ms']:.2f}x /ping (target at most 1.5x); target at least 1,000 /room/s")
    print(f"100 /room in flight: p50 {d['room_p50']:.1f} ms, p99 {d['room_p99']:.1f} ms "
          f"(/ping p50 {d['ping_p50']:.1f} ms)")
    print(f"bot's own CPU (discord.py's tree and our code, less the simulated REST): /ping {d['ping_own_ms']:.3f} ms, "
          f"/room {d['room_own_ms']:.3f} ms = {d['room_own_ms'] / d['ping_own_ms']:.2f}x, "
          f"{1000 / d['room_own_ms']:,.0f} /room/s per core")
    print(f"{r['guilds']} guilds cached: peak RSS {r['rss_peak_mb']:.1f} MB (bot and simulated Discord in one "
          f"process; {r['rss_before_mb']:.1f} MB before any guild); target under 90 MB")


if __name__ == "__main__":
    main()
