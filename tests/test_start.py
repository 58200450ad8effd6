"""`python -m bot` as its own process against a stand-in Discord on loopback (tests/tools/standin_discord.py):
the real start path (settings, storage, login, command sync, gateway) logs the ready line, beats the heartbeat,
tells systemd READY/WATCHDOG, serves metrics, logs the resumed line after a gateway reconnect, and stops on SIGTERM.

SimCord cannot serve a bot in another process, hence the stand-in; the in-process SimCord tests cover the rest.
"""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys
import urllib.request

from bot.version import __version__

from .tools.bot_process import WAIT, BotProcess, bot_environment
from .tools.standin_discord import APP_ID, BOT_ID, GUILD_IDS, StandinDiscord


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


async def notifications(sock: socket.socket, until: str) -> list[str]:
    loop = asyncio.get_running_loop()
    got: list[str] = []
    while until not in got:
        got.append((await asyncio.wait_for(loop.sock_recv(sock, 4096), WAIT)).decode())
    return got


async def test_python_m_bot_starts_against_a_standin_discord(tmp_path):
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.setblocking(False)
    heartbeat = tmp_path / "heartbeat"
    async with StandinDiscord() as discord:
        environ = bot_environment(
            discord.url,
            tmp_path,
            HEARTBEAT_FILE=str(heartbeat),
            NOTIFY_SOCKET=str(tmp_path / "notify"),
            METRICS_PORT="0",
        )
        bot = await BotProcess.start(environ, tmp_path)
        proc = bot.proc
        try:
            ready = await bot.until(r"bot\.app: (ready: .*)")
            assert re.fullmatch(
                rf"ready: RothRoom \(id {BOT_ID}\) in {len(GUILD_IDS)} servers, 1 shard, version "
                rf"{re.escape(__version__)}, storage sqlite schema \d+, invite "
                + re.escape(
                    f"https://discord.com/oauth2/authorize?client_id={APP_ID}"
                    "&scope=bot+applications.commands&permissions=19456"
                ),
                ready[1],
            ), ready[1]
            assert "PUT /api/v10/applications/1100000000000000002/commands" in discord.requests
            assert {"help", "about", "room"} <= {c["name"] for c in discord.synced}

            # systemd: READY=1 once, then WATCHDOG=1 with each beat.
            told = await notifications(notify, "WATCHDOG=1")
            assert told[0] == f"READY=1\nSTATUS=serving {len(GUILD_IDS)} servers"

            # The container's HEALTHCHECK: the heartbeat file is fresh.
            health = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "bot", "health"],
                cwd=tmp_path,
                env=environ,
                capture_output=True,
                text=True,
                timeout=WAIT,
            )
            assert health.returncode == 0, health.stderr
            assert f"ok servers={len(GUILD_IDS)}" in health.stdout

            metrics_url = (await bot.until(r"metrics on (http://\S+/metrics)"))[1]
            body = await asyncio.to_thread(scrape, metrics_url)
            assert f"roth_room_guilds {float(len(GUILD_IDS))}" in body

            # Discord asks the bot to reconnect: it resumes the session and says so.
            await discord.ask_to_reconnect()
            await asyncio.wait_for(discord.resumed.wait(), WAIT)
            resumed = await bot.until(r"bot\.app: (resumed: .*)")
            assert resumed[1].startswith(f"resumed: RothRoom (id {BOT_ID}) in {len(GUILD_IDS)} servers, 1 shard")

            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), WAIT) == 0
            assert "STOPPING=1" in await notifications(notify, "STOPPING=1")
            assert "Traceback" not in "\n".join(bot.lines)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            notify.close()


def _connection_options(bot) -> tuple:
    """What the bot asked discord.py to keep and wait for (discord.py's private state, read only here)."""
    state = bot._connection
    return state._intents.value, state.member_cache_flags.value, state.max_messages, state.guild_ready_timeout


def test_the_bot_keeps_no_server_cache_and_does_not_wait_for_servers_before_ready():
    """An interactions bot: no intents (no server, channel, role or member data from the gateway, so memory does
    not grow with servers) and no wait for GUILD_CREATEs that never come (discord.py's 2 s before on_ready)."""
    from bot import create_bot

    from .conftest import make_settings

    for settings in (make_settings(), make_settings(shard_count=2)):
        bot = create_bot(settings, database_url="sqlite:///:memory:")
        assert _connection_options(bot) == (0, 0, None, 0)


async def test_python_m_bot_answers_commands_through_the_standin(tmp_path):
    """The stand-in as the memory benchmark uses it (scripts/bench_rss.py): a real bot process in servers READY
    listed only as stubs answers INTERACTION_CREATEs over the callback route, as JSON and as multipart with its
    chart, through follow-ups, and by DM; every body it sent is one Discord would take."""
    from .discord_api_spec.validator import check_request
    from .tools.standin_discord import channel_of, member_id

    async with StandinDiscord(guilds=5) as discord:
        bot = await BotProcess.start(bot_environment(discord.url, tmp_path), tmp_path)
        try:
            await bot.until(r"bot\.app: ready: .* in 5 servers")
            server, member = discord.guild_ids[4], member_id(1)

            async def ask(command: str, **options):
                sent = await discord.interact(command, options, guild_id=server, member=member)
                return await discord.answer(sent, WAIT)

            room = dict(year=2026, age=45, compensation="200000", employee_deferrals="24500")
            plain = await ask("room", chart=False, **room)
            assert plain.route == "callback" and not plain.files
            assert plain.body["embeds"][0]["title"].startswith("After-tax room")
            charted = await ask("room", **room)
            assert [f.filename for f in charted.files if f.png] == ["room.png"]
            assert charted.body["embeds"][0]["image"]["url"] == "attachment://room.png"

            saved = await ask("profile set", age=45, compensation="200000", match_formula="50% up to 6%")
            assert saved.body["embeds"] and not saved.error_like
            done = await ask("checklist")
            assert "Sent you a DM" in done.body["content"]
            assert [m for m, body in discord.dms if body["embeds"]] == [member]

            assert {s.channel_id for s in discord.sent.values()} == {channel_of(server)}
            problems = [p for method, path, body in discord.bodies for p in check_request(method, path, body)]
            assert problems == []
        finally:
            assert await bot.stop() == 0
        assert "Traceback" not in "\n".join(bot.lines)
