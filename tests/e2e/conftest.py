"""End-to-end harness: the real bot (create_bot) inside SimCord, a server with members, and restarts."""

from __future__ import annotations

import discord
import pytest

from bot import create_bot

from ..conftest import make_settings

ROOM_2025 = dict(year=2025, age=45, compensation="200000", employee_deferrals="23500", employer_contributions="10000")


class World:
    """One server with a #general channel, a member (alice) and a moderator (mod) with Manage Server."""

    def __init__(self, env, db_url: str) -> None:
        self.env = env
        self.db_url = db_url
        self.bots = []
        self.guild = env.create_guild(name="Finance")
        self.channel = self.guild.create_text_channel("general")
        self.alice_user = env.create_user("alice")
        self.alice = self.guild.add_member(self.alice_user)
        mods = self.guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
        self.mod = self.guild.add_member(env.create_user("mod"), roles=[mods])

    @property
    def bot(self):
        return self.env.bot

    async def restart(self) -> None:
        """A new bot process's worth: a fresh bot object on the same database; the old one's storage closed."""
        old = self.env.bot
        new = create_bot(make_settings(), database_url=self.db_url)
        self.bots.append(new)
        await self.env.restart_bot(new)
        await old.close_storage()

    def acknowledge_errors(self) -> list[BaseException]:
        """Errors the tree's handler answered (SimCord re-raises unread ones at teardown)."""
        return [getattr(e, "original", e) for e in self.env.errors]


@pytest.fixture
async def world(simcord_env, db_url):
    w = World(simcord_env, db_url)
    yield w
    for b in w.bots:
        await b.close_storage()


@pytest.fixture
def db_url(both_backends) -> str:
    """Every end-to-end test runs on SQLite and on PostgreSQL."""
    return both_backends
