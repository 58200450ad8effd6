"""Optional Prometheus metrics (METRICS_PORT), with prometheus-client.

Installed only when METRICS_PORT is set, so a bot without it pays nothing: the tree's global check stamps a start
time into `interaction.extras`, the completion event and the error handler count the outcome and observe the
latency, and storage calls are timed by a thin wrapper around the repository.
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from knowledge.errors import InputError

from .servers import server_count
from .version import __version__

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

    from .app import RoomBot
    from .storage import Repository

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
STORAGE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0)
_START = "roth_room_started"  # key in interaction.extras


def outcome_of(error: BaseException) -> str:
    """ok / refused (the member's input or permissions) / discord_error / error (our bug or storage)."""
    original = getattr(error, "original", error)
    if isinstance(original, InputError) or isinstance(error, app_commands.CheckFailure | app_commands.TransformerError):
        return "refused"
    if isinstance(original, discord.HTTPException):
        return "discord_error"
    return "error"


class Metrics:
    def __init__(self, bot: RoomBot, registry: CollectorRegistry | None = None) -> None:
        self.bot = bot
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.interactions = Counter(
            "roth_room_interactions",
            "Slash commands answered, by command and outcome",
            ["command", "outcome"],
            registry=r,
        )
        self.latency = Histogram(
            "roth_room_interaction_seconds",
            "From the command tree receiving a slash command to its end",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.discord_errors = Counter(
            "roth_room_discord_errors",
            "Discord HTTP errors while answering, by status and JSON error code",
            ["status", "code"],
            registry=r,
        )
        self.storage = Histogram(
            "roth_room_storage_seconds",
            "Storage calls, by repository method",
            ["operation"],
            buckets=STORAGE_BUCKETS,
            registry=r,
        )
        Gauge(
            "roth_room_gateway_latency_seconds", "Gateway heartbeat latency (NaN before the first)", registry=r
        ).set_function(self._gateway_latency)
        Gauge("roth_room_guilds", "Servers this process serves", registry=r).set_function(lambda: server_count(bot))
        Gauge("roth_room_info", "Always 1; the version in a label", ["version"], registry=r).labels(__version__).set(1)
        self._server: WSGIServer | None = None
        self.port: int | None = None

    def _gateway_latency(self) -> float:
        latency = self.bot.latency
        return latency if math.isfinite(latency) else math.nan

    def install(self) -> None:
        """Hook into the bot's tree, events and storage."""
        bot = self.bot
        tree = bot.tree
        handler: Any = tree.on_error  # the bot's handler (bot/errors.py), still called after counting

        async def stamp(interaction: discord.Interaction) -> bool:
            interaction.extras[_START] = time.perf_counter()
            return True

        async def on_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
            self.finish(interaction, outcome_of(error))
            original = getattr(error, "original", error)
            if isinstance(original, discord.HTTPException):
                self.discord_errors.labels(str(original.status), str(original.code)).inc()
            await handler(interaction, error)

        async def on_completion(interaction: discord.Interaction, _command: object) -> None:
            self.finish(interaction, "ok")

        tree.interaction_check = stamp  # type: ignore[method-assign]
        tree.on_error = on_error  # type: ignore[method-assign]
        bot.add_listener(on_completion, "on_app_command_completion")

    def finish(self, interaction: discord.Interaction, outcome: str) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        self.interactions.labels(command, outcome).inc()
        started = interaction.extras.get(_START)
        if started is not None:
            self.latency.labels(command).observe(time.perf_counter() - started)

    def timed(self, repo: Repository) -> Repository:
        return TimedRepository(repo, self.storage)

    def serve(self, port: int, addr: str) -> int:
        """Serve /metrics on addr:port (port 0: any free one); returns the port."""
        self._server, _thread = start_http_server(port, addr=addr, registry=self.registry)
        self.port = int(self._server.server_port)
        return self.port

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class TimedRepository:
    """The repository with each coroutine method timed; everything else passes through."""

    def __init__(self, repo: Repository, histogram: Histogram) -> None:
        self._repo = repo
        self._histogram = histogram
        self._wrapped: dict[str, Callable[..., Any]] = {}

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._repo, name)
        if not inspect.iscoroutinefunction(attr):
            return attr
        wrapped = self._wrapped.get(name)
        if wrapped is None:
            observe = self._histogram.labels(name).observe

            async def wrapped(*args: Any, **kwargs: Any) -> Any:
                started = time.perf_counter()
                try:
                    return await attr(*args, **kwargs)
                finally:
                    observe(time.perf_counter() - started)

            self._wrapped[name] = wrapped
        return wrapped
