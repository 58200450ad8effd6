"""The message catalogs stay complete and consistent with the English source.

- Every string pybabel extracts (babel.cfg, bot/extract.py) is translated in each complete language (Spanish).
- A translation keeps the English placeholders ({year}), so filling it can never fail or drop a figure.
- The compiled .mo files say what their .po files say (a forgotten `./scripts/catalogs compile` fails here).
- Every command, option and choice description is translated in es, de and fr, within Discord's limits, through
  discord.py's own translated payload (what a sync sends).
- No message template is an f-string: pybabel cannot extract one, so it would stay English for everyone.
"""

from __future__ import annotations

import ast
import string
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import extract as extractor
from bot.app import create_bot
from bot.i18n import COMPLETE, DOMAIN, RoomTranslator

from .conftest import make_settings

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "bot" / "locales"
LANGUAGES = sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").exists())
TRANSLATED = [lang for lang in COMPLETE if lang != "en"]


def read(language: str):
    with open(LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as fh:
        return read_po(fh, locale=language)


def extracted() -> dict[str, str]:
    """Every English message in the source, as pybabel extract finds it, with where it was found."""
    method_map = [("bot/**.py", "bot.extract:extract"), ("commands/**.py", "bot.extract:extract")]
    method_map.append(("knowledge/**.py", "bot.extract:extract"))
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=extractor.KEYWORDS
    ):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.setdefault(text, f"{filename}:{lineno}")
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_languages_are_there():
    assert {"es", "de", "fr"} <= set(LANGUAGES)
    assert len(extracted()) > 300  # the extractor sees the source, not an empty tree


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language):
    catalog = read(language)
    missing = []
    for message, where in extracted().items():
        entry = catalog.get(message)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(f"{where}: {message!r}")
    assert not missing, f"{len(missing)} messages lack a {language} translation:\n" + "\n".join(missing[:40])


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_the_english(language):
    wrong = [
        f"{m.id!r} -> {m.string!r}"
        for m in read(language)
        if m.id and m.string and isinstance(m.id, str) and fields(m.id) != fields(m.string)
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_its_source(language):
    po = {m.id: m.string for m in read(language) if m.id and m.string and not m.fuzzy}
    with open(LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as fh:
        mo = {k: v for k, v in GNUTranslations(fh)._catalog.items() if k}  # noqa: SLF001
    assert mo == po, "run ./scripts/catalogs compile"


class _Strings(ast.NodeVisitor):
    """Calls to the extraction keywords whose template is an f-string."""

    def __init__(self) -> None:
        self.bad: list[int] = []

    def visit_Call(self, node: ast.Call) -> None:
        name = extractor._name(node.func)  # noqa: SLF001
        spec = extractor.KEYWORDS.get(name, False)
        if name not in {"_", "gettext"} and spec is not False:
            index = (spec[0] if spec else 1) - 1
            if len(node.args) > index and isinstance(node.args[index], ast.JoinedStr):
                self.bad.append(node.lineno)
        self.generic_visit(node)


def test_no_template_is_an_f_string():
    bad = []
    for folder in ("bot", "commands", "knowledge"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            visitor = _Strings()
            visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
            bad.extend(f"{path.relative_to(ROOT)}:{n}" for n in visitor.bad)
    assert not bad, "templates must be literal strings with {placeholders}: " + ", ".join(bad)


def _descriptions(payload: dict, lang_tags: list[str], where: str = ""):
    """(where, English, {locale: translation}) for every translatable text in a command payload."""
    name = f"{where} {payload['name']}".strip()
    if payload.get("description"):
        yield name, payload["description"], payload.get("description_localizations") or {}
    for choice in payload.get("choices") or []:
        yield f"{name}={choice['value']}", choice["name"], choice.get("name_localizations") or {}
    for option in payload.get("options") or []:
        yield from _descriptions(option, lang_tags, name)


@pytest.fixture
async def tree(db_url):
    bot = create_bot(make_settings(), database_url=db_url, sync="never")
    await bot.__aenter__()
    await bot.setup_hook()
    yield bot.tree
    await bot.__aexit__(None, None, None)


async def test_command_descriptions_are_translated_within_discords_limits(tree):
    # What a sync sends: discord.py asks our Translator for every description and choice name per locale.
    translator = RoomTranslator()
    wanted = {"es-ES": "es", "es-419": "es", "de": "de", "fr": "fr"}
    missing, too_long, total = [], [], 0
    for command in tree.get_commands():
        payload = await command.get_translated_payload(tree, translator)
        for where, english, localised in _descriptions(payload, list(wanted)):
            if not english:
                continue
            total += 1
            for tag in wanted:
                text = localised.get(tag)
                if not text:
                    missing.append(f"{tag} {where}: {english!r}")
                elif len(text) > 100:
                    too_long.append(f"{tag} {where}: {len(text)} characters")
    assert total > 80
    assert not missing, f"{len(missing)} untranslated:\n" + "\n".join(missing[:40])
    assert not too_long, "\n".join(too_long)
