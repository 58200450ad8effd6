"""Chart drawing with Pillow: plain data in, PNG bytes out. No Discord, no event loop, no figures of its own, and no
words of its own: every label arrives translated and formatted for the member's language (commands._charts).

Pillow is imported on the first chart, not at start-up. The picture sits on its own opaque dark card with
colour-blind-safe colours (Okabe–Ito), so it reads the same in Discord's dark and light themes.
"""

from __future__ import annotations

import dataclasses
import io
import math
import os
import pickle
import signal
import socket
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

BACKGROUND = (31, 35, 42)
TEXT = (236, 239, 244)
MUTED = (160, 168, 180)
GRID = (70, 78, 90)
COLOURS = {
    "deferrals": (86, 180, 233),  # sky blue
    "employer": (230, 159, 0),  # orange
    "after_tax_in": (204, 121, 167),  # reddish purple
    "room": (0, 158, 115),  # bluish green
    "catch_up": (240, 228, 66),  # yellow
    "total": (0, 158, 115),
}
WIDTH = 820
# Fonts with the letters of every language the bot speaks (í, ñ, ß, é …), found by name in the system's font folders
# (Linux, macOS, Windows); Pillow's bundled font, the fallback, draws ASCII only.
FONT_FILES = ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf")


@dataclass(frozen=True)
class Segment:
    label: str
    amount: float
    colour: str
    text: str  # the amount as the member's locale writes it

    def plain(self) -> tuple[str, float, str, str]:
        return (self.label, self.amount, self.colour, self.text)


@dataclass(frozen=True)
class RoomChart:
    title: str
    limit: float
    limit_text: str
    segments: list[Segment]
    catch_up: Segment | None = None
    limit_label: str = ""  # the limit line's label, "415(c) limit $70,000" (default: limit_text)

    def plain(self) -> tuple:
        """The chart as tuples of str and float, as it goes to the worker (a dataclass pickles at 4x the cost)."""
        catch_up = None if self.catch_up is None else self.catch_up.plain()
        segments = tuple(s.plain() for s in self.segments)
        return (self.title, self.limit, self.limit_text, segments, catch_up, self.limit_label)

    @classmethod
    def from_plain(cls, data: tuple) -> RoomChart:
        title, limit, limit_text, segments, catch_up, limit_label = data
        catch_up = None if catch_up is None else Segment(*catch_up)
        return cls(title, limit, limit_text, [Segment(*s) for s in segments], catch_up, limit_label)


@dataclass(frozen=True)
class PlanChart:
    title: str
    deferrals: list[float]  # running totals: before the next paycheck, then after each
    additions: list[float]  # running 415(c) annual additions, the same points
    deferral_limit: float
    deferral_limit_text: str
    limit_415c: float
    limit_415c_text: str
    x_labels: list[str] = field(default_factory=list)  # "now", "1", ..., per point
    end_text: str = ""
    y_ticks: list[tuple[float, str]] = field(default_factory=list)  # axis(...)'s ticks with their labels
    x_title: str = ""  # "paychecks from now"
    legend: tuple[str, str] = ("", "")  # the annual additions line, the deferrals line

    def plain(self) -> tuple:
        """The chart as it goes to the worker: its fields are plain already (lists of floats, strings)."""
        return tuple(self.__dict__.values())  # the fields, in order

    @classmethod
    def from_plain(cls, data: tuple) -> PlanChart:
        return cls(*data)


@cache
def _font_file() -> str | None:
    """The first of FONT_FILES this system has, or None (then Pillow's bundled font)."""
    from PIL import ImageFont

    for name in FONT_FILES:
        try:
            ImageFont.truetype(name, 12)
        except OSError:
            continue
        return name
    return None


@cache  # loading a font takes longer than drawing a chart
def _fonts(sizes: tuple[int, ...]):  # noqa: ANN202 - PIL types stay inside this module
    from PIL import ImageFont

    name = _font_file()
    if name is None:
        return [ImageFont.load_default(size=s) for s in sizes]
    return [ImageFont.truetype(name, s) for s in sizes]


def _readable(text: str) -> str:
    """Text as the font can draw it: no-break spaces (babel's "72.000 US$") as spaces; with the ASCII-only
    fallback font, letters without their accents (Límite → Limite) rather than empty boxes."""
    text = text.replace("\xa0", " ").replace("\u202f", " ")
    if _font_file() is None and not text.isascii():
        text = text.replace("–", "-").replace("—", "-")
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text


_Chart = TypeVar("_Chart", "RoomChart", "PlanChart")


