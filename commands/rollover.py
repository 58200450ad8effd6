"""No commands: watches for figures the operator loaded from another process and announces a new year's arrival.

`python -m bot facts import` writes operator figures from its own process. On PostgreSQL every bot process hears
of it by notification at once; on SQLite GuildFacts notices the file changed (`PRAGMA data_version`, checked at
most every couple of seconds while answering) and drops the caches, so no restart is needed.
A year the operator added is then announced once in each server with an announcement channel (the claim in
guild_settings keeps other processes and shards from posting it again).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from discord.ext import commands

from bot import clock
from bot.formatting import FALLBACK, formatter
from bot.storage import OPERATOR_GUILD

from ._announce import ANNOUNCE_KEY, LOCALE_KEY, announce_new_year, channel_by_id

if TYPE_CHECKING:
    from bot.app import RothRoomBot

log = logging.getLogger(__name__)


class Rollover(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._seen: frozenset[int] | None = None
        self._tasks: set[asyncio.Task[object]] = set()

    async def cog_load(self) -> None:
        bot: RothRoomBot = self.bot  # type: ignore[assignment]
        bot.facts.on_external_change.append(self._schedule)
        bot.repo.add_listener(self._heard)

    async def cog_unload(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def _heard(self, kind: str, guild_id: int | None) -> None:
        """PostgreSQL: another process changed the operator's figures (or everything may have changed)."""
        if kind == "facts" and guild_id in (OPERATOR_GUILD, None):
            self._schedule()

    def _schedule(self) -> None:
        if self.bot.is_ready():
            task = asyncio.get_running_loop().create_task(self._poll_logged())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        await self._poll_logged()  # a year the operator added while this process was down

    async def _poll_logged(self) -> None:
        try:
            await self.poll()
        except Exception:  # noqa: BLE001 - announcing is best-effort; the figures are in force regardless
            log.warning("announcing the operator's new figures failed", exc_info=True)

    async def poll(self) -> list[tuple[int, int]]:
        """One check; returns the (server, year) announcements it posted."""
        bot: RothRoomBot = self.bot  # type: ignore[assignment]
        if getattr(bot, "repo", None) is None:
            return []
        operator = await bot.facts.operator()
        this_year = clock.today().year
        years = frozenset(y for y in operator.years if y not in bot.facts.base.years and y >= this_year)
        if years == self._seen:
            return []
        self._seen = years
        return await self.announce(sorted(years))

    async def announce(self, years: list[int]) -> list[tuple[int, int]]:
        if not years:
            return []
        bot: RothRoomBot = self.bot  # type: ignore[assignment]
        channels = await bot.repo.settings_with_key(ANNOUNCE_KEY)
        locales = await bot.repo.settings_with_key(LOCALE_KEY)
        posted = []
        # Servers with an announcement channel, by id (the bot keeps no server cache); this process's shards' only.
        for guild_id, raw in sorted(channels.items()):
            if not raw or not serves(bot, guild_id):
                continue
            channel = channel_by_id(bot, int(raw), guild_id)
            facts = await bot.facts.get(guild_id)
            f = formatter(locales.get(guild_id) or FALLBACK)
            for year in years:
                if year in facts.years and await announce_new_year(
                    channel, bot.repo, guild_id, facts.year(year), facts.years.get(year - 1), f
                ):
                    posted.append((guild_id, year))
        return posted


def serves(bot: commands.Bot, guild_id: int) -> bool:
    """Whether this process's shards receive the server's events (Discord's rule: (id >> 22) % shard_count)."""
    count = bot.shard_count or 1
    if count == 1:
        return True
    shard = (guild_id >> 22) % count
    ids = getattr(bot, "shard_ids", None)
    return ids is None or shard in ids


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Rollover(bot))
