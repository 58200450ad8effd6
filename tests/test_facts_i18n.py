"""/facts in Spanish: pages, history, change embeds, fact-pack previews and every kind of refusal render in the
moderator's language (es-419 and es-ES share the es catalog), with amounts in US dollars formatted for the
locale and citations exactly as written. English stays as it was."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot import i18n
from bot.errors import describe
from bot.formatting import formatter
from bot.replies import TITLE, embed_size
from bot.storage import FactChange
from commands._announce import import_embed, imported_embed, new_year_embed
from commands._facts_render import change_embed, facts_show_pages, history_pages, percent
from commands._render import unescape
from knowledge.errors import FactDataError, InputError
from knowledge.facts import Citation, Figure, load_facts, parse_year_file
from knowledge.packs import plan_import, read_pack
from knowledge.sources import check_source_url
from knowledge.text import Line
from knowledge.updates import propose

from .test_packs import pack_2027

NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"
NOTICE_2026 = "[IRS Notice 2025-67](https://www.irs.gov/pub/irs-drop/n-25-67.pdf)"
SPANISH = ["es-419", "es-ES"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_misses():
    """Nothing rendered here may ask the Spanish catalog for a message it lacks."""
    i18n.MISSES.clear()
    yield
    assert not i18n.MISSES, sorted(i18n.MISSES)


def refusal(call, *args, **kwargs) -> BaseException:
    try:
        call(*args, **kwargs)
    except (InputError, FactDataError) as exc:
        return exc
    raise AssertionError("not refused")


def change(**fields) -> FactChange:
    row = dict(
        id=3,
        guild_id=555,
        year=2026,
        figure="annual_additions_415c",
        old_value=None,
        new_value=Decimal(73000),
        title="IRS correction",
        url="https://www.irs.gov/a.pdf",
        note="typo",
        actor_id=42,
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        reverts=None,
    )
    row.update(fields)
    return FactChange(**row)


@pytest.mark.parametrize("locale", SPANISH)
def test_show_is_spanish_with_local_amounts_and_the_citations_as_written(locale):
    f = formatter(locale)
    server = Figure(
        "hce_threshold_414q",
        Decimal(165000),
        Citation(title="IRS Notice 2026-99", url=NOTICE),
        origin="server",
        updated_by=42,
        updated_at=datetime(2026, 3, 1, tzinfo=UTC),
        note="corrección",
    )
    year = load_facts().with_figures(2026, [server]).year(2026)
    [page] = facts_show_pages(year, f)
    assert page.title == "Cifras de 2026 en este servidor"
    text = page.description
    assert f"**Límite de aportaciones anuales del 415(c)** (`annual_additions_415c`): {f.money(Decimal(72000))}" in text
    assert NOTICE_2026 in text  # the citation is the source's own title and link, in no language
    assert f"[IRS Notice 2026-99]({NOTICE}) · ✏️ definida por <@42> el {f.date(server.updated_at)}" in text
    assert "incluida con el bot" in text and "bundled" not in text
    assert page.footer.text.startswith("Las cifras incluidas vienen con el bot")
    assert f.money(Decimal(72000)) != "$72,000"  # a Spanish amount, not the English one


def test_spanish_amounts_follow_the_locale():
    # babel's Spanish: period grouping in Spain, comma grouping in Latin America; always US dollars
    assert formatter("es-ES").money(Decimal(72000)).startswith("72.000")
    assert "72,000" in formatter("es-419").money(Decimal(72000))
    assert all("US" in formatter(tag).money(Decimal(72000)) for tag in SPANISH)
    assert percent(Decimal("0.224"), formatter("es-ES"), signed=True) == "+22,4\xa0%"
    assert percent(Decimal("0.224"), formatter("en-US"), signed=True) == "+22.4%"
    assert percent(Decimal("-0.15"), formatter("en-US"), signed=True) == "-15.0%"


@pytest.mark.parametrize("locale", SPANISH)
def test_history_and_a_change_in_spanish(locale):
    f = formatter(locale)
    bundled = load_facts()
    [page] = history_pages([change(), change(id=4, reverts=3, note=None)], 2026, bundled, f)
    assert page.title == "Cambios de cifras de 2026 en este servidor"
    first, second = page.description.splitlines()
    assert f"{f.money(Decimal(72000))} (incluida con el bot) → **{f.money(Decimal(73000))}**" in first
    assert "[IRS correction](https://www.irs.gov/a.pdf)" in first and "“typo”" in first
    assert second.endswith("· revierte #3")
    assert page.footer.text.startswith("Los más recientes primero.")
    [empty] = history_pages([], None, bundled, f)
    assert (empty.title, empty.description) == (
        "Cambios de cifras en este servidor",
        "Aún no hay cambios: todas las cifras son las incluidas con el bot.",
    )
    embed = change_embed(change(), Line("Change #{change} reverted", {"change": 3}), bundled, f)
    assert embed.title == "Cambio #3 revertido"
    assert embed.footer.text == "Las respuestas de este servidor ya la usan; los demás servidores no se ven afectados."


def test_the_same_change_in_english_is_unchanged():
    embed = change_embed(change(), Line("Fact updated"), load_facts(), formatter("en-US"))
    assert embed.title == "Fact updated"
    assert "$72,000 (bundled) → **$73,000**" in embed.description
    assert embed.footer.text == "Answers in this server use it now; other servers are not affected."


@pytest.mark.parametrize(
    "args, words",
    [
        (
            (2026, "deferral_limit_402g", "80000", NOTICE),
            "**value**: no es coherente con las demás cifras de 2026: deferral_limit_402g: "
            "el 415(c) debe ser mayor que el 402(g) ({a} frente a annual_additions_415c {b})",
        ),
        ((2027, "roth_limit", "1", NOTICE), "**figure**: cifra desconocida “roth_limit”; elige una de la lista:"),
        ((2027, "deferral_limit_402g", "24500.50", NOTICE), "**value**: los límites del IRS son dólares enteros"),
        (
            (2027, "deferral_limit_402g", "245000", NOTICE),
            "**value**: {c} está fuera del rango razonable para «Límite de aportaciones diferidas electivas del "
            "402(g)»: {d}–{e}",
        ),
        (
            (2027, "deferral_limit_402g", "25000", "https://evil.example/n.pdf"),
            "**source_url**: evil.example no es una fuente de confianza; los enlaces deben estar en irs.gov",
        ),
        (
            (2027, "deferral_limit_402g", "25000", "http://irs.gov/n.pdf"),
            "**source_url**: debe ser un enlace https://",
        ),
    ],
)
@pytest.mark.parametrize("locale", SPANISH)
def test_a_moderators_refusals_in_spanish(locale, args, words):
    f = formatter(locale)
    exc = refusal(propose, load_facts(), *args)
    amounts = {k: f.money(Decimal(v)) for k, v in dict(a=80000, b=72000, c=245000, d=1000, e=200000).items()}
    text = unescape(describe(exc, f))  # what the moderator reads: Discord undoes the markdown escapes
    assert text.startswith(words.format(**amounts))
    assert "must" not in text and "$" not in text.replace("US$", "")


def test_the_same_refusal_in_english_and_its_plain_text():
    exc = refusal(propose, load_facts(), 2026, "deferral_limit_402g", "80000", NOTICE)
    expected = (
        "inconsistent with 2026's other figures: deferral_limit_402g: 415(c) must be above 402(g) "
        "($80,000 vs annual_additions_415c $72,000)"
    )
    assert exc.message == expected  # what the operator's command line and the logs show
    assert unescape(describe(exc, formatter("en-US"))) == f"**value**: {expected}"


@pytest.mark.parametrize("locale", SPANISH)
def test_a_bad_pack_is_refused_in_spanish_naming_the_file_and_figure(locale):
    f = formatter(locale)
    hosts, facts = ("irs.gov",), load_facts()

    def planned(text: str):
        return plan_import(facts, [("p.toml", read_pack("p.toml", text.encode()))], hosts, 2027, origin="server")

    exc = refusal(planned, pack_2027().replace(f'url = "{NOTICE}"', 'url = "https://evil.example/x.pdf"', 1))
    assert unescape(describe(exc, f)) == (
        "**file**: p.toml: figures.deferral_limit_402g.url: evil.example no es una fuente de confianza; "
        "los enlaces deben estar en irs.gov (o en sus subdominios)"
    )
    partial = "\n".join(line for line in pack_2027().splitlines() if not line.startswith("ira_limit"))
    assert planned(partial).drafts == [2027]  # not refused: a draft until complete (tests/e2e/test_drafts_e2e.py)
    exc = refusal(planned, pack_2027().replace("year = 2027", "year = 2029"))
    assert "el año 2029 es demasiado lejano; se pueden cargar cifras hasta 2027" in describe(exc, f)
    exc = refusal(read_pack, "big.toml", b"#" * 70_000)
    assert describe(exc, f) == "**file**: big.toml: 69 KB es demasiado para un paquete de cifras (como máximo 64 KB)"
    exc = refusal(parse_year_file, "x.toml", "year = 2027\n[figures]\nira_limit = { value = 7000 }\n")
    assert unescape(describe(exc, f)) == "x.toml: figures.ira_limit.title: falta"
    exc = refusal(check_source_url, "https://irs.gov/a b")
    assert "sin espacios, saltos de línea, comillas" in describe(exc, f)


@pytest.mark.parametrize("locale", SPANISH)
def test_an_import_preview_and_its_summary_in_spanish(locale):
    f = formatter(locale)
    packs = [("2027.toml", read_pack("2027.toml", pack_2027(catch_up_414v=9500, annual_additions_415c=74000)))]
    plan = plan_import(load_facts(), packs, ("irs.gov",), 2027, origin="server")
    embed = import_embed(plan, "2027.toml", f)
    assert embed.title == "Importar 2027.toml: 13 cambio(s)"
    names = [field.name for field in embed.fields]
    assert names[0] == "Cambios" and names[-1].startswith("⚠️ Varían más de un 15")
    changes = embed.fields[0].value
    growth = percent(Decimal(2000) / 72000, f, signed=True)
    assert (
        f"2027 · Límite de aportaciones anuales del 415(c): sin definir → **{f.money(Decimal(74000))}** "
        f"({growth} respecto a 2026) · [IRS Notice 2026-99]({NOTICE})"
    ) in changes
    jump = percent(Decimal(1500) / 8000, f, signed=True)
    assert f"({jump} respecto a 2026; más de un {percent(Decimal('0.15'), f)})" in changes
    assert embed.footer.text == "Años nuevos en este servidor: 2027. Solo se aplica a este servidor."
    announced = import_embed(plan, None, f)
    assert announced.title == "13 cifra(s) actualizada(s)"
    assert all(field.name.startswith("Cambios") for field in announced.fields)  # no preview's warning
    summary = imported_embed([change(id=7), change(id=8)], "2027.toml", f)
    assert summary.title == "Se importó 2027.toml"
    assert summary.description.startswith("2 cifra(s) guardada(s) de una sola vez (cambios #7, #8)")
    for e in (embed, announced, summary):
        assert len(e.title) <= TITLE and embed_size(e) <= 6000


def test_the_new_year_announcement_title_is_in_the_servers_language():
    facts = load_facts()
    spanish = new_year_embed(facts.year(2026), facts.year(2025), formatter("es-ES"))
    assert spanish.title == "Ya están disponibles las cifras del IRS para planes de jubilación de 2026"
    i18n.MISSES.clear()  # the figures' table is /limits' rendering, translated with its own messages
    english = new_year_embed(facts.year(2026), facts.year(2025), formatter("en-US"))
    assert english.title == "2026's IRS retirement-plan figures are in"


def test_the_operator_command_line_still_reads_english_messages():
    exc = refusal(read_pack, "big.toml", b"#" * 70_000)
    assert exc.message == "big.toml: 69 KB is too big for a fact pack (at most 64 KB)"
    exc = refusal(
        parse_year_file,
        "x.toml",
        "year = 1850\n[figures]\n" + (ROOT / "knowledge/data/2026.toml").read_text().split("[figures]\n", 1)[1],
    )
    assert str(exc) == "x.toml: year: 1850 is outside 2000–2100"
