"""Command descriptions in the member's Discord language (applied at sync through app_commands.Translator).

Tables live in bot/locales/<discord locale>.toml as "English text" = "translation"; reply numbers and dates
are localised at run time by bot.formatting.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

import discord
from discord import app_commands

# Names must stay stable (they are how members type commands); only descriptions are translated.
_TRANSLATED = {
    app_commands.TranslationContextLocation.command_description,
    app_commands.TranslationContextLocation.group_description,
    app_commands.TranslationContextLocation.parameter_description,
    app_commands.TranslationContextLocation.choice_name,
}


@cache
def tables() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    folder = resources.files("bot") / "locales"
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            out[entry.name.removesuffix(".toml")] = tomllib.loads(entry.read_text(encoding="utf-8"))
    return out


class RoomTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContext
    ) -> str | None:
        if context.location not in _TRANSLATED:
            return None
        table = tables().get(locale.value) or tables().get(locale.value.split("-")[0])
        return table.get(string.message) if table else None
