"""End-to-end harness: the real bot (create_bot) inside SimCord, a server with members, and restarts.

Every REST request the bot makes in these tests is checked against Discord's OpenAPI description
(tests/discord_api_spec): a body Discord would refuse fails the test that sent it.
"""

from __future__ import annotations

from typing import Any

import discord
import pytest
from simcord import InteractionResult

from bot import create_bot

from ..conftest import make_settings
from ..discord_api_spec.validator import Problem, check_request

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

    async def press_together(self, user, message, custom_ids: list[str]) -> list:
        """Press several buttons of one DM message at once, as a member double-clicking or pressing two before
        the first answer arrives: every INTERACTION_CREATE is emitted before the bot handles any. SimCord's
        click() runs one interaction at a time, so this builds the same payloads itself (SimCord's private
        helpers, used only here). Returns the interaction records, for their responses."""
        from simcord import interactions as sim_interactions
        from simcord.backend import serializers
        from simcord.enums import ComponentType, InteractionType

        backend = self.env.backend
        stored = backend.get_message(message.channel.id, message.id)
        records = []
        for custom_id in custom_ids:
            record, payload = sim_interactions.base_payload(
                backend,
                type=InteractionType.MESSAGE_COMPONENT,
                channel_id=stored.channel_id,
                guild_id=None,
                user_id=user.id,
                data={"custom_id": custom_id, "component_type": ComponentType.BUTTON},
            )
            payload["message"] = dict(serializers.message_payload(backend, stored))
            record.source_message_id = stored.id
            records.append(record)
            backend.emit("INTERACTION_CREATE", payload)
        await self.env.settle()
        return records

    async def slash_together(self, calls: list[tuple[Any, str, dict]]) -> list[InteractionResult]:
        """Several slash commands (member, command, options) emitted at once, before the bot handles any: as
        press_together, with SimCord's private helpers (used only here)."""
        from simcord import interactions as sim_interactions
        from simcord.enums import InteractionType

        backend = self.env.backend
        records = []
        for member, name, options in calls:
            command = backend.find_command(name, None, type=1)
            built, resolved = sim_interactions.build_options(member, name, command, options, channel_id=self.channel.id)
            record, payload = sim_interactions.base_payload(
                backend,
                type=InteractionType.APPLICATION_COMMAND,
                channel_id=self.channel.id,
                guild_id=self.guild.id,
                user_id=member.id,
                data={"id": command["id"], "name": name, "type": 1, "options": built, "resolved": resolved},
            )
            records.append(record)
            backend.emit("INTERACTION_CREATE", payload)
        await self.env.settle()
        return [InteractionResult(self.env, r) for r in records]

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


class RequestAudit:
    """The bot's REST requests in one test, read from SimCord's public request log, checked against the spec."""

    def __init__(self, env) -> None:
        self.env = env
        self.checked = 0

    def problems(self) -> list[Problem]:
        """What Discord would refuse among the requests made since the last call (each request checked once)."""
        new = self.env.http_requests[self.checked :]
        self.checked += len(new)
        return [p for r in new for p in check_request(r.method, r.path, r.json)]

    def fail_on_problems(self) -> None:
        problems = self.problems()
        if problems:
            lines = "\n".join(f"  {p}" for p in problems)
            pytest.fail(f"Discord would refuse {len(problems)} part(s) of the bot's requests:\n{lines}", pytrace=False)


@pytest.fixture(autouse=True)
def discord_api_audit(simcord_env):
    audit = RequestAudit(simcord_env)
    yield audit
    audit.fail_on_problems()  # requests made after the test body (or left unread when it failed)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Check the test's requests as part of the test itself, so a bad body is a failure, not a teardown error."""
    result = yield
    audit = item.funcargs.get("discord_api_audit")
    if audit is not None:
        audit.fail_on_problems()
    return result
