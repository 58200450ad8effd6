"""Logging, set up once at start: a level from the environment for ours and discord.py's loggers, no secrets."""

from __future__ import annotations

import logging


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
    )
    set_discord_levels(logging.getLogger().level)


# discord.http and discord.gateway print raw payloads (members' figures) at DEBUG, so they stop at INFO.
PAYLOAD_LOGGERS = ("discord.http", "discord.gateway")


def set_discord_levels(level: int) -> None:
    """LOG_LEVEL governs discord.py's loggers too. At the default (INFO) the gateway's and HTTP's routine
    connect/retry lines stay at WARNING; other levels apply as set (DEBUG stops at INFO for the payload loggers)."""
    logging.getLogger("discord").setLevel(level)
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING if level == logging.INFO else max(level, logging.INFO))


def _not_voice(record: logging.LogRecord) -> bool:
    # Roth Room has no voice features; discord.py's "voice will NOT be supported" warning is noise here.
    return "voice will NOT be supported" not in record.getMessage()


logging.getLogger("discord.client").addFilter(_not_voice)
