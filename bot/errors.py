"""One tree-wide error handler: known errors become short ephemeral messages; anything else is logged."""

from __future__ import annotations

import logging
import math
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
# What an option of each Discord type holds, for "Couldn't read ... as ..." (the type's own name is English code).
OPTION_KINDS = {
    "string": N_("text"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("true or false"),
    "user": N_("a member"),
    "channel": N_("a channel"),
    "role": N_("a role"),
    "mentionable": N_("a member or a role"),
    "attachment": N_("a file"),
}
OTHER_KIND = N_("a value of this option's type")
MAX_COOLDOWN = 24 * 3600.0  # seconds; a cooldown's retry_after is ours, but never trusted to be sane


def describe(error: BaseException, f: Formatter | None = None) -> str | None:
    """The member-facing text for an error in the member's language, or None when it is unexpected (or when
    building the text itself failed: whatever values a refusal carries, describing it never raises, so every
    caller can still answer with the apology)."""
    f = f or formatter()
    try:
        return _describe(error, f)
    except Exception:  # noqa: BLE001 - a refusal's text must never be the thing that fails
        log.exception("could not describe a %s; answering with the apology", type(error).__name__)
        return None


def _describe(error: BaseException, f: Formatter) -> str | None:
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
        wait = error.retry_after if math.isfinite(error.retry_after) else 0.0
        again = int(time.time() + min(max(wait, 0.0), MAX_COOLDOWN)) + 1
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
        return clip(f.gettext(str(error)), CONTENT) if str(error) else f.t("You cannot use this command here.")
    if isinstance(error, app_commands.TransformerError):
        return clip(
            f.t(
                "Couldn't read **{value}** as {kind}.",
                value=quiet(_shown(error.value)),
                kind=f.gettext(OPTION_KINDS.get(error.type.name, OTHER_KIND)),
            ),
            CONTENT,
        )
    if isinstance(error, StorageError):
        # One line, no traceback: the kind and the database's own words are what an operator needs.
        log.error("storage error (%s): %s", error.kind, error)
        return f.gettext(storage_message(error))
    return None


def _shown(value: object) -> str:
    """What a member typed, short: a value whose str() fails is shown as its type."""
    try:
        return str(value)[:40]
    except Exception:  # noqa: BLE001 - any object can come back from a transformer
        return type(value).__name__[:40]


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
    try:
        await _answer_error(interaction, error)
    except Exception:  # noqa: BLE001 - the last resort: an answer in English beats "thinking…" for ever
        log.exception("the error handler failed; sending the plain apology")
        await reply_error(interaction, APOLOGY)


async def _answer_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
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
