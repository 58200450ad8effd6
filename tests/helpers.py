"""Mocks for cog unit tests, spec_set against discord.py's real classes so a typo'd attribute fails."""

from __future__ import annotations

from unittest.mock import AsyncMock, MagicMock, create_autospec

import discord


def mock_interaction(client, *, user_id: int = 1001, guild_id: int | None = 555, locale: str = "en-US"):
    interaction = create_autospec(discord.Interaction, instance=True, spec_set=True)
    response = create_autospec(discord.InteractionResponse, instance=True, spec_set=True)
    response.is_done.return_value = False
    user = create_autospec(discord.Member, instance=True, spec_set=True)
    user.id = user_id
    interaction.user = user
    interaction.client = client
    interaction.guild_id = guild_id
    interaction.locale = discord.Locale(locale)
    interaction.permissions = discord.Permissions.none()
    interaction.response = response
    interaction.extras = {}
    interaction.followup = create_autospec(discord.Webhook, instance=True, spec_set=True)
    return interaction


def sent(interaction) -> tuple[tuple, dict]:
    """The args and kwargs of the one response.send_message call."""
    call = interaction.response.send_message
    assert call.await_count == 1, call.await_args_list
    return call.await_args.args, call.await_args.kwargs


__all__ = ["AsyncMock", "MagicMock", "mock_interaction", "sent"]


async def raw_rows(url: str, sql: str) -> list[tuple]:
    """Rows straight from the database file or server, bypassing the repository and its caches."""
    if url.startswith("sqlite:///"):
        import sqlite3

        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return [tuple(r) for r in con.execute(sql).fetchall()]
        finally:
            con.close()
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()
