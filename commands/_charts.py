"""Charts for /room and /plan: the data from a result, drawn in a worker process, attached as a PNG with alt text.

Drawing runs in one worker process started on the first chart (forked from a clean server process that has
loaded only Pillow and the drawing module), so Pillow never enters the bot's memory and drawing never competes
with the event loop for the GIL: /ping answers at its usual speed while charts are drawn. The bot talks to it over
a socket the event loop watches: a request is the chart's plain data, the answer the PNG's bytes, and no thread is
involved (a process pool's feeder and manager threads cost the bot about 0.2 ms of CPU per chart).
"""

from __future__ import annotations

import asyncio
import io
import logging
import math
import multiprocessing
import pickle
import re
import socket
import weakref
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar, cast

import discord
from babel.numbers import format_compact_currency

from bot.formatting import Formatter
from bot.replies import reply
from knowledge.plan import PlanResult
from knowledge.room import RoomResult

from . import _chart_draw as draw

log = logging.getLogger(__name__)
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)")
CHART_SECONDS = 5.0  # a chart takes about 50 ms; one not drawn by then is dropped from the answer
PRELOAD = ["commands._chart_draw", "PIL.Image", "PIL.ImageDraw", "PIL.ImageFont"]


class DrawingFailed(Exception):
    """The worker could not draw this chart (it said why); it is still there for the next one."""


class _Worker:
    """The drawing process and the bot's end of the socket between them: one chart at a time (the lock), so the
    answer read is always the one to the request written."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        self.process = _context().Process(target=draw.serve, args=(theirs,), daemon=True, name="roth-room-charts")
        self.process.start()
        theirs.close()
        self.socket = ours
        self.loop = asyncio.get_running_loop()  # its streams belong to this loop
        self.lock = asyncio.Lock()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.closed = False

    async def draw(self, seconds: int, drawing: object, chart: draw.RoomChart | draw.PlanChart) -> bytes:
        if self.streams is None:
            self.streams = await asyncio.open_connection(sock=self.socket)
        reader, writer = self.streams
        request = pickle.dumps((seconds, drawing, type(chart), chart.plain()), pickle.HIGHEST_PROTOCOL)
        writer.write(len(request).to_bytes(4, "big") + request)
        head = await reader.readexactly(5)  # failed?, then the length of what follows
        answer = await reader.readexactly(int.from_bytes(head[1:], "big"))
        if head[0]:
            raise DrawingFailed(answer.decode(errors="replace"))
        return answer

    def close(self) -> None:
        """Stop the process and close the socket (the process would end on its own when the socket closes, but a
        stuck one would not)."""
        self.closed = True
        self.process.kill()
        if self.streams is not None and not self.loop.is_closed():
            self.streams[1].close()
        else:
            self.socket.close()


_worker: _Worker | None = None


def _context() -> multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(PRELOAD)
        return forkserver
    return multiprocessing.get_context("spawn")  # no forkserver (Windows): a fresh interpreter


def _current() -> _Worker:
    """The drawing worker, started on the first chart and again after one was dropped or died."""
    global _worker
    if _worker is not None and _worker.loop is not asyncio.get_running_loop():
        _forget(_worker)  # its streams belong to another event loop (a restarted bot, tests)
    if _worker is None:
        _worker = _Worker()
    return _worker


def _forget(worker: _Worker) -> None:
    """Stop a worker; the next chart starts a new one."""
    global _worker
    if _worker is worker:
        _worker = None
    worker.close()


def _axis_money(value: float, f: Formatter) -> str:
    """Axis ticks, short the locale's way ($72K, 72 mil US$); the full amounts are in the legend and the embed."""
    text = format_compact_currency(value, "USD", locale=f.locale, fraction_digits=1)
    # A letter symbol never touches a digit, as in the member's other amounts: "USD 72 K", not "USD72 K".
    return _LETTER_DIGIT.sub(" ", text).replace("\xa0", " ")


_Result = TypeVar("_Result", RoomResult, PlanResult)
_Chart = TypeVar("_Chart", draw.RoomChart, draw.PlanChart)
_Build = Callable[[_Result, Formatter], tuple[_Chart, str]]
# A chart's data by the id of the result it shows: (that result, weakly; the language; the chart and its alt text).
_BUILT: dict[int, tuple[weakref.ref[Any], Formatter, Any]] = {}


def _once(build: _Build[_Result, _Chart]) -> _Build[_Result, _Chart]:
    """A chart's data built once for a result and a language: an answer given again from memory (bot/answers.py)
    is the same result object, so its chart's data is the same too (the words and amounts cost more to format
    than anything else a chart costs the bot). An entry goes when its result does."""

    def built_once(result: _Result, f: Formatter) -> tuple[_Chart, str]:
        key = id(result)
        entry = _BUILT.get(key)
        if entry is not None and entry[0]() is result and entry[1] is f:
            return cast("tuple[_Chart, str]", entry[2])
        data = build(result, f)
        _BUILT[key] = (weakref.ref(result, lambda _gone: _BUILT.pop(key, None)), f, data)
        return data

    return built_once


@_once
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


@_once
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
    stopped and the next chart starts a new one (TimeoutError or IncompleteReadError here, so the answer goes
    without its chart). A worker found dead when asked (killed between charts) is replaced for this chart."""
    drawing = draw.draw_room if isinstance(chart, draw.RoomChart) else draw.draw_plan
    dead_before = 0
    while True:
        worker = _current()
        async with worker.lock:
            if worker.closed:
                continue  # dropped while this chart waited its turn: a new worker draws it
            # Two deadlines: the worker's own alarm ends a stuck drawing (the socket closes: IncompleteReadError),
            # and ours, a little later, covers a worker that cannot be signalled.
            try:
                async with asyncio.timeout(CHART_SECONDS + 2):  # (no task of its own, unlike wait_for)
                    return await worker.draw(math.ceil(CHART_SECONDS), drawing, chart)
            except DrawingFailed:
                raise  # that chart's fault, not the worker's: it draws the next one
            except BrokenPipeError:  # the request found the worker gone: it died before this chart
                log.warning("the drawing worker had died (killed or out of memory): starting a new one")
                _forget(worker)
                dead_before += 1
                if dead_before > 1:
                    raise
            except TimeoutError:
                log.warning("a chart took over %s s to draw: replacing the drawing worker", CHART_SECONDS)
                _forget(worker)
                raise
            except (asyncio.IncompleteReadError, ConnectionError):
                log.warning(
                    "the drawing worker died (stuck past %s s, killed or out of memory): starting a new one",
                    CHART_SECONDS,
                )
                _forget(worker)
                raise
            except BaseException:  # cancelled half way: the socket may hold half an answer
                _forget(worker)
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
    fitted: bool = False,
) -> None:
    """Answer with the embeds, the chart shown in the first. The command armed defer_if_slow, so a long queue of
    charts answers "thinking…" in time; a chart that cannot be drawn leaves the answer without it, not failing it.
    `fitted`: as reply's (the embeds already went through fit_message; the image does not count)."""
    try:
        files = [await attach(embeds[0], chart, alt, name)]
    except Exception:  # noqa: BLE001 - the answer matters more than its picture
        log.exception("chart %s could not be drawn", name)
        embeds[0].set_image(url=None)
        files = []
    await reply(interaction, content, embeds=embeds, files=files, ephemeral=ephemeral, fitted=fitted)


def shutdown() -> None:
    """Stop the drawing worker (at the bot's close)."""
    if _worker is not None:
        _forget(_worker)
