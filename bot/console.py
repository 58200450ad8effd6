"""The offline console: slash-command lines run through the same cogs, printed as text. No token needed.

Lines are parsed against the real app_commands definitions (names, types, ranges, choices), the command's
own callback runs with a console interaction, and replies print as the embed would read.

`--moderator` runs the console as a moderator (Manage Server) of a local server of its own (CONSOLE_SERVER_ID):
`/facts …` works against that server's figures, which every other command then answers with; `press <label>`
presses a button of the last answer (a confirmation, a page).
"""

from __future__ import annotations

import asyncio
import io
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from commands._render import embed_text, unescape

from .app import create_bot
from .errors import APOLOGY, describe
from .formatting import formatter
from .settings import Settings

Printer = Callable[[str], None]
CONSOLE_SERVER_ID = 1  # the console's own server (--moderator): no Discord server has so small an id
_TRUE, _FALSE = {"true", "yes", "y", "1", "on"}, {"false", "no", "n", "0", "off"}


class ConsoleError(Exception):
    """A line the console cannot run; the message says why."""


@dataclass
class ConsoleUser:
    id: int
    name: str = "you"
    out: Printer = print

    @property
    def mention(self) -> str:
        return f"@{self.name}"

    @property
    def display_name(self) -> str:
        return self.name

    async def send(self, content: str | None = None, **kwargs: Any) -> None:
        _emit(self.out, "DM", content, **kwargs)


def _emit(out: Printer, where: str, content: str | None = None, **kwargs: Any) -> None:
    keep = kwargs.pop("keep", None)
    parts = [f"[{where}]"]
    if content:
        parts.append(unescape(content))
    embeds = list(kwargs.get("embeds") or []) + ([kwargs["embed"]] if kwargs.get("embed") else [])
    parts.extend(embed_text(e) for e in embeds)
    files = list(kwargs.get("files") or []) + ([kwargs["file"]] if kwargs.get("file") else [])
    for file in files:
        data = file.fp.read()
        file.fp.seek(0)
        if file.filename.endswith(".png"):
            parts.append(f"Chart ({file.description}): {_save_image(file.filename, data)}")
        else:
            parts.append(f"--- {file.filename} ---\n{data.decode('utf-8', 'replace')}")
    view = kwargs.get("view")
    if view is not None:
        buttons = [getattr(c, "item", c) for c in view.children]  # a DynamicItem wraps its button
        labels = [f"[{b.label}]" for b in buttons if getattr(b, "label", None)]
        if labels:
            parts.append("Buttons (press LABEL presses one; or answer with options): " + " ".join(labels))
            if keep is not None:
                keep(view)
    out("\n".join(parts))


def _save_image(filename: str, data: bytes) -> Path:
    """Charts go to files (a terminal cannot show them): CONSOLE_CHART_DIR, else the system's temporary folder."""
    folder = Path(os.environ.get("CONSOLE_CHART_DIR") or Path(tempfile.gettempdir()) / "roth-room-charts")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{filename}"
    path.write_bytes(data)
    return path.resolve()


@dataclass
class ConsoleResponse:
    out: Printer
    keep: Callable[[Any], None] | None = None
    _done: bool = False

    def is_done(self) -> bool:
        return self._done

    async def send_message(self, content: str | None = None, *, ephemeral: bool = False, **kwargs: Any) -> None:
        self._done = True
        _emit(self.out, "only you" if ephemeral else "channel", content, keep=self.keep, **kwargs)

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> None:
        self._done = True

    async def edit_message(self, content: str | None = None, **kwargs: Any) -> None:
        self._done = True
        _emit(self.out, "edited", content, keep=self.keep, **kwargs)


@dataclass
class ConsoleFollowup:
    out: Printer
    keep: Callable[[Any], None] | None = None

    async def send(self, content: str | None = None, *, ephemeral: bool = False, **kwargs: Any) -> None:
        _emit(self.out, "only you" if ephemeral else "channel", content, keep=self.keep, **kwargs)


@dataclass
class ConsoleAttachment:
    """A local file given as an attachment option (`file:2027.toml`)."""

    path: Path
    content_type: str | None = "text/plain; charset=utf-8"

    @property
    def filename(self) -> str:
        return self.path.name

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    async def read(self) -> bytes:
        return self.path.read_bytes()


