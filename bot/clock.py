"""The bot's idea of today: one function, so tests can freeze the date (monkeypatch bot.clock.today).

Call it as `clock.today()`, never `from bot.clock import today`, or a frozen clock would be missed.
"""

from __future__ import annotations

from datetime import date


def today() -> date:
    """The tax year turns with the calendar: today's local date."""
    return date.today()
