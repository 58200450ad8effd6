"""A per-member cooldown for app commands: discord.py's own buckets and CommandOnCooldown, kept cheaply.

discord.py's `app_commands.checks.cooldown` scans every member's bucket on every use to drop the expired ones,
so each /room paid for every member who ran it in the last ten seconds. Here the buckets
back to all their tokens (as good as new ones) are dropped at most once per window, so members see the same
limits and the same error for a fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

T = TypeVar("T")


def per_member(rate: int, per: float) -> Callable[[T], T]:
    """At most `rate` uses per `per` seconds for each member (app_commands.CommandOnCooldown past it)."""
    buckets: dict[int, app_commands.Cooldown] = {}
    swept = [0.0]

    def predicate(interaction: discord.Interaction) -> bool:  # not a coroutine: nothing here waits
        now = ((interaction.id >> 22) + discord.utils.DISCORD_EPOCH) / 1000  # created_at, without a datetime
        if now - swept[0] >= per:
            for member in [m for m, b in buckets.items() if b.get_tokens(now) == rate]:  # full: as good as new
                del buckets[member]
            swept[0] = now
        bucket = buckets.get(interaction.user.id)
        if bucket is None:
            bucket = buckets[interaction.user.id] = app_commands.Cooldown(rate, per)
        retry_after = bucket.update_rate_limit(now)
        if retry_after is None:
            return True
        raise app_commands.CommandOnCooldown(bucket, retry_after)

    return app_commands.check(predicate)