def _readable_chart(chart: _Chart) -> _Chart:
    """Every label of a chart through _readable."""

    def fix(value):  # noqa: ANN001, ANN202
        if isinstance(value, str):
            return _readable(value)
        if isinstance(value, Segment):
            return dataclasses.replace(value, label=_readable(value.label), text=_readable(value.text))
        if isinstance(value, list | tuple):
            return type(value)(fix(v) for v in value)
        return value

    return dataclasses.replace(chart, **{f.name: fix(getattr(chart, f.name)) for f in dataclasses.fields(chart)})


def warm_up() -> None:
    """Start of the drawing worker: yield the CPU to the bot (charts are background work, /ping is not), then load
    the fonts so the first chart costs no more than the next."""
    if hasattr(os, "nice"):
        os.nice(10)
    _fonts((20, 16, 14))
    _fonts((20, 15, 13))


def serve(connection: socket.socket) -> None:
    """The drawing worker: read a request (its deadline, the drawing function, the chart's class and plain data),
    answer with a flag byte (1: it failed, the reason follows), the length and the PNG; until the bot closes its
    end of the socket."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the bot, which then closes the socket
    warm_up()
    with connection, connection.makefile("rb") as requests:
        while head := requests.read(4):
            seconds, drawing, kind, data = pickle.loads(requests.read(int.from_bytes(head, "big")))
            try:
                answer, failed = within(seconds, drawing, kind.from_plain(data)), b"\0"
            except Exception as error:  # noqa: BLE001 - the bot logs it and answers without this chart
                answer, failed = repr(error).encode(), b"\1"
            connection.sendall(failed + len(answer).to_bytes(4, "big") + answer)


def within(seconds: int, drawing: Callable[[Any], bytes], chart: object) -> bytes:
    """Draw in the worker with a deadline the kernel keeps: SIGALRM's default action ends the process, even one
    stuck inside Pillow's C code, so the bot reads the end of the socket (and starts a new worker) instead of waiting
    for ever. Where there is no SIGALRM (Windows) the bot's own timeout still drops the chart."""
    alarm = getattr(signal, "alarm", None)
    if alarm is None:
        return drawing(chart)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    alarm(seconds)
    try:
        return drawing(chart)
    finally:
        alarm(0)


def _png(image) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # the fastest level: Discord stores it, size barely matters
    return out.getvalue()


def draw_room(chart: RoomChart) -> bytes:
    """One bar for the year's 415(c) limit split into its parts, the catch-up as its own bar beside it."""
    from PIL import Image, ImageDraw

    chart = _readable_chart(chart)
    title_font, font, small = _fonts((20, 16, 14))
    height = 250 + 26 * len(chart.segments)
    img = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(img)
    draw.text((24, 18), chart.title, font=title_font, fill=TEXT)
    left, right, top, bar_h = 24, WIDTH - 24, 64, 46
    total = max(chart.limit, sum(s.amount for s in chart.segments), 1.0)
    scale = (right - left) / total
    x = float(left)
    for seg in chart.segments:
        w = seg.amount * scale
        if w >= 1:
            draw.rectangle((x, top, x + w, top + bar_h), fill=COLOURS[seg.colour])
        x += w
    limit_x = left + chart.limit * scale
    draw.line((limit_x, top - 8, limit_x, top + bar_h + 8), fill=TEXT, width=2)
    draw.text(
        (limit_x, top + bar_h + 10),
        chart.limit_label or chart.limit_text,
        font=small,
        fill=TEXT,
        anchor="ra" if limit_x > WIDTH / 2 else "la",
    )
    y = top + bar_h + 40
    if chart.catch_up is not None and chart.catch_up.amount > 0:
        w = chart.catch_up.amount * scale
        draw.rectangle((left, y, left + max(w, 2), y + 22), fill=COLOURS["catch_up"])
        draw.text(
            (left + max(w, 2) + 10, y + 11),
            f"{chart.catch_up.label}: {chart.catch_up.text}",
            font=small,
            fill=TEXT,
            anchor="lm",
        )
        y += 40
    for seg in chart.segments:
        draw.rectangle((left, y + 3, left + 16, y + 19), fill=COLOURS[seg.colour])
        draw.text((left + 26, y + 11), seg.label, font=font, fill=TEXT, anchor="lm")
        draw.text((right, y + 11), seg.text, font=font, fill=TEXT, anchor="rm")
        y += 26
    return _png(img.crop((0, 0, WIDTH, y + 14)))


