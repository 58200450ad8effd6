"""The servers a process serves, kept as a number per shard rather than as discord.py's Guild objects.

READY lists every server the bot is in as an `{"id", "unavailable": true}` stub, and without the GUILDS intent
nothing more about them ever comes. discord.py still keeps a Guild object for each stub, about 1.3 KB apiece:
13 MB at 10,000 servers, for a number the bot only prints. So READY is counted here and passed on to discord.py
without its list. Answering never needed those objects: an interaction carries its server's id, and discord.py
builds the server from it as it does for a server the bot is not in (a user install).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class ServerCount:
    """How many servers READY listed, per shard; a shard's new READY (a new session) replaces its number."""

    def __init__(self) -> None:
        self.by_shard: dict[int, int] = {}
        self.installed = False

    def __len__(self) -> int:
        return sum(self.by_shard.values())

    def install(self, state: Any) -> bool:
        """Wrap the READY parser of discord.py's connection state (its `parsers` table, by event name). When the
        table is not there (another discord.py), nothing changes and the count falls back to the Guild cache."""
        parsers = getattr(state, "parsers", None)
        if not isinstance(parsers, dict) or parsers.get("READY") is None:
            log.warning("discord.py has no READY parser to wrap: keeping its server cache")
            return False
        parse_ready: Callable[[dict[str, Any]], None] = parsers["READY"]

        def ready(data: dict[str, Any]) -> None:
            servers = data.get("guilds") or []
            shard = (data.get("shard") or [0])[0]
            self.by_shard[shard] = len(servers)
            parse_ready({**data, "guilds": []})

        parsers["READY"] = ready
        self.installed = True
        return True


def server_count(bot: Any) -> int:
    """The servers this process serves: READY's count, or discord.py's cache where READY was not wrapped."""
    count: ServerCount | None = getattr(bot, "servers", None)
    return len(count) if count is not None and count.installed else len(bot.guilds)
