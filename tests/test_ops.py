"""Operations pieces on their own: systemd's notify socket, discord.py's log levels, the database file's mode."""

from __future__ import annotations

import logging
import socket
import stat

import pytest

from bot.health import notify
from bot.logs import set_discord_levels
from bot.storage import open_repository


def test_notify_sends_one_datagram_to_the_notify_socket(tmp_path, monkeypatch):
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(path)
        server.settimeout(5)
        monkeypatch.setenv("NOTIFY_SOCKET", path)
        assert notify("READY=1\nSTATUS=serving 3 servers")
        assert server.recv(4096) == b"READY=1\nSTATUS=serving 3 servers"
        assert notify("WATCHDOG=1")
        assert server.recv(4096) == b"WATCHDOG=1"


def test_notify_reaches_an_abstract_socket_too(monkeypatch):
    name = f"roth-room-test-{id(monkeypatch)}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind("\0" + name)
        server.settimeout(5)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert notify("WATCHDOG=1")
        assert server.recv(4096) == b"WATCHDOG=1"


def test_notify_without_systemd_does_nothing(monkeypatch, tmp_path):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert notify("READY=1") is False
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "nobody-listens"))
    assert notify("READY=1") is False  # logged, not raised


@pytest.fixture
def discord_levels():
    names = ("discord", "discord.gateway", "discord.http", "discord.client")
    before = {n: logging.getLogger(n).level for n in names}
    yield lambda: {n: logging.getLevelName(logging.getLogger(n).getEffectiveLevel()) for n in names}
    for n, level in before.items():
        logging.getLogger(n).setLevel(level)


def test_log_level_governs_discord_loggers(discord_levels):
    set_discord_levels(logging.INFO)  # the default: gateway and HTTP chatter stays at WARNING
    assert discord_levels() == {
        "discord": "INFO",
        "discord.gateway": "WARNING",
        "discord.http": "WARNING",
        "discord.client": "INFO",
    }
    set_discord_levels(logging.DEBUG)  # debugging: all of discord.py, but never raw payloads (members' figures)
    assert discord_levels() == {
        "discord": "DEBUG",
        "discord.gateway": "INFO",
        "discord.http": "INFO",
        "discord.client": "DEBUG",
    }
    set_discord_levels(logging.ERROR)
    assert set(discord_levels().values()) == {"ERROR"}


async def test_sqlite_database_files_are_private_to_the_bot_user(tmp_path):
    path = tmp_path / "data" / "roth-room.db"
    repo = await open_repository(f"sqlite:///{path}")
    try:
        await repo.update_profile(1, {"compensation": "150000"})
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        wal = path.with_name(path.name + "-wal")
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
    finally:
        await repo.close()


def test_the_invite_link_asks_for_what_announce_channel_checks():
    import inspect
    from pathlib import Path

    import discord

    from commands.facts import Facts

    checked = ("view_channel", "send_messages", "embed_links")
    needed = discord.Permissions(**dict.fromkeys(checked, True))
    # Without a cache the bot asks Discord (a typing indicator needs View Channel and Send Messages); Embed Links
    # is the invite's, and a post refused for it is reported to the moderator when announcing.
    source = inspect.getsource(Facts.announce_channel.callback)
    assert "can_post(" in source
    invite_page = (Path(__file__).resolve().parents[1] / "docs" / "operators" / "invite.md").read_text()
    assert f"scope=bot+applications.commands&permissions={needed.value}`" in invite_page and needed.value == 19456
