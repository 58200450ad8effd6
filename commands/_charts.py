"""Charts for /room and /plan: the data from a result, drawn in a worker process, attached as a PNG with alt text.

Drawing runs in one worker process started on the first chart (forked from a clean server process that has
loaded only Pillow and the drawing module), so Pillow never enters the bot's memory and drawing never competes
with the event loop for the GIL: /ping answers at its usual speed while charts are drawn.
"""

from __future__ import annotations

import asyncio
import io
import logging
import math
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal

import discord
from babel.numbers import format_compact_currency

from bot.formatting import Formatter
from bot.replies import reply
from knowledge.plan import PlanResult
from knowledge.room import RoomResult

from . import _chart_draw as draw

log = logging.getLogger(__name__)
_executor: ProcessPoolExecutor | None = None
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)")
CHART_SECONDS = 5.0  # a chart takes about 50 ms; one not drawn by then is dropped from the answer
PRELOAD = ["commands._chart_draw", "PIL.Image", "PIL.ImageDraw", "PIL.ImageFont"]


def _pool() -> ProcessPoolExecutor:
    global _executor
    if _executor is None:
        context: multiprocessing.context.BaseContext
        if "forkserver" in multiprocessing.get_all_start_methods():
            forkserver = multiprocessing.get_context("forkserver")
            forkserver.set_forkserver_preload(PRELOAD)
            context = forkserver
        else:  # no forkserver (Windows): a fresh interpreter per worker
            context = multiprocessing.get_context("spawn")
        _executor = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=draw.warm_up)
    return _executor


def _axis_money(value: float, f: Formatter) -> str:
    """Axis ticks, short the locale's way ($72K, 72 mil US$); the full amounts are in the legend and the embed."""
    text = format_compact_currency(value, "USD", locale=f.locale, fraction_digits=1)
    # A letter symbol never touches a digit, as in the member's other amounts: "USD 72 K", not "USD72 K".
    return _LETTER_DIGIT.sub(" ", text).replace("\xa0", " ")


def room_chart(result: RoomResult, f: Formatter) -> tuple[draw.RoomChart, str]:
    """The year's 415(c) limit split into deferrals, employer money, after-tax already in and the room left."""
    after_tax_in = max(Decimal(0), result.limit - result.room_415c - result.counted_deferrals - result.employer_total)
    parts = [
        (f.t("Your deferrals (counted)"), result.counted_deferrals, "deferrals"),
        (f.t("Employer money"), result.employer_total, "employer"),
        (f.t("After-tax already in"), after_tax_in, "after_tax_in"),
        (f.t("After-tax room left"), result.room_415c, "room"),
    ]
    segments = [draw.Segment(label, float(v), colour, f.money(v)) for label, v, colour in parts]
    catch_up = None
    if result.catch_up_limit:
        catch_up = draw.Segment(
            f.t("Catch-up (outside 415(c))"),
            float(result.catch_up),
            "catch_up",
            f.t("{amount} of {limit}", amount=result.catch_up, limit=result.catch_up_limit),
        )
    chart = draw.RoomChart(
        f.t("415(c) limit for {year}: {limit}", year=result.year, limit=result.limit),
        float(result.limit),
        f.money(result.limit),
        segments,
        catch_up,
        limit_label=f.t("415(c) limit {limit}", limit=result.limit),
    )
    amounts = dict(
        year=result.year,
        limit=result.limit,
        deferrals=result.counted_deferrals,
        employer=result.employer_total,
        after_tax_in=after_tax_in,
        room=result.room_415c,
    )
    if catch_up is not None:
        alt = f.t(
            "Bar chart of the {year} 415(c) limit of {limit}: deferrals {deferrals}, employer money {employer}, "
            "after-tax already in {after_tax_in}, room left {room}; catch-up {catch_up} of {catch_up_limit}, "
            "outside the limit.",
            catch_up=result.catch_up,
            catch_up_limit=result.catch_up_limit,
            **amounts,
        )
    else:
        alt = f.t(
            "Bar chart of the {year} 415(c) limit of {limit}: deferrals {deferrals}, employer money {employer}, "
            "after-tax already in {after_tax_in}, room left {room}.",
            **amounts,
        )
    return chart, alt


