"""`python -m bot` runs the bot; `console [-c LINE]` the offline console; `facts import|list` the operator's figures."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

import aiohttp
import discord
from pydantic import ValidationError

from .settings import Settings

GUIDANCE = """\
Roth Room needs a Discord bot token to connect to Discord, and none is set.

  1. Open https://discord.com/developers/applications, create an application, and under "Bot"
     press "Reset Token" to get the token.
  2. Put it in the environment or in a .env file here:   DISCORD_TOKEN=your-token
  3. Invite the bot with the applications.commands and bot scopes (see README, "Running on Discord").

No token? Try every command offline, against the same database:
  ./scripts/run console
  ./scripts/run console -c "/room year:2025 age:45 compensation:200000 \\
      employee_deferrals:20000 employer_contributions:10000"
"""

EXIT_NO_TOKEN, EXIT_STORAGE, EXIT_LOGIN, EXIT_CONFIG, EXIT_NETWORK = 2, 3, 4, 5, 6


async def run_bot(settings: Settings) -> None:
    from .app import create_bot

    bot = create_bot(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: asyncio.create_task(bot.close()))
    async with bot:
        await bot.open_storage()
        await bot.start(settings.discord_token.get_secret_value())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="roth-room", description="Roth Room: a mega backdoor Roth Discord bot")
    sub = parser.add_subparsers(dest="cmd")
    sub.add_parser("run", help="connect to Discord (the default)")
    console = sub.add_parser("console", help="the offline console: slash commands without Discord")
    console.add_argument("-c", dest="line", help="run one command line and exit")
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
    args = parser.parse_args(argv)

    try:
        settings = Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(map(str, err["loc"])).upper()
        msg = err["msg"].removeprefix("Value error, ")
        print(f"Configuration error: {where + ': ' if where else ''}{msg}", file=sys.stderr)
        return EXIT_CONFIG

    from .logs import setup_logging
    from .storage import StorageError

    setup_logging(settings.log_level if args.cmd != "console" else "ERROR")
    try:
        if args.cmd == "console":
            return asyncio.run(_console(settings, args.line))
        if args.cmd == "migrate-data":
            return asyncio.run(_migrate(args.source or settings.database_url, args.target))
        if args.cmd == "facts":
            return asyncio.run(_facts(settings, args))
        if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
            print(GUIDANCE, file=sys.stderr)
            return EXIT_NO_TOKEN
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
        print("Discord refused a privileged intent; Roth Room needs none, so check the bot's settings.",
              file=sys.stderr)
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
    return await import_packs(settings.database_url, files, settings.source_hosts, dry_run=args.dry_run,
                              yes=args.yes, note=args.note, out=print, err=err)


async def _console(settings: Settings, line: str | None) -> int:
    from .console import run_console

    return await run_console(settings, line)


if __name__ == "__main__":
    sys.exit(main())
