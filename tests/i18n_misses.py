"""What a Spanish reply asked the catalogs for and did not find (bot.i18n.MISSES), for tests of one area.

A miss is a failure unless the message belongs only to another area's files AND the Spanish catalog has no entry
for it yet: tests/test_catalogs.py reports those, and they disappear once every area's translations are merged.
So a message of this area missing, a template nobody can extract (a dynamic string) or a message that the
catalog has but the reply did not find all fail here."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.extract import extract_from_dir

from bot import extract as extractor
from bot.i18n import MISSES

from .test_catalogs import read

ROOT = Path(__file__).resolve().parent.parent
CHECKLIST_AND_PROFILE = frozenset(
    {
        "knowledge/checklist.py",
        "knowledge/lookback.py",
        "knowledge/profile.py",
        "commands/checklist.py",
        "commands/_checklist_render.py",
        "commands/profile.py",
        "commands/_profile_render.py",
    }
)


@cache
def _sources() -> dict[str, frozenset[str]]:
    """Every extracted message with the files it comes from."""
    method_map = [(f"{folder}/**.py", "bot.extract:extract") for folder in ("bot", "commands", "knowledge")]
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=extractor.KEYWORDS
    ):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.setdefault(text, set()).add(filename.replace("\\", "/"))
    return {k: frozenset(v) for k, v in found.items()}


@cache
def _spanish() -> frozenset[str]:
    return frozenset(m.id for m in read("es") if m.id and m.string and not m.fuzzy)


def new_misses(before: set[tuple[str, str]], area: frozenset[str] = CHECKLIST_AND_PROFILE) -> set[tuple[str, str]]:
    """Misses since `before`, less other areas' messages still waiting for their Spanish (see above)."""
    sources, spanish = _sources(), _spanish()

    def waiting(language: str, message: str) -> bool:
        files = sources.get(message)
        return language == "es" and files is not None and not (files & area) and message not in spanish

    return {(lang, msg) for lang, msg in MISSES - before if not waiting(lang, msg)}


def snapshot() -> set[tuple[str, str]]:
    return set(MISSES)
