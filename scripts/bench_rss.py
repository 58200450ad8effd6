"""The bot's memory in a process of its own: `python -m bot` as a child, against the stand-in Discord on loopback
(tests/tools/standin_discord.py: real HTTP and a real gateway websocket, zlib-compressed), in N servers.

    .venv/bin/python scripts/bench_rss.py [--guilds 10000]      (scripts/bench_bot.py --rss runs 1,000 and 10,000)

READY lists the N servers as unavailable stubs, which is all Discord sends a bot without the GUILDS intent, on as
few shards as Discord allows (2,500 servers a shard at most: 10,000 take 4, and SHARD_COUNT makes the bot an
auto-sharded one, as in production). Once the bot is ready, members save profiles (/profile set, /profile
paystub) and run /room, /limits, /plan and /checklist across hundreds of servers, some /room and /plan with their
chart, every answer checked to be a real one (embeds, a PNG where a chart was asked for, the checklist in a DM).
Then the bot's VmHWM (peak) and VmRSS from /proc/<pid>/status, and apart from it the chart worker's: drawing runs
in a process forked from a small forkserver the bot starts on the first chart, so Pillow never enters the bot's
process. Also the PSS of all the bot's processes together (shared pages counted once), what a container's memory
limit sees. Linux only (/proc). Prints the figures; fails only when an answer is not a real one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tools.bot_process import BotProcess, bot_environment  # noqa: E402
from tests.tools.standin_discord import (  # noqa: E402
    MAX_SHARD_GUILDS,
    Reply,
    Sent,
    StandinDiscord,
    guild_ids,
    member_id,
)

MEMBERS = 100  # each saves a profile, then answers run round-robin over them (within /room's cooldown)
SERVERS = 300  # different servers /room and /limits are run in, spread over the whole list
ROOM_CHARTS = 100  # /room with its chart, in as many servers
PLAN_CHARTS = 20
CHECKLISTS = 10
IN_FLIGHT = 10  # interactions at a time: charts then queue well under the drawing deadline (5 s)
ANSWER = 60.0  # seconds to wait for any one answer; never a measurement
PROFILE = dict(
    age=45, compensation="200000", employee_deferrals="23500", match_formula="50% up to 6%", pay_frequency="biweekly"
)
PAYSTUB = dict(paychecks_left=10, ytd_deferrals="19000", ytd_employer="5000", ytd_after_tax="10000")


def status_mb(pid: int) -> dict[str, float]:
    """VmHWM (peak resident set) and VmRSS of a process, in MB."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in lines)
    return {key: int(fields[key].split()[0]) / 1024 for key in ("VmHWM", "VmRSS")}


def pss_mb(pid: int) -> float:
    """Proportional set size: the process's private pages, and its share of those it shares."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


def chart_processes(bot_pid: int) -> dict[str, dict[str, float]]:
    """The bot's multiprocessing helpers: the forkserver, the chart worker(s) it forked, the resource tracker."""
    found: dict[str, dict[str, float]] = {}
    for child in children(bot_pid):
        line = cmdline(child)
        if "forkserver" in line:
            found["forkserver"] = status_mb(child) | {"pss": pss_mb(child)}
            for n, worker in enumerate(children(child)):
                found[f"worker{n}" if n else "worker"] = status_mb(worker) | {"pss": pss_mb(worker)}
        elif "resource_tracker" in line:
            found["resource_tracker"] = status_mb(child) | {"pss": pss_mb(child)}
    return found


def check(sent: Sent, answer: Reply, *, embeds: bool = True, chart: bool = False) -> None:
    """A real answer: no error text (the error handler answers with content alone), a PNG where a chart was due."""
    if embeds and answer.error_like:
        raise AssertionError(f"/{sent.command} answered with an error: {answer.body.get('content')!r}")
    if chart and not any(f.png for f in answer.files):
        raise AssertionError(f"/{sent.command} answered without its chart")


