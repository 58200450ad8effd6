"""Translations from gettext catalogs (bot/locales/<language>/LC_MESSAGES/roth_room.mo, managed with pybabel;
see README "Languages"). The same catalogs feed replies and, through app_commands.Translator, command descriptions.

A catalog is looked up by the member's Discord locale: "es-419" tries es_419, then es. Untranslated messages are
English. Placeholders are str.format fields ({year}); money is formatted by bot.formatting, always in US dollars.
"""

from __future__ import annotations

import hashlib
from functools import cache
from gettext import GNUTranslations
from importlib import resources
from pathlib import Path
from typing import Any

import discord
from babel import Locale
from babel.support import Translations
from discord import app_commands

DOMAIN = "roth_room"
SOURCE_LANGUAGE = "en"
# Languages whose catalogs are complete (a test holds each to it); others translate command descriptions only,
# and replies fall back to English message by message.
COMPLETE = ("en", "es")
# (language, English message) pairs asked for and not found in a complete language's catalog; tests read it.
MISSES: set[tuple[str, str]] = set()


def locale_dir() -> str:
    return str(resources.files("bot") / "locales")


def catalogs_digest() -> str:
    """Changes whenever a compiled catalog does, so new translations trigger a command sync."""
    digest = hashlib.sha256()
    for mo in sorted(Path(locale_dir()).glob(f"*/LC_MESSAGES/{DOMAIN}.mo")):
        digest.update(mo.parent.parent.name.encode() + mo.read_bytes())
    return digest.hexdigest()


class Catalog:
    """One language's messages: gettext with a record of misses for complete languages."""

    def __init__(self, locale: Locale) -> None:
        self.language = locale.language
        found = Translations.load(locale_dir(), [locale], DOMAIN)
        self._messages: dict[Any, str] = found._catalog if isinstance(found, GNUTranslations) else {}  # noqa: SLF001
        self._watch = self.language in COMPLETE and self.language != SOURCE_LANGUAGE

    def gettext(self, message: str) -> str:
        if not message:  # "" is the catalog's header in gettext
            return message
        text = self._messages.get(message)
        if text:
            return text
        if self._watch:
            MISSES.add((self.language, message))
        return message

    def find(self, message: str) -> str | None:
        """The translation, or None when the catalog has none (so discord.py keeps the English)."""
        return self._messages.get(message) or None if message else None


@cache
def catalog(locale: Locale) -> Catalog:
    return Catalog(locale)


# Names must stay stable (they are how members type commands); only descriptions and choice names are translated.
_TRANSLATED = {
    app_commands.TranslationContextLocation.command_description,
    app_commands.TranslationContextLocation.group_description,
    app_commands.TranslationContextLocation.parameter_description,
    app_commands.TranslationContextLocation.choice_name,
}


class RoomTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContext
    ) -> str | None:
        if context.location not in _TRANSLATED:
            return None
        from .formatting import babel_locale  # formatting imports this module

        return catalog(babel_locale(locale)).find(string.message)
