"""Benchmark the bot through discord.py's real dispatch path in SimCord; prints figures, asserts nothing.

    .venv/bin/python scripts/bench_bot.py [--rounds 20] [--guilds 1000] [--database-url postgresql://…] [--quick]

1. /ping and /room (members with saved profiles), 100 interactions in flight at a time: cost per interaction,
   interactions per second, their ratio, and p50/p99 latency from INTERACTION_CREATE to the reply. /room is
   measured without its chart (chart:false) and with it, and /plan likewise.
2. /ping p99 alone, and while /room answers run beside it (100 /ping and 100 /room in flight, interleaved): with
   chart:false, then with charts being drawn, so the charts' effect on /ping's latency shows on its own.
3. The bot's own CPU per interaction: time inside discord.py's command tree, less the simulated Discord's
   handling of the reply's REST calls (one interaction at a time, so nothing else runs in between), against the
   echo floor: for /room, /plan, /limits and /checklist, an echo command registered only here, with the real
   command's parameters (read from the tree) and the same answer (the same embeds, buttons and discord.py calls,
   built afresh) but no computation and no storage, run interleaved with the real one and /ping. /room twice:
   the same question again (answered from memory: bot/answers.py) and a new question each time (a pay not asked
   before, so the room is worked out afresh). Also the bot's CPU for a /room chart (drawing happens in the worker
   process). --quick runs only this part.
4. Memory: the bot's peak RSS measured in a process of its own (scripts/bench_rss.py: `python -m bot` against a
   stand-in Discord on loopback, in --guilds servers, answering commands in hundreds of them, charts included),
   and the chart worker's apart. --rss runs only this, at 1,000 and 10,000 servers.

Parts 1-3 run in one process on one event loop, the simulated Discord included, so the end-to-end figures are
an upper bound on the bot's cost. In-flight batches are built with SimCord's internal payload builder, because
its public actors run one operation at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bench_rss  # noqa: E402  (scripts/, this script's folder)
import simcord  # noqa: E402
from simcord import interactions as sim_interactions  # noqa: E402
from simcord.enums import InteractionType  # noqa: E402
from simcord.http import router as sim_router  # noqa: E402

from bot import create_bot  # noqa: E402
from bot.settings import Settings  # noqa: E402

PROFILE = dict(  # /profile set
    age=45,
    compensation="200000",
    employee_deferrals="23500",
    match_formula="50% up to 6%",
    pay_frequency="biweekly",
)
PAYSTUB = dict(paychecks_left=10, ytd_deferrals="19000", ytd_employer="5000", ytd_after_tax="10000")


async def save_profile(member, channel) -> None:
    for name, options in (("profile set", PROFILE), ("profile paystub", PAYSTUB)):
        result = await member.slash(channel, name, **options)
        assert result.acknowledged and not (result.response and result.response.content.startswith("**")), name


NO_CHART = [{"name": "chart", "type": 5, "value": False}]
SETTLE = 120.0  # seconds: 100 charts queue for a few seconds on the one drawing worker
IN_FLIGHT = 100  # members, each with a saved profile; /room's cooldown (5 per 10 s) is passed on a virtual clock


METRICS = os.environ.get("ROTH_ROOM_BENCH_METRICS") == "1"  # --metrics: Prometheus metrics on (a free port)


@contextlib.asynccontextmanager
async def simulated(bot):
    """SimCord around the bot; storage closed even when a phase fails (else its thread keeps the process alive)."""
    try:
        async with simcord.run(bot) as env:
            yield env
    finally:
        close = getattr(bot, "close_storage", None)
        if close is not None:
            await close()


def settings() -> Settings:
    return Settings(_env_file=None, discord_token=None, metrics_port=0 if METRICS else None)


class TreeClock:
    """CPU time spent inside discord.py's command tree per interaction (checks, option parsing, our command, the
    reply's serialisation), less what belongs to the simulated Discord: the bot's own share. Kept per command name,
    so commands run interleaved are measured under the same conditions. Subtracted, by name:
    - SimCord's HTTP shim: router.dispatch (its handling of the REST call) and router.parse_form (its reading
      back of a multipart body, the JSON discord.py wrote beside an upload), called from its fake transports;
    - full garbage collections (generation 2). One walks every object in the process, and comes once enough
      objects have survived since the last: here those survivors are SimCord's records of every interaction (its
      request log, messages, interactions: ~44 objects kept per interaction, none of them the bot's), so the walk,
      0.1-0.3 s over their hundreds of thousands, is SimCord's, and it falls on whichever command allocates at that
      moment (up to +1.5 ms per /room in a 200-interaction sample). Counted in `full_collections`, not hidden.
      Young collections (generations 0 and 1) stay counted: they are the bot's own allocations' cost."""

    def __init__(self, bot) -> None:
        import gc

        self.total: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.current: str | None = None
        self.label: str | None = None  # set by interleaved(): what the next interaction is measured as
        self.rest = 0.0
        self.simulating = False  # inside SimCord's shim, already subtracted as a whole
        self.full_collections: dict[str, tuple[int, float]] = {}  # per name: how many, seconds
        self.collecting_since: float | None = None
        inner = bot.tree._call
        dispatch, parse_form = sim_router.dispatch, sim_router.parse_form

        async def timed(interaction):
            name = self.label or (interaction.data or {}).get("name", "?")
            self.current, self.rest = name, 0.0
            start = time.process_time()
            try:
                return await inner(interaction)
            finally:
                spent = time.process_time() - start - self.rest
                self.total[name] = self.total.get(name, 0.0) + spent
                self.calls[name] = self.calls.get(name, 0) + 1
                self.current = None

        def simulation(function):
            def simulated(*args, **kwargs):
                start = time.process_time()
                self.simulating = True
                try:
                    return function(*args, **kwargs)
                finally:
                    self.simulating = False
                    self.rest += time.process_time() - start

            return simulated

        def collection(phase: str, info: dict) -> None:
            if info["generation"] != 2 or self.current is None or self.simulating:
                return
            if phase == "start":
                self.collecting_since = time.process_time()
            elif self.collecting_since is not None:
                took = time.process_time() - self.collecting_since
                self.collecting_since = None
                self.rest += took
                count, seconds = self.full_collections.get(self.current, (0, 0.0))
                self.full_collections[self.current] = (count + 1, seconds + took)

        bot.tree._call = timed
        sim_router.dispatch = simulation(dispatch)
        sim_router.parse_form = simulation(parse_form)
        gc.callbacks.append(collection)

    def take(self, name: str) -> float:
        """Seconds of the bot's own CPU per `name` interaction since the last take."""
        per = self.total.pop(name, 0.0) / max(self.calls.pop(name, 0), 1)
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


