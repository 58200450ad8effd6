"""The links that add the bot: to a server (the bot user and its commands) and to a member's own account (its
commands only, usable in DMs and in any server). Asked for nothing more than the bot uses."""

from __future__ import annotations

import discord
from discord.utils import oauth_url

# What /facts announce-channel checks before it posts moderators' announcements; nothing else the bot does needs a
# server permission (replies to interactions and DMs need none).
PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
SERVER_SCOPES = ("bot", "applications.commands")


def server_invite(application_id: int) -> str:
    """Add the bot to a server: https://discord.com/oauth2/authorize?client_id=…&scope=bot+applications.commands&…"""
    return oauth_url(application_id, permissions=PERMISSIONS, scopes=SERVER_SCOPES)


def user_install(application_id: int) -> str:
    """Add the bot's commands to a member's own account (Discord's user install, integration_type 1)."""
    return oauth_url(application_id, scopes=("applications.commands",)) + "&integration_type=1"


async def fetch_application_id(token: str) -> int:
    """The token's application, asked of Discord (GET /oauth2/applications/@me): the id is not in the token."""
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(token)
        return (await client.application_info()).id
    finally:
        await client.close()
