"""Logging, set up once at start: a level from the environment for ours and discord.py's loggers, no secrets."""

from __future__ import annotations

import logging

# Database drivers log statements with their parameters (aiosqlite: every call, at DEBUG), and parameters
# are members' profiles: pay, deferrals. Kept at WARNING whatever LOG_LEVEL says, and stripped of arguments.
# (A logger's filters do not apply to its children's records, so each logger the drivers use is named.)
SQL_LOGGERS = ("aiosqlite", "asyncpg", "asyncpg.pool")


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
    )
    set_discord_levels(logging.getLogger().level)
    quiet_sql_loggers()


# discord.http and discord.gateway print raw payloads (members' figures) at DEBUG, so they stop at INFO.
PAYLOAD_LOGGERS = ("discord.http", "discord.gateway")


def set_discord_levels(level: int) -> None:
    """LOG_LEVEL governs discord.py's loggers too. At the default (INFO) the gateway's and HTTP's routine
    connect/retry lines stay at WARNING; other levels apply as set (DEBUG stops at INFO for the payload loggers)."""
    logging.getLogger("discord").setLevel(level)
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING if level == logging.INFO else max(level, logging.INFO))


def quiet_sql_loggers() -> None:
    for name in SQL_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        if _no_parameters not in logger.filters:
            logger.addFilter(_no_parameters)


def _no_parameters(record: logging.LogRecord) -> bool:
    # What is left (a warning or an error from the driver) keeps its text but not the values it was given,
    # and one line: the exception's type, not its traceback (which can quote a statement's values).
    if record.args:
        record.msg = f"{record.msg} [arguments withheld]"
        record.args = None
    if record.exc_info:
        record.msg = f"{record.msg} ({record.exc_info[0].__name__ if record.exc_info[0] else 'error'})"
        record.exc_info = None
        record.exc_text = None
    return True


def _not_voice(record: logging.LogRecord) -> bool:
    # Roth Room has no voice features; discord.py's "voice will NOT be supported" warning is noise here.
    return "voice will NOT be supported" not in record.getMessage()


logging.getLogger("discord.client").addFilter(_not_voice)
