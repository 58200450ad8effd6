"""A per-member cooldown for app commands, refusing with discord.py's own CommandOnCooldown.

discord.py's `app_commands.checks.cooldown` scans every member's bucket on every use to drop the expired ones,
so each /room paid for every member who ran it in the last ten seconds. Here each member has a window (when it
opened, uses left) with the same rule as discord.py's `Cooldown` bucket: `rate` uses, counted from the first, for
`per` seconds. Windows that have ended are dropped when a new one opens, at most once per `per` seconds, so
members see the same limits and the same error for a fraction of the cost (two numbers, no bucket object, on
the path of every answer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

T = TypeVar("T")

_EPOCH = discord.utils.DISCORD_EPOCH


def per_member(rate: int, per: float) -> Callable[[T], T]:
    """At most `rate` uses per `per` seconds for each member (app_commands.CommandOnCooldown past it)."""
    windows: dict[int, list[float]] = {}  # member -> [when their window opened, uses left in it]
    swept = [0.0]

    def predicate(interaction: discord.Interaction) -> bool:  # not a coroutine: nothing here waits
        now = ((interaction.id >> 22) + _EPOCH) / 1000  # created_at, without a datetime
        window = windows.get(interaction.user.id)
        if window is not None and now <= window[0] + per:
            if window[1] > 0:
                window[1] -= 1
                return True
            raise app_commands.CommandOnCooldown(app_commands.Cooldown(rate, per), per - (now - window[0]))
        if now - swept[0] >= per:  # only here can the table grow, so only here does it need trimming
            for member in [m for m, (opened, _left) in windows.items() if now > opened + per]:
                del windows[member]
            swept[0] = now
        windows[interaction.user.id] = [now, rate - 1]
        return True

    return app_commands.check(predicate)
