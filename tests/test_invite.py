"""`python -m bot invite` as its own process against the stand-in Discord (tests/tools/standin_discord.py): the
links come from the token's application, with the scopes and permissions the bot uses and nothing more."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import discord

from bot.invite import PERMISSIONS, server_invite, user_install

from .tools.standin_discord import APP_ID, StandinDiscord

ROOT = Path(__file__).resolve().parents[1]


async def invite(standin: StandinDiscord | None, tmp_path: Path, token: str | None = "standin-token"):
    environ = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    environ.update(PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests" / "tools" / "standin_site")]))
    if standin is not None:
        environ["ROTH_ROOM_STANDIN_DISCORD"] = standin.url
    if token is not None:
        environ["DISCORD_TOKEN"] = token
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "invite",
        cwd=tmp_path,
        env=environ,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode(), err.decode()


async def test_invite_prints_the_links_of_the_tokens_application(tmp_path):
    async with StandinDiscord() as standin:
        code, out, err = await invite(standin, tmp_path)
    assert code == 0, err
    assert "GET /api/v10/oauth2/applications/@me" in standin.requests  # the id is asked of Discord
    server = (
        f"https://discord.com/oauth2/authorize?client_id={APP_ID}&scope=bot+applications.commands&permissions=19456"
    )
    assert f"  {server}\n" in out
    assert (
        f"  https://discord.com/oauth2/authorize?client_id={APP_ID}&scope=applications.commands&integration_type=1\n"
        in out
    )
    assert "permissions 19456" in out


def test_the_links_ask_for_what_the_bot_uses_and_nothing_more():
    # View Channel + Send Messages + Embed Links: what /facts announce-channel checks before it posts; no other
    # permission (no Administrator, no Manage Messages, no mentions) and only the two scopes a bot needs.
    assert PERMISSIONS == discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
    assert PERMISSIONS.value == 19456
    assert server_invite(42) == (
        "https://discord.com/oauth2/authorize?client_id=42&scope=bot+applications.commands&permissions=19456"
    )
    # Installed to a member's account, the app has no bot user and so asks for no permission at all.
    assert "permissions" not in user_install(42) and "scope=applications.commands&" in user_install(42)


async def test_invite_without_a_token_gives_the_guidance(tmp_path):
    code, _out, err = await invite(None, tmp_path, token=None)
    assert code == 2 and "needs a Discord bot token" in err


async def test_invite_with_a_rejected_token_says_so(tmp_path):
    async with StandinDiscord(reject_token=True) as standin:
        code, _out, err = await invite(standin, tmp_path)
    assert code == 4 and "Discord rejected the token" in err