def plan_chart(result: PlanResult, f: Formatter) -> tuple[draw.PlanChart, str]:
    """Running deferrals and annual additions across the paychecks left, against 402(g) and 415(c)."""
    first = result.paychecks[0]
    start_def = first.total_deferrals - first.deferral
    deferrals = [float(start_def)] + [float(p.total_deferrals) for p in result.paychecks]
    additions = [float(result.start_415c)] + [float(p.total_415c) for p in result.paychecks]
    additions[-1] = float(result.year_end_415c)  # the true-up and employer money still to come land at year end
    cap = result.deferral_capacity
    end = result.year_end_415c
    if cap > result.limit_402g:
        deferral_limit_text = f.t("402(g) + catch-up {amount}", amount=cap)
    else:
        deferral_limit_text = f.t("402(g) {amount}", amount=cap)
    _top, ticks = draw.axis(float(result.limit_415c), additions, float(cap))
    chart = draw.PlanChart(
        title=f.t("The rest of {year}, paycheck by paycheck", year=result.year),
        deferrals=deferrals,
        additions=additions,
        deferral_limit=float(cap),
        deferral_limit_text=deferral_limit_text,
        limit_415c=float(result.limit_415c),
        limit_415c_text=f.t("415(c) {amount}", amount=result.limit_415c),
        x_labels=[f.t("now")] + [str(p.number) for p in result.paychecks],
        end_text=f.t("year end: {amount}", amount=end),
        y_ticks=[(tick, _axis_money(tick, f)) for tick in ticks],
        x_title=f.t("paychecks from now"),
        legend=(f.t("annual additions (415(c))"), f.t("your deferrals (402(g) + catch-up)")),
    )
    alt = f.t(
        "Line chart over {count} paychecks: your deferrals rise from {start} to {end} against {cap} (402(g) plus any "
        "catch-up); annual additions rise from {start_415c} to {end_415c} against the 415(c) limit {limit}.",
        count=len(result.paychecks),
        start=start_def,
        end=result.paychecks[-1].total_deferrals,
        cap=cap,
        start_415c=result.start_415c,
        end_415c=end,
        limit=result.limit_415c,
    )
    return chart, alt


async def render(chart: draw.RoomChart | draw.PlanChart) -> bytes:
    """The PNG, drawn by the worker within CHART_SECONDS; a worker that takes longer is taken to be stuck: it is
    stopped and the next chart starts a new one (TimeoutError here, so the answer goes without its chart)."""
    global _executor
    loop = asyncio.get_running_loop()
    drawing = draw.draw_room if isinstance(chart, draw.RoomChart) else draw.draw_plan
    pool = _pool()
    # Two deadlines: the worker's own alarm ends a stuck drawing (BrokenProcessPool below), and ours, a little
    # later, covers a worker that cannot be signalled.
    work = loop.run_in_executor(pool, draw.within, math.ceil(CHART_SECONDS), drawing, chart)
    try:
        return await asyncio.wait_for(work, CHART_SECONDS + 2)
    except TimeoutError:
        log.warning("a chart took over %s s to draw: replacing the drawing worker", CHART_SECONDS)
        _replace(pool)
        raise
    except BrokenProcessPool:
        log.warning(
            "the drawing worker died (stuck past %s s, killed or out of memory): starting a new one", CHART_SECONDS
        )
        if _executor is pool:
            _executor = None  # the next chart starts a new worker
        raise


def _replace(pool: ProcessPoolExecutor) -> None:
    """Stop a stuck pool's worker (ProcessPoolExecutor has no public way to end a busy worker before Python
    3.14, hence its process table) and forget the pool, so the next chart starts a fresh one."""
    global _executor
    if _executor is pool:
        _executor = None
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


async def attach(embed: discord.Embed, chart: draw.RoomChart | draw.PlanChart, alt: str, name: str) -> discord.File:
    """Draw the chart and point the embed's image at it; the alt text goes on the file (Discord's description)."""
    png = await render(chart)
    embed.set_image(url=f"attachment://{name}")
    return discord.File(io.BytesIO(png), filename=name, description=alt[:1024])


async def send(
    interaction: discord.Interaction,
    embeds: list[discord.Embed],
    chart: draw.RoomChart | draw.PlanChart,
    alt: str,
    name: str,
    *,
    ephemeral: bool,
    content: str | None = None,
) -> None:
    """Answer with the embeds, the chart shown in the first. The command armed defer_if_slow, so a long queue of
    charts answers "thinking…" in time; a chart that cannot be drawn leaves the answer without it, not failing it."""
    try:
        files = [await attach(embeds[0], chart, alt, name)]
    except Exception:  # noqa: BLE001 - the answer matters more than its picture
        log.exception("chart %s could not be drawn", name)
        embeds[0].set_image(url=None)
        files = []
    await reply(interaction, content, embeds=embeds, files=files, ephemeral=ephemeral)


def shutdown() -> None:
    """Stop the drawing worker (at the bot's close)."""
    global _executor
    if _executor is not None:
        _executor.shutdown(wait=False, cancel_futures=True)
        _executor = None
