"""The shell around knowledge/: settings, start-up, storage, formatting, errors, logging and the console."""

from .app import RothRoomBot, create_bot

__all__ = ["RothRoomBot", "create_bot"]