def draw_plan(chart: PlanChart) -> bytes:
    """Running deferrals and annual additions across the paychecks left, against 402(g) and 415(c)."""
    from PIL import Image, ImageDraw

    chart = _readable_chart(chart)
    title_font, font, small = _fonts((20, 15, 13))
    height = 430
    # The legend, then the year-end figure beside it when both fit on one line (English), else on a line below.
    legend_end = 24 + sum(48 + int(font.getlength(label)) for label in chart.legend if label)
    end_beside = not chart.end_text or legend_end + int(font.getlength(chart.end_text)) <= WIDTH - 28
    img = Image.new("RGB", (WIDTH, height if end_beside else height + 26), BACKGROUND)
    draw = ImageDraw.Draw(img)
    draw.text((24, 18), chart.title, font=title_font, fill=TEXT)
    left, right, top, bottom = 92, WIDTH - 28, 62, height - 86
    top_value, ticks = axis(chart.limit_415c, chart.additions, chart.deferral_limit)
    labels_at = dict(chart.y_ticks)
    n = max(len(chart.deferrals) - 1, 1)

    def px(i: int, v: float) -> tuple[float, float]:
        return left + (right - left) * i / n, bottom - (bottom - top) * v / top_value

    for tick in ticks:
        y = bottom - (bottom - top) * tick / top_value
        draw.line((left, y, right, y), fill=GRID, width=1)
        draw.text((left - 8, y), labels_at.get(tick) or _short(tick), font=small, fill=MUTED, anchor="rm")
    draw.line((left, bottom, right, bottom), fill=MUTED, width=1)
    for value, text, colour in (
        (chart.limit_415c, chart.limit_415c_text, "total"),
        (chart.deferral_limit, chart.deferral_limit_text, "deferrals"),
    ):
        y = px(0, value)[1]
        _dashed(draw, left, right, y, COLOURS[colour])
        draw.text((right, y - 4), text, font=small, fill=COLOURS[colour], anchor="rb")
    for series, colour in ((chart.additions, "total"), (chart.deferrals, "deferrals")):
        points = [px(i, v) for i, v in enumerate(series)]
        if len(points) > 1:
            draw.line(points, fill=COLOURS[colour], width=3, joint="curve")
        if len(points) <= 60:
            for x, y in points:
                draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=COLOURS[colour])
    labels = chart.x_labels or [str(i) for i in range(n + 1)]
    every = max(1, (len(labels) + 12) // 13)
    for i, label in enumerate(labels):
        last = len(labels) - 1
        if (i % every == 0 and last - i >= max(every // 2, 1)) or i == last:
            draw.text((px(i, 0)[0], bottom + 8), label, font=small, fill=MUTED, anchor="ma")
    if chart.x_title:
        draw.text(((left + right) / 2, bottom + 28), chart.x_title, font=small, fill=MUTED, anchor="ma")
    y = height - 30
    x = 24
    for label, colour in zip(chart.legend, ("total", "deferrals"), strict=True):
        if not label:
            continue
        draw.rectangle((x, y - 7, x + 16, y + 7), fill=COLOURS[colour])
        draw.text((x + 24, y), label, font=font, fill=TEXT, anchor="lm")
        x += 24 + int(draw.textlength(label, font=font)) + 24
    if chart.end_text:
        draw.text((WIDTH - 28, y if end_beside else y + 26), chart.end_text, font=font, fill=TEXT, anchor="rm")
    return _png(img)


def axis(limit_415c: float, additions: list[float], deferral_limit: float) -> tuple[float, list[float]]:
    """The y axis of the plan chart: its top value and the ticks below it, at round amounts."""
    step = _nice_step(max(limit_415c, max(additions, default=0.0), deferral_limit, 1.0) / 4)
    top_value = step * math.ceil(max(limit_415c, max(additions, default=0.0)) * 1.04 / step)
    ticks = []
    tick = step
    while tick <= top_value + step / 2:
        ticks.append(tick)
        tick += step
    return top_value, ticks


def _dashed(draw, x0: float, x1: float, y: float, colour: tuple[int, int, int]) -> None:  # noqa: ANN001
    x = x0
    while x < x1:
        draw.line((x, y, min(x + 10, x1), y), fill=colour, width=2)
        x += 16


def _nice_step(rough: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten: ticks at $20k, $40k … rather than $19k, $38k …"""
    power = 10 ** math.floor(math.log10(max(rough, 1.0)))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)


def _short(value: float) -> str:
    """Axis ticks: $72k, $1.2M (the member's full amounts are in the legend and the embed)."""
    if value >= 1_000_000:
        return f"${value / 1_000_000:.1f}M"
    if value >= 1_000:
        return f"${value / 1_000:g}k"
    return f"${value:.0f}"
