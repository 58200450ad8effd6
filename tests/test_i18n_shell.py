"""The shell's own text in Spanish: amount and match-formula errors, Discord-limit notes, page labels, /help,
/about and /ping. Rendered with the real catalogs (bot/locales/es), as a member whose Discord is in Spanish sees it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import discord
import pytest
from babel.messages.extract import extract_from_dir

from bot import extract as extractor
from bot.app import create_bot
from bot.formatting import formatter
from bot.i18n import COMPLETE, MISSES
from bot.replies import SHORTENED, PageView, add_long_field, embed_size, fit_embed, pages
from commands.about import about_embed, languages
from commands.help import command_lines, help_embed
from commands.ping import Ping
from knowledge.errors import InputError
from knowledge.facts import load_facts
from knowledge.match import parse_match
from knowledge.money import parse_money

from .conftest import make_settings

ROOT = Path(__file__).resolve().parent.parent
SHELL_FILES = (
    "knowledge/money.py",
    "knowledge/match.py",
    "bot/replies.py",
    "bot/console.py",
    "bot/app.py",
    "commands/about.py",
    "commands/ping.py",
)


def shell_messages() -> set[str]:
    """Every English message pybabel extracts from the shell's files."""
    method_map = [(path, "bot.extract:extract") for path in SHELL_FILES]
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=extractor.KEYWORDS
    ):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.add(text)
    return found


def shell_misses() -> set[str]:
    """Messages asked for in Spanish and not found in the catalog (any file's: every one must be there)."""
    return {message for language, message in MISSES if language == "es"}


def refused(field: str, text: str, locale: str) -> InputError:
    with pytest.raises(InputError) as exc:
        parse_money(field, text, locale=locale)
    return exc.value


def test_the_shell_has_messages_to_translate():
    assert len(shell_messages()) > 40  # the extraction sees the files (an empty set would pass everything)


@pytest.mark.parametrize("locale", ["es-419", "es-ES"])
def test_an_ambiguous_amount_is_refused_in_spanish_with_both_readings_in_the_members_format(locale):
    MISSES.clear()
    f = formatter(locale)
    error = refused("employee_deferrals", "23.500" if locale == "es-419" else "23,500", locale)
    shown = f.line(error.line)
    assert "es ambiguo" in shown and "Escríbelo sin separadores de miles, por ejemplo 23500" in shown
    assert shown.startswith("“23.500”" if locale == "es-419" else "“23,500”")
    # Both readings, formatted by babel for this locale (what the bot prints, and reads back, for this member).
    assert f.money(Decimal("23.50")) in shown and f.money(Decimal("23500")) in shown
    assert f"tal como se escriben los números en {f.locale.display_name}" in shown
    # The English text (logs, the command line) is unchanged in kind: US-style amounts.
    assert "is ambiguous" in error.message and "$23.50" in error.message and "$23,500" in error.message
    assert not shell_misses()


def test_es_419_readings_are_written_as_babel_writes_es_419_money():
    f = formatter("es-419")
    shown = f.line(refused("compensation", "200.000", "es-419").line)
    assert f.money(Decimal("200")) in shown and f.money(Decimal("200000")) in shown
    assert "200.000,00" not in shown and "$200,000.00" not in shown  # neither Spain's format nor pre-formatted US


def test_a_spanish_member_is_offered_the_other_reading_in_spanish():
    MISSES.clear()
    f = formatter("es-ES")
    shown = f.line(refused("compensation", "1.5k", "es-ES").line)  # "1.5k" is no amount as Spain writes numbers
    assert "no es una cantidad tal como se escriben los números en español (España)" in shown
    assert f"¿quisiste decir {f.money(Decimal(1500))}?" in shown
    assert not shell_misses()


@pytest.mark.parametrize(
    "text,expected",
    [
        ("lots", "no se puede leer “lots”; escribe la fórmula en inglés, por ejemplo"),
        ("", "está vacía; escribe la fórmula en inglés"),
        ("500% up to 6%", "el porcentaje de match del 500 % debe ser mayor que el 0 % y como máximo del 200 %"),
        ("40%", "entre el 0 % y el 25 %"),
        ("50% up to 60% + 50% of next 50%", "los tramos del salario suman más del 100 %"),
        ("50% up to 160%", "no del 160 %"),
    ],
)
def test_match_formula_errors_in_spanish(text, expected):
    MISSES.clear()
    with pytest.raises(InputError) as exc:
        parse_match(text)
    assert expected in formatter("es-419").line(exc.value.line)
    assert not shell_misses()


