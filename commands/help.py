"""/help: the commands this reader may run here, as clickable command mentions, read from the command tree (so the
list is always the synced one); `/help command:<name>` explains one command, its options and an example."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping

import discord
from discord import app_commands
from discord.ext import commands

from bot.formatting import Formatter, formatter
from bot.replies import add_long_field
from bot.version import __version__
from knowledge.errors import InputError

from ._common import EMBED_COLOUR, bot_of, fmt

log = logging.getLogger(__name__)
Leaf = app_commands.Command

# One example line per command, in the syntax members type (option names are never translated). A line whose
# options the command no longer has is not shown (see example()); tests run each one through the console.
EXAMPLES = {
    "room": "/room year:2025 age:45 compensation:200000 employee_deferrals:20000 employer_contributions:10000",
    "plan": "/plan year:2026 age:40 compensation:182000 pay_frequency:biweekly paychecks_left:6 ytd_deferrals:19000 "
    'ytd_employer:7000 ytd_after_tax:10000 match_formula:"50% up to 6%"',
    "limits": "/limits year:2026",
    "profile set": '/profile set age:45 compensation:200000 employee_deferrals:20000 match_formula:"50% up to 6%"',
    "profile paystub": "/profile paystub year:2026 paychecks_left:6 ytd_deferrals:19000 ytd_after_tax:10000",
    "profile plan": "/profile plan plan_type:401k plan_offers_roth:true election_unit:percent",
    "profile show": "/profile show",
    "profile export": "/profile export",
    "profile delete": "/profile delete",
    "checklist": "/checklist after_tax_allowed:true in_plan_conversion:false",
    "explain": "/explain topic:mega-backdoor",
    "help": "/help command:room",
    "about": "/about",
    "ping": "/ping",
    "facts show": "/facts show year:2026",
    # No amount here: every figure the bot states comes from the fact base.
    "facts set": "/facts set year:2027 figure:annual_additions_415c value:<amount> source_url:https://www.irs.gov/…",
    "facts import": "/facts import file:2027.toml",
    "facts history": "/facts history year:2026",
    "facts revert": "/facts revert change_id:12",
    "facts announce-channel": "/facts announce-channel channel:#announcements",
    "facts export": "/facts export",
}
_OPTION = re.compile(r"(?:^|\s)([a-z_]+):")


def leaves(tree: app_commands.CommandTree) -> Iterator[Leaf]:
    """Every command a member can type, subcommands included, sorted by name."""
    for top in sorted(tree.get_commands(type=discord.AppCommandType.chat_input), key=lambda c: c.name):
        if isinstance(top, app_commands.Group):
            yield from sorted(
                (c for c in top.walk_commands() if isinstance(c, app_commands.Command)),
                key=lambda c: c.qualified_name,
            )
        elif isinstance(top, app_commands.Command):
            yield top


def _root(cmd: Leaf) -> app_commands.Command | app_commands.Group:
    return cmd.root_parent or cmd


def for_moderators(cmd: Leaf) -> bool:
    return _root(cmd).default_permissions is not None


def may_run(cmd: Leaf, interaction: discord.Interaction | None) -> bool:
    """Whether the reader can run the command where they asked: not a server-only one outside a server or where only
    a member (not the server) installed the bot; not a moderator's one without the permission (or the moderator
    role) it needs. Without an interaction (the operator's view), everything."""
    if interaction is None:
        return True
    root = _root(cmd)
    if interaction.guild_id is None:
        return not root.guild_only
    installs = root.allowed_installs
    # Installed to the member's own account and not by this server: a server-install-only command cannot run here.
    only_member = interaction.is_user_integration() and not interaction.is_guild_integration()
    if installs is not None and not installs.user and only_member:
        return False
    needed = root.default_permissions
    if needed is None:
        return True
    if interaction.permissions >= needed:
        return True
    role_id = bot_of(interaction).settings.moderator_role_id
    user = interaction.user
    # Role ids as the interaction carried them: get_role looks in a role cache the bot does not keep.
    return bool(role_id and isinstance(user, discord.Member) and user._roles.has(role_id))


def name_of(cmd: Leaf, ids: Mapping[str, int]) -> str:
    """A clickable command mention (</facts show:123>) when Discord's id is known, else the name as code."""
    command_id = ids.get(_root(cmd).name)
    return f"</{cmd.qualified_name}:{command_id}>" if command_id else f"`/{cmd.qualified_name}`"


def command_lines(
    tree: app_commands.CommandTree,
    f: Formatter | None = None,
    *,
    interaction: discord.Interaction | None = None,
    ids: Mapping[str, int] | None = None,
) -> Iterator[str]:
    """`/name` — description for every command the reader may run, in the language of `f`."""
    f = f or formatter()
    moderators = " " + f.t("*(moderators)*")
    for cmd in leaves(tree):
        if may_run(cmd, interaction):
            marker = moderators if for_moderators(cmd) else ""
            yield f"{name_of(cmd, ids or {})} — {f.gettext(cmd.description)}{marker}"


def help_embed(
    tree: app_commands.CommandTree,
    f: Formatter | None = None,
    *,
    interaction: discord.Interaction | None = None,
    ids: Mapping[str, int] | None = None,
) -> discord.Embed:
    f = f or formatter()
    embed = discord.Embed(
        title=f.t("Roth Room commands"),
        description=f.t(
            "Mega backdoor Roth answers with every IRS figure cited. Personal answers are shown only to you."
        ),
        colour=EMBED_COLOUR,
    )
    add_long_field(embed, f.t("Commands"), command_lines(tree, f, interaction=interaction, ids=ids), f)
    embed.set_footer(
        text=f.t(
            "Roth Room {version} · /help command:<name> explains one · /about: what is stored about you and "
            "where the figures come from",
            version=__version__,
        )
    )
    return embed


def example(cmd: Leaf) -> str | None:
    """The command's example, if every option it uses is still one of the command's."""
    line = EXAMPLES.get(cmd.qualified_name)
    if line is None:
        return None
    names = {p.name for p in cmd.parameters}
    return line if set(_OPTION.findall(line)) <= names else None


def find(tree: app_commands.CommandTree, name: str, interaction: discord.Interaction | None) -> list[Leaf]:
    """The command (or a group's subcommands) the reader asked about, among those they may run."""
    wanted = " ".join(name.strip().lstrip("/").split()).lower()
    found = [c for c in leaves(tree) if may_run(c, interaction)]
    exact = [c for c in found if c.qualified_name == wanted]
    return exact or [c for c in found if _root(c).name == wanted]


def command_embed(cmds: list[Leaf], f: Formatter, ids: Mapping[str, int]) -> discord.Embed:
    """One command: what it does, each option (required first) and an example; for a group, each subcommand."""
    first = cmds[0]
    title = first.qualified_name if len(cmds) == 1 else _root(first).name
    embed = discord.Embed(title=f"/{title}", colour=EMBED_COLOUR)
    if len(cmds) > 1:
        embed.description = f.gettext(_root(first).description)
    for cmd in cmds:
        lines = [f.gettext(cmd.description)] if len(cmds) > 1 else []
        if len(cmds) == 1:
            embed.description = f"{name_of(cmd, ids)} — {f.gettext(cmd.description)}"
        for p in sorted(cmd.parameters, key=lambda p: not p.required):
            need = f.t("required") if p.required else f.t("optional")
            lines.append(f"`{p.name}` ({need}): {f.gettext(p.description)}")
        line = example(cmd)
        if line:
            lines.append(f.t("Example: {example}", example=f"`{line}`"))
        heading = f.t("Options") if len(cmds) == 1 else f"/{cmd.qualified_name}"
        if lines:
            add_long_field(embed, heading, lines, f)
    return embed


async def command_ids(bot: commands.Bot) -> dict[str, int]:
    """Discord's id of each top-level command, for mentions: kept from the last sync, else fetched once. Empty
    (plain names) when Discord cannot say, or offline."""
    ids: dict[str, int] | None = getattr(bot, "command_ids", None)
    if ids is None:
        guild_id = getattr(getattr(bot, "settings", None), "dev_guild_id", None)
        try:
            fetched = await bot.tree.fetch_commands(guild=discord.Object(guild_id) if guild_id else None)
        except (discord.HTTPException, discord.ClientException) as exc:
            log.info("command ids unavailable, /help shows plain names (%s)", exc)
            return {}
        ids = {c.name: c.id for c in fetched}
        bot.command_ids = ids  # type: ignore[attr-defined]
    return ids


class Help(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="The bot's commands and what each is for")
    @app_commands.describe(command="One command to explain, with its options and an example (e.g. room)")
    async def help_(self, interaction: discord.Interaction, command: str | None = None) -> None:
        f = fmt(interaction)
        ids = await command_ids(self.bot) if self.bot.application_id else {}
        if command is None:
            embed = help_embed(self.bot.tree, f, interaction=interaction, ids=ids)
        else:
            found = find(self.bot.tree, command, interaction)
            if not found:
                raise InputError(
                    "command", "no command named {name} here; /help lists the ones you can run", name=command[:40]
                )
            embed = command_embed(found, f, ids)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @help_.autocomplete("command")
    async def _names(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        text = current.strip().lstrip("/").lower()
        names = [c.qualified_name for c in leaves(self.bot.tree) if may_run(c, interaction)]
        return [app_commands.Choice(name=f"/{n}", value=n) for n in names if text in n][:25]


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Help(bot))
