"""Charts for /room and /plan: the data from a result, drawn in a worker process, attached as a PNG with alt text.

Drawing runs in one worker process started on the first chart (forked from a clean server process that has
loaded only Pillow and the drawing module), so Pillow never enters the bot's memory and drawing never competes
with the event loop for the GIL: /ping answers at its usual speed while charts are drawn.
"""

from __future__ import annotations

import asyncio
import io
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal

import discord

from bot.formatting import Formatter
from bot.replies import reply
from knowledge.plan import PlanResult
from knowledge.room import RoomResult

from . import _chart_draw as draw

log = logging.getLogger(__name__)
_executor: ProcessPoolExecutor | None = None
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


def room_chart(result: RoomResult, f: Formatter) -> tuple[draw.RoomChart, str]:
    """The year's 415(c) limit split into deferrals, employer money, after-tax already in and the room left."""
    after_tax_in = max(Decimal(0), result.limit - result.room_415c - result.counted_deferrals - result.employer_total)
    parts = [
        ("Your deferrals (counted)", result.counted_deferrals, "deferrals"),
        ("Employer money", result.employer_total, "employer"),
        ("After-tax already in", after_tax_in, "after_tax_in"),
        ("After-tax room left", result.room_415c, "room"),
    ]
    segments = [draw.Segment(label, float(v), colour, f.money(v)) for label, v, colour in parts]
    catch_up = None
    if result.catch_up_limit:
        catch_up = draw.Segment(
            "Catch-up (outside 415(c))",
            float(result.catch_up),
            "catch_up",
            f"{f.money(result.catch_up)} of {f.money(result.catch_up_limit)}",
        )
    chart = draw.RoomChart(
        f"415(c) limit for {result.year}: {f.money(result.limit)}",
        float(result.limit),
        f.money(result.limit),
        segments,
        catch_up,
    )
    alt = (
        f"Bar chart of the {result.year} 415(c) limit of {f.money(result.limit)}: deferrals "
        f"{f.money(result.counted_deferrals)}, employer money {f.money(result.employer_total)}, after-tax already "
        f"in {f.money(after_tax_in)}, room left {f.money(result.room_415c)}"
    )
    if catch_up is not None:
        alt += f"; catch-up {catch_up.text}, outside the limit"
    return chart, alt + "."


def plan_chart(result: PlanResult, f: Formatter) -> tuple[draw.PlanChart, str]:
    """Running deferrals and annual additions across the paychecks left, against 402(g) and 415(c)."""
    first = result.paychecks[0]
    start_def = first.total_deferrals - first.deferral
    deferrals = [float(start_def)] + [float(p.total_deferrals) for p in result.paychecks]
    additions = [float(result.start_415c)] + [float(p.total_415c) for p in result.paychecks]
    additions[-1] = float(result.year_end_415c)  # the true-up and employer money still to come land at year end
    cap = result.deferral_capacity
    end = result.year_end_415c
    chart = draw.PlanChart(
        title=f"The rest of {result.year}, paycheck by paycheck",
        deferrals=deferrals,
        additions=additions,
        deferral_limit=float(cap),
        deferral_limit_text=("402(g) + catch-up " if cap > result.limit_402g else "402(g) ") + f.money(cap),
        limit_415c=float(result.limit_415c),
        limit_415c_text=f.money(result.limit_415c),
        x_labels=["now"] + [str(p.number) for p in result.paychecks],
        end_text=f"year end: {f.money(end)}",
    )
    alt = (
        f"Line chart over {len(result.paychecks)} paychecks: your deferrals rise from {f.money(start_def)} to "
        f"{f.money(result.paychecks[-1].total_deferrals)} against {f.money(cap)} (402(g) plus any catch-up); "
        f"annual additions rise from {f.money(result.start_415c)} to {f.money(end)} against the 415(c) limit "
        f"{f.money(result.limit_415c)}."
    )
    return chart, alt


async def render(chart: draw.RoomChart | draw.PlanChart) -> bytes:
    global _executor
    loop = asyncio.get_running_loop()
    try:
        if isinstance(chart, draw.RoomChart):
            return await loop.run_in_executor(_pool(), draw.draw_room, chart)
        return await loop.run_in_executor(_pool(), draw.draw_plan, chart)
    except BrokenProcessPool:
        _executor = None  # the worker died (killed, out of memory): the next chart starts a new one
        raise


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