@dataclass
class ConsoleInteraction:
    """What the cogs use of discord.Interaction, for a local member outside any server."""

    client: Any
    user: ConsoleUser
    locale: discord.Locale
    out: Printer
    command: Any = None
    guild_id: int | None = None
    guild: Any = None
    channel: Any = None
    extras: dict[str, Any] = field(default_factory=dict)
    # The server's language, which what is posted in the channel (share:true) uses. The console has one language,
    # CONSOLE_LOCALE: Console sets both to it.
    guild_locale: discord.Locale | None = None
    permissions: discord.Permissions = field(default_factory=discord.Permissions.none)
    application_id: int | None = None  # unknown offline: no invite links
    keep: Callable[[Any], None] | None = None  # told of each answer's buttons, for `press`

    def __post_init__(self) -> None:
        self.response = ConsoleResponse(self.out, self.keep)
        self.followup = ConsoleFollowup(self.out, self.keep)

    def is_guild_integration(self) -> bool:
        return self.guild_id is not None

    def is_user_integration(self) -> bool:
        return False

    async def edit_original_response(self, content: str | None = None, **kwargs: Any) -> None:
        _emit(self.out, "edited", content, keep=self.keep, **kwargs)

    async def delete_original_response(self) -> None:
        self.out("[deleted]")


def _convert(param: app_commands.Parameter, raw: str) -> Any:
    kind = param.type
    if kind is discord.AppCommandOptionType.boolean:
        low = raw.lower()
        if low in _TRUE | _FALSE:
            return low in _TRUE
        raise ConsoleError(f"{param.name}: give true or false, not {raw!r}")
    if kind is discord.AppCommandOptionType.integer:
        try:
            value: Any = int(raw)
        except ValueError:
            raise ConsoleError(f"{param.name}: must be a whole number, not {raw!r}") from None
    elif kind is discord.AppCommandOptionType.number:
        try:
            value = float(raw)
        except ValueError:
            raise ConsoleError(f"{param.name}: must be a number, not {raw!r}") from None
    elif kind is discord.AppCommandOptionType.string:
        value = raw
    elif kind is discord.AppCommandOptionType.attachment:
        path = Path(raw).expanduser()
        if not path.is_file():
            raise ConsoleError(f"{param.name}: no file {raw!r} here (give the path of a local file)")
        return ConsoleAttachment(path)
    else:
        raise ConsoleError(f"{param.name}: this option type is not available offline")
    # The same bounds Discord's client enforces from the option definition.
    if param.min_value is not None and value < param.min_value:
        raise ConsoleError(f"{param.name}: must be at least {param.min_value}")
    if param.max_value is not None and value > param.max_value:
        raise ConsoleError(f"{param.name}: must be at most {param.max_value}")
    if param.choices and value not in [c.value for c in param.choices]:
        raise ConsoleError(f"{param.name}: choose one of {', '.join(str(c.value) for c in param.choices)}")
    return value


def _server_only(cmd: app_commands.Command) -> bool:
    """Server-only commands (moderators' /facts) make no sense offline; a group's setting covers its commands."""
    return bool((cmd.root_parent or cmd).guild_only)