async def run(jobs: list[Callable[[], Awaitable[None]]]) -> None:
    """Each job sends one interaction and checks its answer; IN_FLIGHT at a time."""
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(job: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await job()

    await asyncio.gather(*(one(job) for job in jobs))


def shards_for(guilds: int) -> int:
    """As few shards as Discord allows: at most 2,500 servers each (it refuses more, close code 4011)."""
    return -(-guilds // MAX_SHARD_GUILDS)


async def measure(guilds: int, shards: int | None = None, *, metrics: bool = False) -> dict:
    """One bot process in `guilds` servers, on `shards` shards (default: as few as Discord allows; one shard is
    a plain bot, more an auto-sharded one, as SHARD_COUNT makes it in production); `metrics`: Prometheus on."""
    shards = shards or shards_for(guilds)
    with tempfile.TemporaryDirectory() as tmp:
        async with StandinDiscord(guilds=guilds) as discord:
            extra = {"SHARD_COUNT": str(shards)} if shards > 1 else {}
            if metrics:
                extra["METRICS_PORT"] = "0"
            bot = await BotProcess.start(bot_environment(discord.url, Path(tmp), **extra), Path(tmp))
            try:
                return {"shards": shards} | await exercise(discord, bot, guilds)
            finally:
                code = await bot.stop()
                bad = [n for n in bot.lines if "Traceback" in n or " ERROR " in n]
                if code != 0 or bad:
                    print("\n".join(bot.lines[-40:]), file=sys.stderr)
                    raise SystemExit(f"the bot exited with {code} or logged an error: {bad[:1]}")


async def exercise(discord: StandinDiscord, bot: BotProcess, guilds: int) -> dict:
    pid = bot.proc.pid
    await bot.until(rf"ready: .* in {guilds} servers")
    ready = status_mb(pid)
    servers = guild_ids(guilds)
    spread = servers[:: max(1, guilds // SERVERS)][:SERVERS]  # servers all over the list (and all shards)
    members = [member_id(n) for n in range(MEMBERS)]
    answers = 0

    def job(command: str, options: dict, guild_id: str, member: str, **expect: bool):
        async def go() -> None:
            nonlocal answers
            sent = await discord.interact(command, options, guild_id=guild_id, member=member)
            check(sent, await discord.answer(sent, ANSWER), **expect)
            answers += 1

        return go

    await run([job("profile set", PROFILE, spread[n % len(spread)], m) for n, m in enumerate(members)])
    await run([job("profile paystub", PAYSTUB, spread[-1 - n % len(spread)], m) for n, m in enumerate(members)])
    # Within /room's and /plan's cooldowns (5 per 10 s a member): 3 of each per member at most.
    no_chart = {"chart": False}
    await run([job("room", no_chart, g, members[n % MEMBERS]) for n, g in enumerate(spread)])
    await run([job("limits", {}, g, members[n % MEMBERS]) for n, g in enumerate(spread)])
    await run([job("plan", no_chart, g, members[n % MEMBERS]) for n, g in enumerate(spread[:MEMBERS])])
    before_charts = status_mb(pid)
    charted = spread[MEMBERS : MEMBERS + ROOM_CHARTS]
    await run([job("room", {}, g, members[n % MEMBERS], chart=True) for n, g in enumerate(charted)])
    charted = spread[-PLAN_CHARTS:]
    await run([job("plan", {}, g, members[-1 - n], chart=True) for n, g in enumerate(charted)])
    dms = len(discord.dms)
    await run([job("checklist", {}, g, members[n], embeds=False) for n, g in enumerate(spread[:CHECKLISTS])])
    if len(discord.dms) - dms != CHECKLISTS or not all(body.get("embeds") for _m, body in discord.dms[dms:]):
        raise AssertionError("/checklist did not DM every checklist")
    after = status_mb(pid)
    workers = chart_processes(pid)
    pss = pss_mb(pid) + sum(w["pss"] for w in workers.values())
    used = {s.user_id for s in discord.sent.values()}, {s.channel_id for s in discord.sent.values()}
    return {
        "guilds": guilds,
        "ready_mb": ready["VmRSS"],
        "before_charts_mb": before_charts["VmRSS"],
        "after_mb": after["VmRSS"],
        "peak_mb": after["VmHWM"],
        "answers": answers,
        "servers_used": len(used[1]),
        "members": len(used[0]),
        "charts": ROOM_CHARTS + PLAN_CHARTS,
        "checklists": CHECKLISTS,
        "processes": workers,
        "all_pss_mb": pss,
    }


def line(r: dict) -> str:
    worker = r["processes"].get("worker", {})
    forkserver = r["processes"].get("forkserver", {})
    shards = "1 shard" if r["shards"] == 1 else f"{r['shards']} shards"
    return (
        f"{r['guilds']} guilds ({shards}): the bot's process peak RSS {r['peak_mb']:.1f} MB (ready: "
        f"{r['ready_mb']:.1f} MB; after {r['answers']} answers in {r['servers_used']} servers, {r['charts']} with a "
        f"chart: {r['after_mb']:.1f} MB; target under 90 MB); chart worker {worker.get('VmHWM', 0):.1f} MB peak, a "
        f"process of its own (forked from a {forkserver.get('VmRSS', 0):.1f} MB forkserver); all "
        f"{1 + len(r['processes'])} processes {r['all_pss_mb']:.1f} MB PSS"
    )


def compare(small: dict, large: dict) -> str:
    growth = large["peak_mb"] - small["peak_mb"]
    return (
        f"{large['guilds']:,} guilds against {small['guilds']:,}: {growth:+.1f} MB peak RSS in the bot's process "
        "(target within 5 MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guilds", type=int, default=10000)
    parser.add_argument("--shards", type=int, default=None, help="default: as few as Discord allows (2,500 each)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args()
    r = asyncio.run(measure(args.guilds, args.shards))
    print(json.dumps(r) if args.json else line(r))


if __name__ == "__main__":
    main()