# --------------------------------------------------------------------------- the echo floor
# An echo command takes a real command's options (its parameters, read from the tree, so it follows when they
# change) and answers with exactly what the real command sent (the same discord.py calls, embeds of the same text,
# the same buttons) built afresh each time, with no computation and no storage: what discord.py costs for that
# command whatever the bot does. Registered only here, never in the product's tree.
ECHOED = ("room", "plan", "limits", "checklist")


class Recorder:
    """What a command sends through discord.py, recorded while `recording` (one real call per command)."""

    HOOKS = (
        ("respond", "InteractionResponse", "send_message"),
        ("defer", "InteractionResponse", "defer"),
        ("followup", "Webhook", "send"),
        ("dm", "abc.Messageable", "send"),
    )

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] | None = None

    def __enter__(self) -> Recorder:
        import discord

        self.saved = []
        self.calls = []
        for kind, owner_name, attr in self.HOOKS:
            owner = discord
            for part in owner_name.split("."):
                owner = getattr(owner, part)
            original = getattr(owner, attr)
            self.saved.append((owner, attr, original))
            setattr(owner, attr, self._wrap(kind, original))
        return self

    def __exit__(self, *exc) -> None:
        for owner, attr, original in self.saved:
            setattr(owner, attr, original)

    def _wrap(self, kind: str, original):
        recorder = self

        async def recorded(this, *args, **kwargs):
            if recorder.calls is not None:
                recorder.calls.append((kind, {"content": args[0], **kwargs} if args else dict(kwargs)))
            return await original(this, *args, **kwargs)

        return recorded


def embed_builder(embed):
    """A function that builds `embed` anew with plain discord.py calls (what any bot does to answer)."""
    import discord

    title, description, colour = embed.title, embed.description, embed.colour
    fields = [(f.name, f.value, f.inline) for f in embed.fields]
    footer = embed.footer.text if embed.footer else None

    def build() -> discord.Embed:
        e = discord.Embed(title=title, description=description, colour=colour)
        for name, value, inline in fields:
            e.add_field(name=name, value=value, inline=inline)
        if footer:
            e.set_footer(text=footer)
        return e

    return build


