"""Benchmark the bot through discord.py's real dispatch path in SimCord; prints figures, asserts nothing.

    .venv/bin/python scripts/bench_bot.py [--rounds 20] [--guilds 1000] [--database-url postgresql://…]

1. /ping and /room (members with saved profiles), 100 interactions in flight at a time: cost per interaction,
   interactions per second, their ratio, and p50/p99 latency from INTERACTION_CREATE to the reply. /room is
   measured without its chart (chart:false) and with it, and /plan likewise.
2. /ping p99 alone, and while /room answers run beside it (100 /ping and 100 /room in flight, interleaved): with
   chart:false, then with charts being drawn, so the charts' effect on /ping's latency shows on its own.
3. The bot's own CPU per interaction: time inside discord.py's command tree, less the simulated Discord's
   handling of the reply's REST call (one interaction at a time, so nothing else runs in between).
4. Peak RSS of a bot process holding 1,000 guilds in its cache, then after drawing a /room and a /plan chart
   (Pillow loaded), in a child process so phases don't mix.

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

PROFILE = dict(
    age=45,
    compensation="200000",
    employee_deferrals="23500",
    match_formula="50% up to 6%",
    paychecks_left=10,
    pay_frequency="biweekly",
    ytd_deferrals="19000",
    ytd_employer="5000",
    ytd_after_tax="10000",
)
NO_CHART = [{"name": "chart", "type": 5, "value": False}]
SETTLE = 120.0  # seconds: 100 charts queue for a few seconds on the one drawing thread
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


async def sequential(env, members, channel, name: str, n: int, **options) -> None:
    """n interactions one at a time, members taking turns (the virtual clock moves past /room's cooldown)."""
    done = 0
    while done < n:
        for m in members:
            result = await m.slash(channel, name, **options)
            assert result.acknowledged, name
            done += 1
            if done == n:
                break
        await env.advance_time(11)


def emit(env, member, channel, name: str, options: list) -> tuple[object, int]:
    backend = env.backend
    command = backend.find_command(name, None, type=1)
    record, payload = sim_interactions.base_payload(
        backend,
        type=InteractionType.APPLICATION_COMMAND,
        channel_id=channel.id,
        guild_id=channel.guild.id,
        user_id=member.id,
        data={"id": command["id"], "name": name, "type": 1, "options": options},
    )
    backend.emit("INTERACTION_CREATE", payload)
    return record, int(payload["id"])


async def in_flight(env, members, channel, name: str, count: int, options=()) -> tuple[list[float], float]:
    """Emit `count` INTERACTION_CREATEs at once, then let the bot answer them all: the latency of each (from
    its INTERACTION_CREATE to its reply reaching Discord) and the wall time from the first to the last reply."""
    sent: dict[int, float] = {}
    records = []
    for m in members[:count]:
        start = time.perf_counter()
        record, interaction_id = emit(env, m, channel, name, list(options))
        records.append(record)
        sent[interaction_id] = start
    first = min(sent.values())
    await env.settle(timeout=SETTLE)
    assert all(r.responded for r in records), name
    done = [env.bot.answered[i] for i in sent]
    return [d - sent[i] for i, d in zip(sent, done, strict=True)], max(done) - first


async def mixed(env, members, channel, options: list, rounds: int) -> list[float]:
    """/ping and /room interleaved, 100 of each in flight: /ping's latencies."""
    latencies: list[float] = []
    for _ in range(rounds):
        await env.advance_time(11)
        pings: dict[int, float] = {}
        records = []
        for m in members[:IN_FLIGHT]:
            record, _ = emit(env, m, channel, "room", options)
            records.append(record)
            start = time.perf_counter()
            record, interaction_id = emit(env, m, channel, "ping", [])
            records.append(record)
            pings[interaction_id] = start
        await env.settle(timeout=SETTLE)
        assert all(r.responded for r in records)
        latencies += [env.bot.answered[i] - t for i, t in pings.items()]
    return sorted(latencies)


async def batches(env, members, channel, name: str, rounds: int, options=()) -> tuple[list[float], float]:
    latencies: list[float] = []
    wall = 0.0
    for _ in range(rounds):
        await env.advance_time(11)
        batch, took = await in_flight(env, members, channel, name, IN_FLIGHT, options)
        latencies += batch
        wall += took
    return sorted(latencies), wall


def p99(latencies: list[float]) -> float:
    return latencies[int(len(latencies) * 0.99) - 1] * 1000


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

    # A reply with a chart can come as a follow-up (after "thinking…" when many charts are queued).
    from commands import _charts

    send_with_chart = _charts.send

    async def timed_chart(interaction, *args, **kwargs):
        await send_with_chart(interaction, *args, **kwargs)
        bot.answered[interaction.id] = time.perf_counter()

    _charts.send = timed_chart


async def dispatch_phase(rounds: int, database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        bot = create_bot(settings(), database_url=database_url or f"sqlite:///{tmp}/bench.db")
        mark_replies(bot)
        async with simcord.run(bot) as env:
            env.settle_timeout = SETTLE
            guild = env.create_guild(name="Bench")
            channel = guild.create_text_channel("general")
            members = [guild.add_member(env.create_user(f"m{i}")) for i in range(IN_FLIGHT)]
            for m in members:
                await m.slash(channel, "profile set", **PROFILE)
            # Warm-up: first-call costs, caches, Pillow's import and font.
            for name, options in (("ping", ()), ("room", NO_CHART), ("room", ()), ("plan", NO_CHART), ("plan", ())):
                await batches(env, members, channel, name, 2, options)
            gc.collect()
            ping_lat, ping_wall = await batches(env, members, channel, "ping", rounds)
            room_lat, room_wall = await batches(env, members, channel, "room", rounds, NO_CHART)
            chart_lat, chart_wall = await batches(env, members, channel, "room", rounds)
            plan_lat, plan_wall = await batches(env, members, channel, "plan", rounds, NO_CHART)
            plan_chart_lat, plan_chart_wall = await batches(env, members, channel, "plan", rounds)
            mixed_plain = await mixed(env, members, channel, NO_CHART, rounds)
            mixed_charts = await mixed(env, members, channel, [], rounds)
            clock = TreeClock(bot)
            await sequential(env, members, channel, "ping", 1000)
            ping_own = clock.take()
            await sequential(env, members, channel, "room", 1000, chart=False)
            room_own = clock.take()
            await sequential(env, members, channel, "plan", 500, chart=False)
            plan_own = clock.take()
            await bot.close_storage()
    total = rounds * IN_FLIGHT
    return {
        "ping_ms": ping_wall / total * 1000,
        "room_ms": room_wall / total * 1000,
        "room_chart_ms": chart_wall / total * 1000,
        "plan_ms": plan_wall / total * 1000,
        "plan_chart_ms": plan_chart_wall / total * 1000,
        "ping_p50": statistics.median(ping_lat) * 1000,
        "ping_p99": p99(ping_lat),
        "room_p50": statistics.median(room_lat) * 1000,
        "room_p99": p99(room_lat),
        "room_chart_p50": statistics.median(chart_lat) * 1000,
        "room_chart_p99": p99(chart_lat),
        "plan_p99": p99(plan_lat),
        "plan_chart_p99": p99(plan_chart_lat),
        "ping_p99_with_room": p99(mixed_plain),
        "ping_p99_with_charts": p99(mixed_charts),
        "ping_own_ms": ping_own * 1000,
        "room_own_ms": room_own * 1000,
        "plan_own_ms": plan_own * 1000,
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
            await env.settle(timeout=SETTLE)
            cached = len(bot.guilds)
            peak = peak_rss_mb()
            # Then a /room and a /plan chart: Pillow loaded, its font cached, a picture drawn.
            guild = env.create_guild(name="charts")
            channel = guild.create_text_channel("general")
            member = guild.add_member(env.create_user("charts"))
            await member.slash(channel, "room", year=2025, **PROFILE_ROOM)
            await member.slash(channel, "plan", year=2026, paychecks_left=6, **PROFILE_PLAN)
            charts_peak = peak_rss_mb()
            await bot.close_storage()
    return {"guilds": cached, "rss_before_mb": before, "rss_peak_mb": peak, "rss_charts_mb": charts_peak}


PROFILE_ROOM = dict(age=45, compensation="200000", employee_deferrals="23500", match_formula="50% up to 6%")
PROFILE_PLAN = dict(
    age=45, compensation="200000", ytd_deferrals="19000", ytd_employer="5000", match_formula="50% up to 6%"
)


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
    child = subprocess.run(
        [sys.executable, __file__, "--rss-child", "--guilds", str(args.guilds)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    r = json.loads(child.stdout.strip().splitlines()[-1])
    backend = (args.database_url or "sqlite").split(":")[0]
    print(
        f"storage: {backend}; metrics {'on' if METRICS else 'off'}; {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}; "
        f"{args.rounds} x {IN_FLIGHT} interactions in flight per command"
    )
    for name, label in (
        ("ping", "/ping"),
        ("room", "/room chart:false"),
        ("room_chart", "/room with chart"),
        ("plan", "/plan chart:false"),
        ("plan_chart", "/plan with chart"),
    ):
        ms = d[f"{name}_ms"]
        print(f"{label:<18} {ms:.3f} ms per interaction, {1000 / ms:,.0f}/s (end to end, simulated Discord included)")
    print(f"/room costs {d['room_ms'] / d['ping_ms']:.2f}x /ping (target at most 1.5x); target at least 1,000 /room/s")
    print(
        f"100 in flight, p50 / p99: /ping {d['ping_p50']:.1f} / {d['ping_p99']:.1f} ms; /room {d['room_p50']:.1f} / "
        f"{d['room_p99']:.1f} ms; /room with chart {d['room_chart_p50']:.1f} / {d['room_chart_p99']:.1f} ms; "
        f"/plan p99 {d['plan_p99']:.1f} ms, with chart {d['plan_chart_p99']:.1f} ms"
    )
    print(
        f"/ping p99 with 100 /room beside it: {d['ping_p99_with_room']:.1f} ms without charts, "
        f"{d['ping_p99_with_charts']:.1f} ms with charts being drawn (/ping alone {d['ping_p99']:.1f} ms)"
    )
    print(
        f"bot's own CPU (discord.py's tree and our code, less the simulated REST): /ping {d['ping_own_ms']:.3f} ms, "
        f"/room {d['room_own_ms']:.3f} ms = {d['room_own_ms'] / d['ping_own_ms']:.2f}x, "
        f"{1000 / d['room_own_ms']:,.0f} /room/s per core; /plan {d['plan_own_ms']:.3f} ms"
    )
    print(
        f"{r['guilds']} guilds cached: peak RSS {r['rss_peak_mb']:.1f} MB (bot and simulated Discord in one "
        f"process; {r['rss_before_mb']:.1f} MB before any guild); {r['rss_charts_mb']:.1f} MB after drawing a "
        "/room and a /plan chart; target under 90 MB"
    )


if __name__ == "__main__":
    main()