def test_other_amount_errors_in_spanish():
    MISSES.clear()
    f = formatter("es-419")
    assert f.line(refused("compensation", "-5", "es-419").line) == "no puede ser un número negativo"
    assert "no es una cantidad; usa cifras" in f.line(refused("compensation", "lots", "es-419").line)
    plausible = f.line(refused("compensation", "9" * 20, "es-419").line)
    assert f"no es una cantidad razonable (máximo {f.money(Decimal(100_000_000))})" in plausible
    assert not shell_misses()


def test_a_shortened_embed_says_so_in_the_readers_language():
    def long_embed() -> discord.Embed:
        embed = discord.Embed(title="t", description="d" * 4000)
        for n in range(10):
            embed.add_field(name=f"field {n}", value="v" * 1000)
        return embed

    spanish = fit_embed(long_embed(), f=formatter("es-419"))
    assert "(acortado para que quepa en Discord)" in spanish.footer.text and embed_size(spanish) <= 6000
    assert SHORTENED in fit_embed(long_embed()).footer.text  # no formatter: English, as before


def test_pages_and_continued_fields_are_numbered_in_spanish():
    f = formatter("es-ES")
    out = pages("Historial", [f"línea {n} " + "x" * 300 for n in range(60)], colour=discord.Colour.green(), f=f)
    assert out[0].title == f"Historial (1/{len(out)})"
    embed = discord.Embed()
    add_long_field(embed, "Fuentes", ["y" * 600] * 3, f)
    assert [field.name for field in embed.fields] == ["Fuentes", "Fuentes (cont.)", "Fuentes (cont.)"]


async def test_page_buttons_are_labelled_in_the_members_language():
    embeds = [discord.Embed(title=str(n)) for n in range(3)]
    view = PageView(None, embeds, f=formatter("es-419"))  # type: ignore[arg-type]
    assert view.counter.label == "Página 1 de 3"
    assert PageView(None, embeds, f=formatter("en-US")).counter.label == "Page 1 of 3"  # type: ignore[arg-type]


@pytest.fixture
async def bot(db_url):
    bot = create_bot(make_settings(), database_url=db_url, sync="never")
    await bot.__aenter__()
    await bot.setup_hook()
    yield bot
    await bot.__aexit__(None, None, None)


def embed_text(embed: discord.Embed) -> str:
    parts = [embed.title or "", embed.description or ""]
    parts += [f"{field.name}\n{field.value}" for field in embed.fields]
    return "\n".join(parts + [embed.footer.text or ""])


def test_about_says_which_languages_are_complete():
    complete, partial = languages()
    assert complete == ["en", "es"] and set(complete) == set(COMPLETE)
    assert partial == ["de", "fr"]
    facts = load_facts()
    year = facts.known_years()[-1]
    english = embed_text(about_embed(facts, year, formatter("en-US")))
    assert "Complete (commands and answers): English and Spanish." in english
    assert "Command descriptions translated, answers still in English: German and French." in english
    MISSES.clear()
    spanish = embed_text(about_embed(facts, year, formatter("es-419")))
    assert spanish.startswith("Acerca de Roth Room")
    assert "Idiomas\nCompletos (comandos y respuestas): inglés y español." in spanish
    assert "respuestas aún en inglés: alemán y francés." in spanish
    assert f"Cifras vigentes en {year} y sus fuentes" in spanish and "Qué se guarda sobre ti" in spanish
    assert not shell_misses()


async def test_help_is_in_the_members_language_with_translated_descriptions(bot):
    MISSES.clear()
    f = formatter("es-419")
    text = embed_text(help_embed(bot.tree, f))
    assert text.startswith("Comandos de Roth Room")
    assert "`/about` — Versión, cifras vigentes y sus fuentes, y qué se guarda sobre ti" in text
    assert "`/ping` — Comprueba que el bot funciona" in text
    assert "*(moderadores)*" in text.split("`/facts set` — ", 1)[1].splitlines()[0]
    assert not shell_misses()
    # German: descriptions from the German catalog, the rest English until that catalog is complete.
    german = list(command_lines(bot.tree, formatter("de")))
    assert "`/ping` — Prüfen, ob der Bot läuft, und die Gateway-Latenz sehen" in german


class _Client:
    latency = 0.0423


class _Response:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []

    async def send_message(self, content: str, *, ephemeral: bool) -> None:
        self.sent.append((content, ephemeral))


class _Interaction:
    def __init__(self, locale: str) -> None:
        self.locale = discord.Locale(locale)
        self.guild_locale = None
        self.client = _Client()
        self.response = _Response()


@pytest.mark.parametrize(
    "locale,expected",
    [("es-ES", "¡Pong! Latencia del gateway: 42 ms."), ("en-US", "Pong! Gateway latency: 42 ms.")],
)
async def test_ping_answers_in_the_members_language(locale, expected):
    interaction = _Interaction(locale)
    await Ping.ping.callback(Ping(None), interaction)  # type: ignore[arg-type]
    assert interaction.response.sent == [(expected, True)]