def view_builder(view):
    import discord

    buttons = []
    for child in view.children:
        item = getattr(child, "item", child)  # a DynamicItem wraps its button
        buttons.append((item.label, item.style, item.custom_id, item.row, item.disabled))

    def build() -> discord.ui.View:
        v = discord.ui.View(timeout=None)
        for label, style, custom_id, row, disabled in buttons:
            v.add_item(discord.ui.Button(label=label, style=style, custom_id=custom_id, row=row, disabled=disabled))
        return v

    return build


def replay_steps(calls: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    steps = []
    for kind, kwargs in calls:
        plan = {}
        for key, value in kwargs.items():
            if key == "embeds":
                builders = [embed_builder(e) for e in value]
                plan[key] = lambda builders=builders: [b() for b in builders]
            elif key == "embed" and value is not None:
                plan[key] = embed_builder(value)
            elif key == "view" and value is not None:
                plan[key] = view_builder(value)
            elif key == "files":
                continue  # echoes stand for chart:false answers
            else:
                plan[key] = value
        steps.append((kind, plan))
    return steps


def echo_command(real, calls: list[tuple[str, dict]]):
    """A copy of `real` (same parameters, so the same option parsing) whose callback replays `calls`."""
    steps = replay_steps(calls)
    callable_keys = {"embeds", "embed", "view"}

    async def echo(interaction, **_options) -> None:
        for kind, plan in steps:
            kwargs = {k: v() if k in callable_keys else v for k, v in plan.items()}
            if kind == "respond":
                await interaction.response.send_message(**kwargs)
            elif kind == "defer":
                await interaction.response.defer(**kwargs)
            elif kind == "followup":
                await interaction.followup.send(**kwargs)
            else:
                await interaction.user.send(**kwargs)

    command = real._copy_with(parent=None, binding=None, set_on_binding=False)
    command.name = f"echo-{real.name}"
    command._callback = echo
    command.checks = []  # the floor: no cooldown either
    return command


async def install_echoes(bot, member, channel, options: dict[str, dict]) -> dict[str, list]:
    """Record one real answer of each echoed command, then register and sync its echo."""
    recorded = {}
    for name in ECHOED:
        with Recorder() as rec:
            result = await member.slash(channel, name, **options.get(name, {}))
            assert result.acknowledged, name
        recorded[name] = rec.calls
        bot.tree.add_command(echo_command(bot.tree.get_command(name), rec.calls))
    await bot.tree.sync()
    return recorded


async def interleaved(env, clock, members, channel, runs: list[tuple[str, str, dict]], rounds: int, pause: float):
    """Each member runs every (label, command, options) in turn, one interaction at a time, so all of them are
    measured under the same conditions; `rounds` times over the members, the virtual clock moving `pause` seconds
    (past the cooldowns) between rounds. `options` may be a function of (round, member number)."""
    for n in range(rounds):
        for i, m in enumerate(members):
            for label, name, options in runs:
                clock.label = label
                result = await m.slash(channel, name, **(options(n, i) if callable(options) else options))
                assert result.acknowledged, label
                assert not (result.response and result.response.content or "").startswith("**"), label  # no refusal
        await env.advance_time(pause)
    clock.label = None


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
        async with simulated(bot) as env:
            env.settle_timeout = SETTLE
            guild = env.create_guild(name="Bench")
            channel = guild.create_text_channel("general")
            members = [guild.add_member(env.create_user(f"m{i}")) for i in range(IN_FLIGHT)]
            for m in members:
                await save_profile(m, channel)
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
            own = await own_cpu(env, bot, members, channel)
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
        **own,
    }


OWN_ROUNDS = 10  # x 100 members: /room, /ping and /room's echo 1,000 times each


