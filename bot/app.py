"""The bot: a commands.Bot subclass whose setup_hook opens storage, loads every cog and syncs when needed."""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import pkgutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from .answers import AnswerMemo
from .errors import on_app_command_error
from .facts import GuildFacts
from .health import Heartbeat, status_line
from .i18n import RoomTranslator, catalogs_digest
from .logs import quiet_sql_loggers
from .servers import ServerCount
from .settings import Settings
from .storage import Repository, open_repository

if TYPE_CHECKING:
    from .metrics import Metrics

log = logging.getLogger(__name__)
quiet_sql_loggers()  # even when embedded or tested without setup_logging(): SQL parameters are members' data
SyncMode = Literal["auto", "always", "never"]


def walk_extensions() -> Iterator[str]:
    """Every module under commands/ with a setup() is a cog; a name starting with _ is a private helper."""
    import commands as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        name = f"{package.__name__}.{info.name}"
        if hasattr(importlib.import_module(name), "setup"):
            yield name


def intents() -> discord.Intents:
    # None at all: interactions arrive whatever the intents, carrying the server's id, the channel, the member's
    # permissions and both locales; announcements are posted by channel id. Without the guilds intent Discord
    # sends no server, channel or role data, so memory does not grow with the number of servers.
    return discord.Intents.none()


class _RoomBot:
    """Shared by the plain and the auto-sharded bot."""

    repo: Repository
    facts: GuildFacts
    servers: ServerCount
    heartbeat: Heartbeat
    metrics: Metrics | None

    def _init_room(self, settings: Settings, database_url: str, sync: SyncMode) -> None:
        self.settings = settings
        self.database_url = database_url
        self.sync_mode = sync
        # Servers counted from READY, not kept as discord.py's Guild objects: memory that does not grow with them.
        self.servers = ServerCount()
        self.servers.install(self._connection)  # type: ignore[attr-defined]
        self.tree.on_error = on_app_command_error  # type: ignore[attr-defined]
        # Every command works in servers, the bot's DM and group DMs, whether a server added the bot or a member
        # added it to their own account (user install); /facts narrows this to servers (commands/facts.py).
        tree: app_commands.CommandTree = self.tree  # type: ignore[attr-defined]
        tree.allowed_contexts = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)
        tree.allowed_installs = app_commands.AppInstallationType(guild=True, user=True)
        self.heartbeat = Heartbeat(self, settings.heartbeat_file)  # type: ignore[arg-type]
        self.answers = AnswerMemo()
        self.metrics = None
        if settings.metrics_port is not None:
            from .metrics import Metrics  # prometheus-client is imported only when metrics are on

            self.metrics = Metrics(self)  # type: ignore[arg-type]
            self.metrics.install()

    async def open_storage(self) -> None:
        """Open the database (once). Called before login so a bad DATABASE_URL fails without any network."""
        if getattr(self, "repo", None) is None:
            repo = await open_repository(self.database_url, pool_size=self.settings.database_pool_size)
            self.repo = self.metrics.timed(repo) if self.metrics else repo
            self.facts = GuildFacts(self.repo)
            # Profiles changed or erased in another process (PostgreSQL notifications; SQLite: the operator's CLI).
            self.repo.add_listener(self.answers.heard)
            self.facts.on_external_change.append(lambda: self.answers.forget(None))

    async def setup_hook(self) -> None:
        await self.open_storage()
        await self.tree.set_translator(RoomTranslator())  # type: ignore[attr-defined]
        for extension in walk_extensions():
            await self.load_extension(extension)  # type: ignore[attr-defined]
        if self.sync_mode != "never":
            await self.sync_commands(force=self.sync_mode == "always")
        if self.metrics and self.settings.metrics_port is not None:
            port = self.metrics.serve(self.settings.metrics_port, self.settings.metrics_addr)
            log.info("metrics on http://%s:%d/metrics", self.settings.metrics_addr, port)
        if self.settings.heartbeat_file or os.environ.get("NOTIFY_SOCKET"):
            self.heartbeat.start()

    async def on_ready(self) -> None:
        log.info("%s", await status_line(self, "ready"))  # type: ignore[arg-type]
        await self.heartbeat.beat()

    async def on_resumed(self) -> None:
        log.info("%s", await status_line(self, "resumed"))  # type: ignore[arg-type]

    async def sync_commands(self, *, force: bool = False) -> None:
        """Sync only when the command set (or its translations) changed since the last sync."""
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        tree: app_commands.CommandTree = self.tree  # type: ignore[attr-defined]
        if guild is not None:
            tree.copy_global_to(guild=guild)
        payload = [c.to_dict(tree) for c in tree.get_commands(guild=guild)]
        state = json.dumps([payload, catalogs_digest()], sort_keys=True, default=str)
        digest = hashlib.sha256(state.encode()).hexdigest()
        scope = f"commands_hash:{guild.id if guild else 'global'}:{self.application_id}"  # type: ignore[attr-defined]
        if not force and await self.repo.get_setting(0, scope) == digest:
            log.info("command set unchanged; not syncing")
            return
        synced = await tree.sync(guild=guild)
        self.command_ids = {c.name: c.id for c in synced}  # for /help's command mentions (commands/help.py)
        await self.repo.set_setting(0, scope, digest)
        log.info("synced %d commands %s", len(synced), f"to guild {guild.id}" if guild else "globally")

    async def close(self) -> None:
        # Reverse order of opening: the heartbeat (so health fails at once), the gateway, then storage.
        self.heartbeat.stop()
        await super().close()  # type: ignore[misc]
        if self.metrics:
            self.metrics.close()
        await self.close_storage()

    async def close_storage(self) -> None:
        repo = getattr(self, "repo", None)
        if repo is not None:
            self.repo = None  # type: ignore[assignment]
            await repo.close()


class RothRoomBot(_RoomBot, commands.Bot):
    def __init__(self, settings: Settings, database_url: str, sync: SyncMode = "auto") -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            help_command=None,
            max_messages=None,
            chunk_guilds_at_startup=False,
            # discord.py waits this long after READY for servers' GUILD_CREATEs before on_ready (2 s by default):
            # without the guilds intent none come, so it was 2 s of nothing before the bot said it was ready.
            guild_ready_timeout=0,
            member_cache_flags=discord.MemberCacheFlags.none(),
            # Nothing the bot says pings anyone, whatever text a member or moderator got into it.
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self._init_room(settings, database_url, sync)


class ShardedRothRoomBot(_RoomBot, commands.AutoShardedBot):
    def __init__(self, settings: Settings, database_url: str, sync: SyncMode = "auto") -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            help_command=None,
            max_messages=None,
            chunk_guilds_at_startup=False,
            # discord.py waits this long after READY for servers' GUILD_CREATEs before on_ready (2 s by default):
            # without the guilds intent none come, so it was 2 s of nothing before the bot said it was ready.
            guild_ready_timeout=0,
            member_cache_flags=discord.MemberCacheFlags.none(),
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=settings.shard_count,
            shard_ids=settings.shard_ids,  # type: ignore[arg-type]  # None: every shard, discord.py's default
        )
        self._init_room(settings, database_url, sync)


def create_bot(
    settings: Settings | None = None, *, database_url: str | None = None, sync: SyncMode = "auto"
) -> RothRoomBot | ShardedRothRoomBot:
    """The fully configured bot, not connected: cogs load and storage opens in setup_hook."""
    settings = settings or Settings()
    url = database_url or settings.database_url
    if settings.shard_count:
        return ShardedRothRoomBot(settings, url, sync)
    return RothRoomBot(settings, url, sync)


RoomBot = RothRoomBot | ShardedRothRoomBot
