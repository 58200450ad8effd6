"""The shell around knowledge/: settings, start-up, storage, formatting, errors, logging and the console."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import RothRoomBot, create_bot

__all__ = ["RothRoomBot", "create_bot"]


def __getattr__(name: str) -> Any:
    # Lazy, so `python -m bot health` and `--version` (run by health checks) do not import discord.py.
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
