"""A chart not drawn in time is dropped: the answer goes without it, and the stuck worker is replaced."""

from __future__ import annotations

import time

from commands import _chart_draw, _charts

from .conftest import ROOM_2025


def hang(_chart: object) -> bytes:
    """A drawing that never finishes (run in the worker process, found there by this module's name)."""
    time.sleep(600)
    return b""


async def test_a_stuck_chart_worker_is_dropped_and_replaced(world, monkeypatch):
    monkeypatch.setattr(_charts, "CHART_SECONDS", 1.0)
    monkeypatch.setattr(_chart_draw, "draw_room", hang)
    started = time.monotonic()
    result = await world.alice.slash(world.channel, "room", **ROOM_2025)
    assert time.monotonic() - started < 30  # bounded: not the worker's 600 s
    embed = result.response.embeds[0]
    assert embed.title == "After-tax room for 2025: $36,500"
    assert result.response.attachments == [] and not embed.image
    assert _charts._worker is None  # noqa: SLF001 - the stuck worker is gone; the next chart starts one

    monkeypatch.undo()  # the real drawing again: a fresh worker draws it
    result = await world.alice.slash(world.channel, "room", **ROOM_2025)
    [attachment] = result.response.attachments
    assert attachment.filename == "room.png"
