"""Points a `python -m bot` process at tests/tools/standin_discord.py: on PYTHONPATH only in tests/test_start.py.

discord.py's REST base and default gateway are class attributes; nothing else of the bot changes.
"""

import os

# Taken out of the environment, so the bot's own helper processes (the chart worker's forkserver, the resource
# tracker) start as they would in production, without importing discord.py here.
_url = os.environ.pop("ROTH_ROOM_STANDIN_DISCORD", None)
if _url:
    import discord.gateway
    import discord.http
    import yarl

    discord.http.Route.BASE = f"{_url}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(_url.replace("http://", "ws://") + "/gateway")