async def own_cpu(env, bot, members, channel, rounds: int = OWN_ROUNDS) -> dict:
    """The bot's own CPU per interaction (TreeClock), each command interleaved with its echo and /ping."""
    no_chart = {"chart": False}
    await install_echoes(bot, members[0], channel, {"room": no_chart, "plan": no_chart})
    await env.advance_time(31)
    clock = TreeClock(bot)
    # First calls: the echoes', the chart worker's start and Pillow's font (in the RSS-free --quick run too).
    names = ("ping", "room", "echo-room", "plan", "echo-plan")
    warm = [(n, n, no_chart if n in ("room", "plan") else {}) for n in names]
    await interleaved(env, clock, members, channel, [*warm, ("room-chart", "room", {})], 1, 11)
    clock.total.clear()
    clock.calls.clear()
    # The simulated Discord keeps every server, member and message in this process: left in the collector's
    # generations, every collection that reaches them would scan that world. Frozen here, collections scan what
    # the measured interactions make (full ones, mostly SimCord's records, are also left uncharged: TreeClock).
    gc.collect()
    gc.freeze()
    runs = [
        ("ping", "ping", {}),
        ("room", "room", no_chart),
        ("echo-room", "echo-room", no_chart),
        ("limits", "limits", {}),
        ("echo-limits", "echo-limits", {}),
    ]
    await interleaved(env, clock, members, channel, runs, rounds, 11)
    # A new question each time: the same member and profile, a pay never asked before, so nothing is answered
    # again from memory and the room is worked out afresh.
    fresh = lambda n, i: {"chart": False, "compensation": str(150_000 + 1_000 * n + i)}  # noqa: E731
    fresh_runs = [("room-fresh", "room", fresh), ("echo-room-fresh", "echo-room", fresh)]
    await interleaved(env, clock, members, channel, fresh_runs, rounds, 11)
    plan_runs = [("plan", "plan", no_chart), ("echo-plan", "echo-plan", no_chart)]
    await interleaved(env, clock, members, channel, plan_runs, max(1, rounds // 2), 11)
    checklist_runs = [("checklist", "checklist", {}), ("echo-checklist", "echo-checklist", {})]
    await interleaved(env, clock, members, channel, checklist_runs, max(1, rounds // 5), 31)
    chart_runs = [("room-chart", "room", {}), ("room-nochart", "room", no_chart)]
    round_trip = await chart_cost(env, clock, members, channel, chart_runs, max(1, rounds // 5))
    gc.unfreeze()
    names = [label for label, _n, _o in runs + fresh_runs + plan_runs + checklist_runs + chart_runs]
    own = {f"{label}_own_ms": clock.take(label) * 1000 for label in names} | {"chart_round_trip_ms": round_trip}
    return own | {"full_collections": dict(clock.full_collections)}


async def chart_cost(env, clock, members, channel, runs, rounds: int) -> float:
    """A chart's cost to the bot, in two parts. While the worker draws, the bot's task waits and SimCord's
    settling loop polls in this process, so timing the tree across that wait would charge SimCord's polling to
    the chart. So: (1) /room with and without its chart, interleaved, with the drawing answered at once by a PNG
    the worker drew (the chart's data, the file and its upload); (2) the worker round trip's CPU in this process
    (the request pickled and written, the answer read, the event loop waking for it), timed alone between
    interactions. Returns (2) in ms. (1) is conservative: it includes discord.py encoding the answer's JSON beside
    the file (~0.05 ms for /room), which an answer without a file pays too, but inside the HTTP transport that
    SimCord replaces, so the answer without the chart is measured without it."""
    charts = sys.modules["commands._charts"]
    real = charts.render
    drawn: list = []

    async def keep(chart):
        png = await real(chart)
        drawn.append((chart, png))
        return png

    charts.render = keep
    # Under a label of its own: this one /room waits for a real drawing, and its CPU meanwhile (SimCord polling
    # while the worker draws) is not /room's. Unlabelled, it was counted as one more "/room" and added ~0.07 ms
    # to the average of the thousand measured before it.
    clock.label = "chart-drawn"
    try:
        await members[0].slash(channel, "room")
    finally:
        charts.render = real
        clock.label = None
    chart, png = drawn[-1]
    n = 50
    start = time.process_time()
    for _ in range(n):
        await real(chart)
    round_trip = (time.process_time() - start) / n * 1000

    async def instant(_chart):
        return png

    charts.render = instant
    try:
        # One round first under a label of its own, so that both labels measure a question asked again (answered
        # from memory): these runs come after /room's new questions, and each member's first /room here works its
        # answer out, which is the answer's cost, not the chart's.
        warm = [("chart-warm", name, options) for _label, name, options in runs]
        await interleaved(env, clock, members, channel, warm, 1, 11)
        await interleaved(env, clock, members, channel, runs, rounds, 11)
    finally:
        charts.render = real
    return round_trip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="batches of 100 in-flight interactions per command")
    parser.add_argument("--guilds", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--metrics", action="store_true", help="with Prometheus metrics on (METRICS_PORT)")
    parser.add_argument("--quick", action="store_true", help="only the bot's own CPU against the echo floor")
    parser.add_argument("--rss", action="store_true", help="only memory: the bot's process in 1,000 and 10,000 guilds")
    parser.add_argument("--rss-child", action="store_true", help="only memory: the bot's process in --guilds guilds")
    args = parser.parse_args()
    if args.metrics:
        os.environ["ROTH_ROOM_BENCH_METRICS"] = "1"
        global METRICS
        METRICS = True
    if args.rss_child:
        print(bench_rss.line(asyncio.run(bench_rss.measure(args.guilds, metrics=METRICS))))
        return
    if args.rss:
        small, large = (asyncio.run(bench_rss.measure(guilds, metrics=METRICS)) for guilds in (1000, 10000))
        print(f"{bench_rss.line(small)}\n{bench_rss.line(large)}\n{bench_rss.compare(small, large)}")
        return
    if args.quick:
        print_own(asyncio.run(own_phase(args.rounds if args.rounds != 20 else OWN_ROUNDS, args.database_url)))
        return

    d = asyncio.run(dispatch_phase(args.rounds, args.database_url))
    memory = asyncio.run(bench_rss.measure(args.guilds, metrics=METRICS))
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
    print_own(d)
    print(bench_rss.line(memory))


def print_own(d: dict) -> None:
    print(
        f"bot's own CPU (discord.py's tree and our code, less the simulated REST; one at a time, each command "
        f"interleaved with its echo): /ping {d['ping_own_ms']:.3f} ms, /room {d['room_own_ms']:.3f} ms = "
        f"{d['room_own_ms'] / d['ping_own_ms']:.2f}x /ping, {1000 / d['room_own_ms']:,.0f} /room/s per core"
    )
    for name, label, target in (
        ("room", "/room", " (target at most 1.30x): the same question again, answered from memory"),
        ("room-fresh", "/room", ": a new question each time (a pay not asked before), worked out afresh"),
        ("plan", "/plan", ""),
        ("limits", "/limits", ""),
        ("checklist", "/checklist", ""),
    ):
        own, echo = d[f"{name}_own_ms"], d[f"echo-{name}_own_ms"]
        print(f"bot CPU per {label} = {own / echo:.2f}x echo ({own:.3f} ms vs {echo:.3f} ms){target}")
    attach = d["room-chart_own_ms"] - d["room-nochart_own_ms"]
    print(
        f"a chart costs the bot {attach + d['chart_round_trip_ms']:.2f} ms of CPU beyond the answer: {attach:.2f} ms "
        f"its data, file and upload (/room {d['room-chart_own_ms']:.3f} ms with it, {d['room-nochart_own_ms']:.3f} "
        f"ms without) + {d['chart_round_trip_ms']:.2f} ms the worker round trip; drawing is in the worker process; "
        "target at most 1 ms"
    )
    full = d.get("full_collections") or {}
    print(
        "full garbage collections, not charged (their walk is of SimCord's records, see TreeClock): "
        + (", ".join(f"{n} in {name} interactions ({s * 1000:.0f} ms)" for name, (n, s) in full.items()) or "none")
    )


async def own_phase(rounds: int, database_url: str | None) -> dict:
    """--quick: only the bot's own CPU against the echo floor (no throughput batches, no RSS child)."""
    with tempfile.TemporaryDirectory() as tmp:
        bot = create_bot(settings(), database_url=database_url or f"sqlite:///{tmp}/bench.db")
        async with simulated(bot) as env:
            env.settle_timeout = SETTLE
            guild = env.create_guild(name="Bench")
            channel = guild.create_text_channel("general")
            members = [guild.add_member(env.create_user(f"m{i}")) for i in range(IN_FLIGHT)]
            for m in members:
                await save_profile(m, channel)
            gc.collect()
            own = await own_cpu(env, bot, members, channel, rounds)
            await bot.close_storage()
    return own


if __name__ == "__main__":
    main()
