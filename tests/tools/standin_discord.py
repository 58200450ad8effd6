"""A stand-in Discord on loopback for `python -m bot` as a separate process: just enough REST (who am I, the
application, command sync) and gateway (HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RESUME) for the bot's
real start path, over real HTTP and a real websocket. SimCord serves only a bot in its own process; this serves one
in another.

The bot process is pointed here by tests/tools/standin_site/sitecustomize.py (ROTH_ROOM_STANDIN_DISCORD=URL).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType, web

BOT_ID = "1100000000000000001"
APP_ID = "1100000000000000002"
OWNER_ID = "1100000000000000003"
GUILD_IDS = ["1100000000000000010", "1100000000000000011", "1100000000000000012"]
SESSION = "standin-session"


def user(uid: str, name: str, bot: bool) -> dict[str, Any]:
    return {
        "id": uid,
        "username": name,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
        "flags": 0,
        "public_flags": 0,
    }


def guild(gid: str, n: int) -> dict[str, Any]:
    everyone = {
        "id": gid,
        "name": "@everyone",
        "permissions": "0",
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    channel = {
        "id": str(int(gid) + 100),
        "type": 0,
        "guild_id": gid,
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
    }
    return {
        "id": gid,
        "name": f"Server {n}",
        "icon": None,
        "owner_id": OWNER_ID,
        "roles": [everyone],
        "channels": [channel],
        "threads": [],
        "members": [],
        "voice_states": [],
        "presences": [],
        "emojis": [],
        "stickers": [],
        "features": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "member_count": 2,
        "large": False,
        "unavailable": False,
        "joined_at": "2026-01-01T00:00:00+00:00",
        "premium_tier": 0,
        "mfa_level": 0,
        "verification_level": 0,
        "explicit_content_filter": 0,
        "default_message_notifications": 0,
        "nsfw_level": 0,
        "preferred_locale": "en-US",
        "system_channel_flags": 0,
        "afk_timeout": 300,
    }


def reply(data: Any) -> web.Response:
    # Exactly "application/json", as Discord sends it: discord.py parses nothing else as JSON.
    return web.Response(body=json.dumps(data).encode(), content_type="application/json")


class StandinDiscord:
    """Run with `async with StandinDiscord() as discord:`; `discord.url` is its base URL."""

    def __init__(self, *, reject_token: bool = False) -> None:
        self.reject_token = reject_token  # answer "who am I" with 401, as Discord does for a reset token
        self.requests: list[str] = []
        self.identified = asyncio.Event()
        self.resumed = asyncio.Event()
        self.sockets: list[web.WebSocketResponse] = []
        self.synced: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> StandinDiscord:
        app = web.Application()
        app.router.add_get("/api/v10/users/@me", self.me)
        app.router.add_get("/api/v10/oauth2/applications/@me", self.application)
        app.router.add_put("/api/v10/applications/{app}/commands", self.sync)
        app.router.add_put("/api/v10/applications/{app}/guilds/{guild}/commands", self.sync)
        app.router.add_get("/api/v10/gateway/bot", self.gateway_bot)
        app.router.add_get("/gateway", self.gateway)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        for ws in self.sockets:
            await ws.close()
        assert self._runner is not None
        await self._runner.cleanup()

    # ------------------------------------------------------------------ REST
    async def me(self, request: web.Request) -> web.Response:
        self.requests.append(f"GET {request.path}")
        if self.reject_token:
            return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        return reply(user(BOT_ID, "RothRoom", True))

    async def application(self, request: web.Request) -> web.Response:
        self.requests.append(f"GET {request.path}")
        return reply(
            {
                "id": APP_ID,
                "name": "Roth Room",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": user(OWNER_ID, "owner", False),
                "verify_key": "00",
                "flags": 0,
                "team": None,
                "summary": "",
            }
        )

    async def sync(self, request: web.Request) -> web.Response:
        self.requests.append(f"PUT {request.path}")
        body = await request.json()
        self.synced = [{**c, "id": str(2000 + i), "application_id": APP_ID, "version": "1"} for i, c in enumerate(body)]
        return reply(self.synced)

    async def gateway_bot(self, request: web.Request) -> web.Response:
        self.requests.append(f"GET {request.path}")
        return reply(
            {
                "url": self.ws_url,
                "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
            }
        )

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/gateway"

    # ------------------------------------------------------------------ gateway
    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        seq = 0

        async def dispatch(event: str, data: Any) -> None:
            nonlocal seq
            seq += 1
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": seq, "d": data}))

        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            payload = json.loads(msg.data)
            op = payload["op"]
            if op == 1:  # heartbeat
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:  # identify
                await dispatch(
                    "READY",
                    {
                        "v": 10,
                        "user": user(BOT_ID, "RothRoom", True),
                        "session_id": SESSION,
                        "resume_gateway_url": self.ws_url,
                        "guilds": [{"id": g, "unavailable": True} for g in GUILD_IDS],
                        "application": {"id": APP_ID, "flags": 0},
                        "shard": [0, 1],
                    },
                )
                for n, gid in enumerate(GUILD_IDS, 1):
                    await dispatch("GUILD_CREATE", guild(gid, n))
                self.identified.set()
            elif op == 6:  # resume
                await dispatch("RESUMED", {})
                self.resumed.set()
        return ws

    async def ask_to_reconnect(self) -> None:
        """Gateway op 7: the bot closes this connection and RESUMEs on a new one."""
        await self.sockets[-1].send_str(json.dumps({"op": 7, "d": None}))
