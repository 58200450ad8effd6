"""One tree-wide error handler: known errors become short ephemeral messages; anything else is logged."""

from __future__ import annotations

import logging
import time

import discord
from discord import app_commands

from knowledge.errors import FactDataError, InputError
from knowledge.text import N_

from .formatting import Formatter, formatter
from .replies import CONTENT, clip, quiet, reply_private
from .storage import ConflictError, StorageError

log = logging.getLogger(__name__)
# Discord's client shows permission names translated; these are its English names, translated by our catalogs.
PERMISSION_NAMES = {"manage_guild": N_("Manage Server")}
DISCORD_DOWN = N_("Discord had a problem delivering part of this answer; please try again in a moment.")
APOLOGY = N_("Sorry, something went wrong on our side. It has been logged; please try again in a moment.")


def describe(error: BaseException, f: Formatter | None = None) -> str | None:
    """The member-facing text for an error in the member's language, or None when it is unexpected."""
    f = f or formatter()
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, InputError):
        # The message may quote what was typed: shown escaped, and never long enough for Discord to refuse it.
        return clip(f"**{error.field}**: {f.line(error.line, quiet)}", CONTENT)
    if isinstance(error, ConflictError):
        return clip(f.t("Not changed: {why}", why=f.line(error.line, quiet)), CONTENT)
    if isinstance(error, FactDataError):
        return clip(f.line(error.line, quiet), CONTENT)
    if isinstance(error, app_commands.CommandOnCooldown):
        again = int(time.time() + error.retry_after) + 1
        return f.t("Slow down a little: you can use this command again {when}.", when=f"<t:{again}:R>")
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(
            f.gettext(PERMISSION_NAMES[p]) if p in PERMISSION_NAMES else p.replace("_", " ").title()
            for p in error.missing_permissions
        )
        return f.t("You need the **{needed}** permission (or the moderator role) to use this command.", needed=needed)
    if isinstance(error, app_commands.NoPrivateMessage):
        return f.t("This command only works in a server.")
    if isinstance(error, app_commands.CheckFailure):
        return f.gettext(str(error)) if str(error) else f.t("You cannot use this command here.")
    if isinstance(error, app_commands.TransformerError):
        return clip(
            f.t("Couldn't read **{value}** as {kind}.", value=quiet(str(error.value)[:40]), kind=error.type.name),
            CONTENT,
        )
    if isinstance(error, StorageError):
        # One line, no traceback: the kind and the database's own words are what an operator needs.
        log.error("storage error (%s): %s", error.kind, error)
        return f.gettext(storage_message(error))
    return None


_SAVED_NOTHING = {
    "unavailable": N_("The bot's database is unavailable; nothing was saved — try again in a minute."),
    "full": N_("The bot's database is out of space; nothing was saved. The bot's operator has to free some."),
    "read_only": N_("The bot's database is read-only right now; nothing was saved — try again later."),
    "conflict": N_("Someone changed this at the same moment; nothing was saved — please try again."),
    "corrupt": N_("The bot's database is damaged; nothing was saved. The bot's operator has been told."),
    "uncertain": N_(
        "The bot lost its database connection while saving, so this may or may not have been saved; "
        "check before trying again."
    ),
}
_READ = {
    "unavailable": N_("The bot's database is unavailable right now — try again in a minute."),
    "corrupt": N_("The bot's database is damaged; the bot's operator has been told."),
}


def storage_message(error: StorageError) -> str:
    if error.write or error.kind not in _READ:
        return _SAVED_NOTHING.get(error.kind, _SAVED_NOTHING["unavailable"])
    return _READ[error.kind]


async def reply_error(interaction: discord.Interaction, text: str) -> None:
    try:
        await reply_private(interaction, text)
    except discord.HTTPException as exc:
        # The interaction may have expired or Discord may be failing; nothing more to tell the member.
        log.warning("could not send an error reply (%s %s)", exc.status, exc.code)


async def on_app_command_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
    f = formatter(interaction.locale)  # errors go to the member alone, in their language
    text = describe(error, f)
    original = getattr(error, "original", error)
    command = interaction.command.qualified_name if interaction.command else "?"
    if text is None and isinstance(original, discord.HTTPException) and original.status >= 500:
        # Discord's outage, not our bug: one line, no traceback; the member may still get the apology.
        log.warning("Discord failed (%s) while answering /%s: %s", original.status, command, original.text)
        text = f.gettext(DISCORD_DOWN)
    if text is None:
        log.error(
            "unexpected error in /%s (user %s, guild %s)",
            command,
            interaction.user.id,
            interaction.guild_id,
            exc_info=(type(original), original, original.__traceback__),
        )
        text = f.gettext(APOLOGY)
    await reply_error(interaction, text)
