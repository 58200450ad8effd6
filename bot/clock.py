"""The bot's idea of today: one function, so tests can freeze the date (monkeypatch bot.clock.today).

Call it as `clock.today()`, never `from bot.clock import today`, or a frozen clock would be missed.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

# The last date worked out, with the span of seconds since the epoch it lasts: [start, end). Every answer asks
# for today, and working it out (localtime and the time zone's rules) cost ~10 µs a call in the running bot,
# where an answer given again costs ~300 µs in all; comparing the clock with the span costs one clock read.
_kept: tuple[float, float, date] = (0.0, -1.0, date.min)
# The longest a worked-out span is trusted: a time-zone rule the platform's mktime gets wrong can then give the
# wrong date for at most this long.
_TRUSTED = 3600.0


def today() -> date:
    """The tax year turns with the calendar: today's local date."""
    return date_at(time.time())


def date_at(now: float) -> date:
    """The local date at `now` (seconds since the epoch), as date.fromtimestamp(now) gives it."""
    start, end, day = _kept
    if start <= now < end:
        return day
    return _work_out(now)


def _work_out(now: float) -> date:
    global _kept
    day = date.fromtimestamp(now)
    # The day's first and next day's first local second, by the local rules (mktime: daylight saving included).
    # A span that ends early only means working the date out again; a clock set back lands before `start`.
    start = datetime.combine(day, datetime.min.time()).timestamp()
    end = datetime.combine(day + timedelta(days=1), datetime.min.time()).timestamp()
    _kept = (min(start, now), min(end, now + _TRUSTED), day)
    return day
