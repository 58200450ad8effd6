"""What a Spanish reply asked the catalogs for and did not find (bot.i18n.MISSES): every message, from any file,
must be in the Spanish catalog, and a template built at run time (which no catalog can hold) shows up here too."""

from __future__ import annotations

from bot.i18n import MISSES


def new_misses(before: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return MISSES - before


def snapshot() -> set[tuple[str, str]]:
    return set(MISSES)
