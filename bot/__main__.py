"""`python -m bot` runs the bot; `console [-c LINE] [--moderator]` the offline console; `facts import|list` the
operator's figures; `invite` prints the links that add the bot; `health` checks the heartbeat."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
from pathlib import Path

from pydantic import ValidationError

from .settings import Settings
from .version import __version__

GUIDANCE = """\
Roth Room needs a Discord bot token to connect to Discord, and none is set.

  1. Open https://discord.com/developers/applications, create an application, and under "Bot"
     press "Reset Token" to get the token.
  2. Put it in the environment or in a .env file here:   DISCORD_TOKEN=your-token
  3. Start the bot: its "ready" log line carries the link that adds it to a server (the `invite`
     command prints it, and the link that adds its commands to your own account).

No token? Try every command offline, against the same database:
{console}
"""
EXAMPLE = '-c "/room year:2025 age:45 compensation:200000 employee_deferrals:20000 employer_contributions:10000"'
# Where the console is started from depends on how the bot was installed: name a command that exists there.
CONSOLE_IN_CHECKOUT = "  ./scripts/run console\n  ./scripts/run console {example}"
CONSOLE_IN_CONTAINER = (
    "  docker compose -f deploy/compose.yaml run --rm bot console        (from the repository, on the host)\n"
    "  docker run --rm -it -v roth-room-data:/data roth-room console     (plain docker)\n"
    "  docker compose -f deploy/compose.yaml run --rm bot console {example}"
)
CONSOLE_INSTALLED = "  python -m bot console\n  python -m bot console {example}"

EXIT_NO_TOKEN, EXIT_STORAGE, EXIT_LOGIN, EXIT_CONFIG, EXIT_NETWORK = 2, 3, 4, 5, 6
EXIT_UNHEALTHY = 1
# Only an operator can fix these; restarting at once would only spin (see fatal_wait()).
OPERATOR_EXITS = {EXIT_NO_TOKEN, EXIT_LOGIN, EXIT_CONFIG}


def guidance() -> str:
    if os.environ.get("ROTH_ROOM_CONTAINER"):
        console = CONSOLE_IN_CONTAINER
    elif (Path(__file__).resolve().parents[1] / "scripts" / "run").exists():
        console = CONSOLE_IN_CHECKOUT
    else:
        console = CONSOLE_INSTALLED
    return GUIDANCE.format(console=console.format(example=EXAMPLE))


async def run_bot(settings: Settings) -> None:
    from .app import create_bot

    assert settings.discord_token is not None  # main() checked
    bot = create_bot(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: asyncio.create_task(bot.close()))
    async with bot:
        await bot.open_storage()
        await bot.start(settings.discord_token.get_secret_value())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="roth-room", description="Roth Room: a mega backdoor Roth Discord bot")
    parser.add_argument("--version", action="version", version=f"roth-room {__version__}")
    sub = parser.add_subparsers(dest="cmd")
    sub.add_parser("run", help="connect to Discord (the default)")
    console = sub.add_parser("console", help="the offline console: slash commands without Discord")
    console.add_argument("-c", dest="line", help="run one command line and exit")
    console.add_argument(
        "--moderator", action="store_true", help="as a moderator of a local server of its own: /facts works"
    )
    sub.add_parser("invite", help="print the links that add the bot to a server or to a member's account")
    migrate = sub.add_parser("migrate-data", help="copy every profile, fact change and setting to another database")
    migrate.add_argument("--from", dest="source", help="source DATABASE_URL (default: DATABASE_URL)")
    migrate.add_argument("--to", dest="target", required=True, help="target DATABASE_URL, e.g. postgresql://…")
    facts = sub.add_parser("facts", help="the operator's figures for every server: import fact packs, list them")
    facts_sub = facts.add_subparsers(dest="facts_cmd", required=True)
    imp = facts_sub.add_parser("import", help="load fact packs (knowledge/data/<year>.toml format) for every server")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="print the differences from the figures in force only")
    imp.add_argument("--yes", action="store_true", help="confirm figures moving more than 15%% from the year before")
    imp.add_argument("--note", help="why (kept in the audit log)")
    listing = facts_sub.add_parser("list", help="each year's figures and where each comes from")
    listing.add_argument("--guild", type=int, help="as this server sees them (with its moderators' changes)")
    health = sub.add_parser("health", help="exit 0 if the running bot's heartbeat (HEARTBEAT_FILE) is fresh, else 1")
    health.add_argument("--max-age", type=float, default=60.0, help="seconds (default 60)")
    args = parser.parse_args(argv)
    code = _run(args)
    if code in OPERATOR_EXITS and args.cmd in (None, "run"):
        fatal_wait(code)
    return code


def fatal_wait(code: int) -> None:
    """In a container (ROTH_ROOM_FATAL_WAIT seconds, set by the Dockerfile), wait before exiting with a code that
    needs an operator, so a restart policy does not spin. SIGTERM (docker stop) ends the wait at once."""
    try:
        seconds = float(os.environ.get("ROTH_ROOM_FATAL_WAIT", "0"))
    except ValueError:
        seconds = 0
    if seconds <= 0:
        return

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(code)

    # PID 1 in a container ignores SIGTERM unless it has a handler; installed before saying we wait.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(
        f"Exit code {code} needs an operator: waiting {seconds:.0f} s before exiting so the container does not "
        "restart in a loop. Fix the setting, then recreate the container (docker compose up -d).",
        file=sys.stderr,
        flush=True,
    )
    time.sleep(seconds)


def _run(args: argparse.Namespace) -> int:
    try:
        settings = Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(map(str, err["loc"])).upper()
        msg = err["msg"].removeprefix("Value error, ")
        print(f"Configuration error: {where + ': ' if where else ''}{msg}", file=sys.stderr)
        return EXIT_CONFIG

    if args.cmd == "health":
        from .health import check

        ok, message = check(settings.heartbeat_file, args.max_age)
        print(message, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else EXIT_UNHEALTHY

    import aiohttp
    import discord

    from .logs import setup_logging
    from .storage import StorageError

    setup_logging(settings.log_level if args.cmd != "console" else "ERROR")
    try:
        if args.cmd == "console":
            return asyncio.run(_console(settings, args.line, args.moderator))
        if args.cmd == "migrate-data":
            return asyncio.run(_migrate(args.source or settings.database_url, args.target))
        if args.cmd == "facts":
            return asyncio.run(_facts(settings, args))
        if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
            print(guidance(), file=sys.stderr)
            return EXIT_NO_TOKEN
        if args.cmd == "invite":
            return asyncio.run(_invite(settings.discord_token.get_secret_value()))
        asyncio.run(run_bot(settings))
    except StorageError as exc:
        if exc.kind == "invalid":  # a wrong URL is a setting to fix, not an outage to wait out
            print(f"Configuration error: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        if args.cmd in ("migrate-data", "facts"):
            print(f"{args.cmd}: {exc}", file=sys.stderr)
        else:
            from .storage import redacted

            shown = redacted(settings.database_url)
            print(f"Cannot start: {exc}\nCheck DATABASE_URL (now {shown!r}).", file=sys.stderr)
        return EXIT_STORAGE
    except discord.LoginFailure:
        print("Discord rejected the token: check DISCORD_TOKEN (reset it in the developer portal).", file=sys.stderr)
        return EXIT_LOGIN
    except discord.PrivilegedIntentsRequired:
        print(
            "Discord refused a privileged intent; Roth Room needs none, so check the bot's settings.", file=sys.stderr
        )
        return EXIT_LOGIN
    except (aiohttp.ClientConnectionError, discord.GatewayNotFound) as exc:
        print(f"Cannot reach Discord: {exc}. Check the network, then start again.", file=sys.stderr)
        return EXIT_NETWORK
    except KeyboardInterrupt:
        logging.getLogger(__name__).info("interrupted")
    return 0


async def _migrate(source: str, target: str) -> int:
    from .storage.transfer import migrate_data

    for c in await migrate_data(source, target):
        print(f"{c.table:<15} {c.source:>8} copied, {c.target:>8} in the target")
    print("All counts equal. Point DATABASE_URL at the target and restart the bot.")
    return 0


async def _facts(settings: Settings, args: argparse.Namespace) -> int:
    from .packs import EXIT_REFUSED, import_packs, list_facts, read_files

    def err(line: str) -> None:
        print(line, file=sys.stderr)

    if args.facts_cmd == "list":
        return await list_facts(settings.database_url, args.guild, print)
    files = read_files(args.files, err)
    if files is None:
        return EXIT_REFUSED
    return await import_packs(
        settings.database_url,
        files,
        settings.source_hosts,
        dry_run=args.dry_run,
        yes=args.yes,
        note=args.note,
        out=print,
        err=err,
    )


async def _invite(token: str) -> int:
    from .invite import PERMISSIONS, fetch_application_id, server_invite, user_install

    app_id = await fetch_application_id(token)
    print(f"Add Roth Room to a server (someone with Manage Server opens it; permissions {PERMISSIONS.value}:")
    print("View Channel, Send Messages, Embed Links, for /facts announce-channel):")
    print(f"  {server_invite(app_id)}")
    print("Add its commands to your own account (usable in DMs and in any server, no bot in the server):")
    print(f"  {user_install(app_id)}")
    return 0


async def _console(settings: Settings, line: str | None, moderator: bool) -> int:
    from .console import run_console

    return await run_console(settings, line, moderator=moderator)


if __name__ == "__main__":
    sys.exit(main())