class Console:
    def __init__(self, bot: Any, settings: Settings, out: Printer = print, *, moderator: bool = False) -> None:
        self.bot = bot
        self.settings = settings
        self.out = out
        self.moderator = moderator
        self.view: Any = None  # the buttons of the last answer that had some, for `press` (as they stay in Discord)

    def keep(self, view: Any) -> None:
        self.view = view

    def commands(self) -> list[app_commands.Command]:
        found: list[app_commands.Command] = []
        for cmd in self.bot.tree.get_commands():
            walked = cmd.walk_commands() if isinstance(cmd, app_commands.Group) else [cmd]
            found.extend(c for c in walked if isinstance(c, app_commands.Command))
        return found

    def help_text(self) -> str:
        where = f"as a moderator of the console's server {CONSOLE_SERVER_ID}" if self.moderator else "as a member"
        lines = [f"Commands, {where} (options as name:value; quote values with spaces):"]
        for cmd in self.commands():
            opts = " ".join(f"{p.name}:" if p.required else f"[{p.name}:]" for p in cmd.parameters)
            note = (
                "  (moderators: start the console with --moderator)" if _server_only(cmd) and not self.moderator else ""
            )
            lines.append(f"  /{cmd.qualified_name} {opts}".rstrip() + f"  — {cmd.description}{note}")
        lines.append("  press LABEL  — press a button of the last answer")
        lines.append("  help, quit")
        return "\n".join(lines)

    def parse(self, line: str) -> tuple[app_commands.Command, dict[str, Any]]:
        try:
            tokens = shlex.split(line.strip().lstrip("/"))
        except ValueError as exc:
            raise ConsoleError(f"cannot read that line: {exc}") from None
        words = [t for t in tokens if ":" not in t]
        options = [t for t in tokens if ":" in t]
        path = " ".join(words[:2]) if len(words) > 1 else (words[0] if words else "")
        by_name = {c.qualified_name: c for c in self.commands()}
        command = by_name.get(path) or by_name.get(words[0] if words else "")
        if command is None:
            raise ConsoleError(f"unknown command /{path}; type help for the list")
        if _server_only(command) and not self.moderator:
            raise ConsoleError(
                f"/{command.qualified_name} works only in a Discord server (moderators' commands); "
                "start the console with --moderator to run it on a local server of its own"
            )
        params = {p.name: p for p in command.parameters}
        kwargs: dict[str, Any] = {}
        for token in options:
            name, _, raw = token.partition(":")
            if name not in params:
                raise ConsoleError(f"/{command.qualified_name} has no option {name!r}; options: {', '.join(params)}")
            kwargs[name] = _convert(params[name], raw)
        missing = [p.name for p in command.parameters if p.required and p.name not in kwargs]
        if missing:
            raise ConsoleError(f"/{command.qualified_name} needs {', '.join(f'{m}:' for m in missing)}")
        return command, kwargs

    async def run_line(self, line: str) -> bool:
        """Run one line; False when the line failed (the reason is printed)."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if line in {"help", "/help", "?"}:
            self.out(self.help_text())
            return True
        try:
            locale = discord.Locale(self.settings.console_locale)
        except ValueError:
            self.out(
                f"[error] CONSOLE_LOCALE={self.settings.console_locale!r} is not a Discord locale; "
                "use one such as en-US, es-419, es-ES, de or fr"
            )
            return False
        if line.startswith("press ") or line == "press":
            return await self.press(line.removeprefix("press").strip().strip("\"'"), locale)
        try:
            command, kwargs = self.parse(line)
        except ConsoleError as exc:
            self.out(f"[error] {exc}")
            return False
        interaction = self.interaction(locale, command)
        run = command.callback(command.binding, interaction, **kwargs)  # type: ignore[arg-type]
        return await self._guarded(locale, command.qualified_name, run)

    def interaction(self, locale: discord.Locale, command: Any = None) -> ConsoleInteraction:
        user = ConsoleUser(self.settings.console_user_id, out=self.out)
        # Replies to the member and what is posted in the channel (share:true) are both in CONSOLE_LOCALE's language.
        interaction = ConsoleInteraction(
            self.bot, user, locale, self.out, command=command, guild_locale=locale, keep=self.keep
        )
        if self.moderator:
            interaction.guild_id = CONSOLE_SERVER_ID
            interaction.permissions = discord.Permissions(manage_guild=True)
        return interaction

    async def press(self, label: str, locale: discord.Locale) -> bool:
        """Press the button labelled `label` on the last answer, as the member who got it."""
        items = list(self.view.children) if self.view is not None else []
        button = next((c for c in items if getattr(getattr(c, "item", c), "label", None) == label), None)
        if button is None:
            labels = ", ".join(repr(getattr(c, "item", c).label) for c in items if getattr(c, "item", c).label)
            self.out(f"[error] no button {label!r} on the last answer" + (f"; buttons: {labels}" if labels else ""))
            return False
        view, interaction = self.view, self.interaction(locale)

        async def pressed() -> None:
            if await view.interaction_check(interaction):
                await button.callback(interaction)

        return await self._guarded(locale, f"press {label}", pressed())

    async def _guarded(self, locale: discord.Locale, what: str, run: Any) -> bool:
        try:
            await run
        except Exception as exc:  # noqa: BLE001 - reported the same way the tree's error handler does
            f = formatter(locale)  # a command's error goes to the member, in their language
            text = describe(exc, f)
            if text is None:
                import logging

                logging.getLogger(__name__).exception("console %s failed", what)
                text = f.gettext(APOLOGY)
            self.out(f"[error] {unescape(text.replace('**', ''))}")
            return False
        return True


async def run_console(
    settings: Settings, line: str | None = None, stdin: io.TextIOBase | None = None, *, moderator: bool = False
) -> int:
    bot = create_bot(settings, sync="never")
    async with bot:
        await bot.setup_hook()
        console = Console(bot, settings, moderator=moderator)
        if line is not None:
            return 0 if await console.run_line(line) else 1
        stream = stdin or sys.stdin
        interactive = stream.isatty()
        if interactive:
            who = f" (a moderator of its own server {CONSOLE_SERVER_ID})" if moderator else ""
            print(f"Roth Room offline console{who}. Type help for commands, quit to leave.")
        ok = True
        while True:
            if interactive:
                print("> ", end="", flush=True)
            text = await asyncio.to_thread(stream.readline)
            if not text or text.strip() in {"quit", "exit"}:
                break
            ok = await console.run_line(text) and ok
        return 0 if ok else 1
