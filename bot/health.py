"""Health an operator can see: the ready/resumed log line, a heartbeat file, systemd's notify protocol.

The heartbeat beats every few seconds while the gateway is connected and storage answers: it rewrites
HEARTBEAT_FILE (read by `python -m bot health`, the container's HEALTHCHECK) and sends WATCHDOG=1 to systemd when
NOTIFY_SOCKET is set. When either fails it stops beating, so the file ages and systemd's watchdog fires.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .servers import server_count
from .version import __version__

if TYPE_CHECKING:
    import discord

    from .app import RoomBot

log = logging.getLogger(__name__)
BEAT_SECONDS = 10.0
STORAGE_TIMEOUT = 10.0
MAX_AGE_SECONDS = 60.0  # `python -m bot health` fails past this: disconnected or storage down for a minute


def notify(message: str) -> bool:
    """sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET (an abstract address starts with @)."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError as exc:
        log.warning("could not notify systemd (%s): %s", address, exc)
        return False
    return True


def backend_name(database_url: str) -> str:
    return "postgresql" if database_url.startswith(("postgres://", "postgresql://")) else "sqlite"


def shards_text(bot: discord.Client) -> str:
    import discord  # here, not at the top: `python -m bot health` (check()) runs without discord.py

    if isinstance(bot, discord.AutoShardedClient):
        ids = sorted(bot.shards) or list(bot.shard_ids or [])
        return f"shards {','.join(map(str, ids))} of {bot.shard_count}"
    return "1 shard"


async def status_line(bot: RoomBot, event: str) -> str:
    """One line with what an operator needs to know the bot is up, and which bot it is."""
    try:
        schema: object = await asyncio.wait_for(bot.repo.schema_version(), STORAGE_TIMEOUT)
    except Exception as exc:  # the line is still worth logging; say the storage did not answer
        schema = f"unknown ({type(exc).__name__})"
    user = bot.user
    who = f"{user} (id {user.id})" if user else "?"
    line = (
        f"{event}: {who} in {server_count(bot)} servers, {shards_text(bot)}, version {__version__}, "
        f"storage {backend_name(bot.database_url)} schema {schema}"
    )
    if bot.application_id:  # set from READY: the link an operator needs next, to add the bot to a server
        from .invite import server_invite

        line += f", invite {server_invite(bot.application_id)}"
    return line


class Heartbeat:
    """Tracks gateway connection per shard from discord.py's events and beats while everything answers."""

    def __init__(self, bot: RoomBot, path: str | None) -> None:
        self.bot = bot
        self.path = Path(path) if path else None
        self.down: dict[int | None, float] = {}  # shard id (None: the single connection) -> since (monotonic)
        self.notified_ready = False
        self._task: asyncio.Task[None] | None = None
        import discord

        sharded = isinstance(bot, discord.AutoShardedClient)
        for event, handler in (
            ("on_shard_disconnect" if sharded else "on_disconnect", self._on_down),
            ("on_shard_connect" if sharded else "on_connect", self._on_up),
            ("on_shard_resumed" if sharded else "on_resumed", self._on_up),
        ):
            bot.add_listener(handler, event)

    async def _on_down(self, shard_id: int | None = None) -> None:
        self.down.setdefault(shard_id, time.monotonic())

    async def _on_up(self, shard_id: int | None = None) -> None:
        self.down.pop(shard_id, None)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="roth-room heartbeat")

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        notify("STOPPING=1")

    async def _run(self) -> None:
        while True:
            await self.beat()
            await asyncio.sleep(BEAT_SECONDS)

    async def healthy(self) -> str | None:
        """None when healthy, else why not."""
        if not self.bot.is_ready():
            return "not ready"
        if self.down:
            shards = ", ".join("main" if s is None else f"shard {s}" for s in self.down)
            return f"gateway disconnected ({shards})"
        try:
            await asyncio.wait_for(self.bot.repo.schema_version(), STORAGE_TIMEOUT)
        except Exception as exc:  # any failure means storage does not answer; the reason goes to the log
            return f"storage does not answer ({type(exc).__name__}: {exc})"
        return None

    async def beat(self) -> bool:
        problem = await self.healthy()
        if problem is not None:
            log.debug("no heartbeat: %s", problem)
            return False
        if not self.notified_ready:
            notify(f"READY=1\nSTATUS=serving {server_count(self.bot)} servers")
            self.notified_ready = True
        notify("WATCHDOG=1")
        if self.path is not None:
            self.write()
        return True

    def write(self) -> None:
        assert self.path is not None
        tmp = self.path.with_name(self.path.name + ".tmp")
        latency = self.bot.latency
        tmp.write_text(f"ok servers={server_count(self.bot)} latency_ms={latency * 1000:.0f}\n")
        tmp.replace(self.path)


def check(path: str | None, max_age: float = MAX_AGE_SECONDS) -> tuple[bool, str]:
    """`python -m bot health`: whether the heartbeat file was written within max_age seconds."""
    if not path:
        return False, "HEARTBEAT_FILE is not set, so there is no heartbeat to check"
    try:
        stat = os.stat(path)
        text = Path(path).read_text().strip()
    except OSError as exc:
        return False, f"no heartbeat at {path}: {exc.strerror or exc} (still starting, or not connected)"
    age = time.time() - stat.st_mtime
    if age > max_age:
        return False, f"heartbeat is {age:.0f} s old (limit {max_age:.0f} s): gateway disconnected or storage down"
    return True, f"healthy: heartbeat {age:.0f} s ago, {text}"
