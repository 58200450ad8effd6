"""clock.today() keeps the date it worked out for the rest of that day: it must always equal the local date.

Time zones are POSIX rules (no tz database needed), chosen for their awkward days: daylight saving that starts
or ends at midnight (Santiago, Havana), a half-hour change (Lord Howe), an ordinary one (New York) and UTC.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime

import pytest

from bot import clock

ZONES = {
    "UTC": "UTC0",
    "New York": "EST5EDT,M3.2.0,M11.1.0",
    "Santiago": "<-04>4<-03>,M9.1.6/24,M4.1.6/24",
    "Havana": "CST5CDT,M3.2.0/0,M11.1.0/1",
    "Lord Howe": "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
    "Kiritimati": "<+14>-14",
}
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
YEAR = 366 * 86400


@pytest.fixture(params=list(ZONES), ids=list(ZONES))
def zone(request, monkeypatch):
    monkeypatch.setenv("TZ", ZONES[request.param])
    time.tzset()
    monkeypatch.setattr(clock, "_kept", (0.0, -1.0, date.min))
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_every_quarter_hour_of_a_year_forwards(zone):
    for t in range(int(YEAR_START), int(YEAR_START + YEAR), 900):
        assert clock.date_at(t) == date.fromtimestamp(t), (zone, t)


def test_each_second_around_every_local_midnight(zone):
    # Where the date turns, and where daylight saving moves the clock: the seconds on both sides of each.
    turns = [
        t
        for t in range(int(YEAR_START), int(YEAR_START + YEAR), 60)
        if date.fromtimestamp(t) != date.fromtimestamp(t - 60)
    ]
    assert len(turns) >= 365
    for turn in turns:
        for t in range(turn - 62, turn + 3):
            assert clock.date_at(t + 0.5) == date.fromtimestamp(t + 0.5), (zone, t)


def test_a_clock_set_back_and_jumping_about(zone):
    rng = random.Random(7)
    moments = [YEAR_START + rng.random() * YEAR for _ in range(5000)]
    for t in sorted(moments, reverse=True) + moments:
        assert clock.date_at(t) == date.fromtimestamp(t), (zone, t)


def test_today_is_the_local_date(zone):
    before = date.today()
    assert clock.today() in {before, date.today()}
