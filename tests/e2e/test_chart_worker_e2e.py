"""The chart worker through SimCord: a chart not drawn in time is dropped (the answer goes without it) and the stuck
worker replaced; a drawing that fails drops only its chart; a worker killed between charts is replaced before the
next; charts asked for at once each come back with their own picture."""

from __future__ import annotations

import logging
import time

from commands import _chart_draw, _charts

from ..test_plan_i18n import PLAN_2026
from .conftest import ROOM_2025
from .locale import member_locale

CATCH_UP = ROOM_2025 | {"age": 55, "employee_deferrals": "31000"}  # a catch-up bar: a taller picture


def hang(_chart: object) -> bytes:
    """A drawing that never finishes (run in the worker process, found there by this module's name)."""
    time.sleep(600)
    return b""


def fail(_chart: object) -> bytes:
    """A drawing with a bug (in the worker process, as hang)."""
    raise ValueError("no such colour")


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


async def test_a_drawing_that_fails_drops_its_chart_and_the_worker_draws_the_next(world, monkeypatch, caplog):
    await world.alice.slash(world.channel, "room", **ROOM_2025)
    worker = _charts._worker  # noqa: SLF001
    assert worker is not None
    monkeypatch.setattr(_chart_draw, "draw_room", fail)
    with caplog.at_level(logging.ERROR, logger="commands._charts"):
        result = await world.alice.slash(world.channel, "room", **ROOM_2025)
    assert result.response.attachments == [] and not result.response.embeds[0].image
    assert result.response.embeds[0].title == "After-tax room for 2025: $36,500"
    [record] = [r for r in caplog.records if r.name == "commands._charts"]
    assert record.getMessage() == "chart room.png could not be drawn"
    assert "ValueError('no such colour')" in str(record.exc_info[1])

    monkeypatch.undo()
    result = await world.alice.slash(world.channel, "room", **ROOM_2025)
    assert [a.filename for a in result.response.attachments] == ["room.png"]
    assert _charts._worker is worker  # noqa: SLF001 - the same process: a failed drawing does not replace it


async def test_a_worker_killed_between_charts_is_replaced_without_losing_the_next_chart(world, caplog):
    await world.alice.slash(world.channel, "room", **ROOM_2025)
    worker = _charts._worker  # noqa: SLF001
    assert worker is not None
    worker.process.kill()  # as the system's out-of-memory killer would
    worker.process.join(10)
    caplog.set_level(logging.WARNING, logger="commands._charts")
    result = await world.alice.slash(world.channel, "plan", **PLAN_2026)
    [attachment] = result.response.attachments
    assert attachment.filename == "plan.png" and attachment.description.startswith("Line chart over 6 paychecks")
    assert (await attachment.read()).startswith(b"\x89PNG")
    assert _charts._worker is not worker  # noqa: SLF001
    assert [r.getMessage() for r in caplog.records if r.name == "commands._charts"] == [
        "the drawing worker had died (killed or out of memory): starting a new one"
    ]


async def test_charts_asked_for_at_once_each_get_their_own_picture(world):
    """One worker draws them in turn: each answer must carry the picture of its own request, the same bytes as
    drawn alone (a room with a catch-up bar, a plan, a room without: three sizes)."""
    calls = [(world.alice, "room", CATCH_UP), (world.mod, "plan", PLAN_2026), (world.alice, "room", ROOM_2025)]
    alone = []
    for member, name, options in calls:
        result = await member.slash(world.channel, name, **options)
        alone.append(await result.response.attachments[0].read())
    assert len({len(png) for png in alone}) == 3
    await world.env.advance_time(11)  # past /room's cooldown

    together = await world.slash_together(calls * 2)
    for result, expected in zip(together, alone * 2, strict=True):
        [attachment] = result.response.attachments
        assert attachment.filename in ("room.png", "plan.png")
        assert await attachment.read() == expected


async def test_a_chart_given_again_is_the_same_and_a_changed_question_or_language_gets_its_own(world):
    """An answer given again from memory has its chart's data built once; a new question or another language is
    another answer, with its own chart."""
    first = await world.alice.slash(world.channel, "room", **ROOM_2025)
    again = await world.alice.slash(world.channel, "room", **ROOM_2025)
    [a], [b] = first.response.attachments, again.response.attachments
    assert b.description == a.description and await b.read() == await a.read()
    assert again.response.embeds[0].image.url == "attachment://room.png"

    changed = await world.alice.slash(world.channel, "room", **ROOM_2025 | {"employer_contributions": "20000"})
    [c] = changed.response.attachments
    assert "employer money $20,000" in c.description and "employer money $10,000" in a.description
    assert await c.read() != await a.read()

    await world.env.advance_time(11)  # past /room's cooldown
    with member_locale("es-ES"):
        spanish = await world.alice.slash(world.channel, "room", **ROOM_2025)
    [d] = spanish.response.attachments
    assert d.description.startswith("Gráfico de barras del límite del 415(c) de 2025")
    assert await d.read() != await a.read()
