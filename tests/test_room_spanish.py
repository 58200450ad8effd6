"""/room and /limits in Spanish, below Discord: every step, warning and input error of the room calculator
rendered through the catalogs for es-419 and es-ES, and a broken translation falling back to English."""

from __future__ import annotations

import ast
import string
from decimal import Decimal
from pathlib import Path

import pytest

from bot import i18n
from bot.errors import describe
from bot.formatting import Formatter, formatter
from commands._render import limits_embed, room_embed
from knowledge.errors import InputError
from knowledge.facts import load_facts
from knowledge.room import RoomInput, compute_room
from knowledge.text import Line

ROOT = Path(__file__).resolve().parent.parent
SPANISH = ["es-419", "es-ES"]


def room(**kw):
    kw.setdefault("compensation", 200000)
    kw.setdefault("employer_contributions", 0)
    return compute_room(RoomInput(**kw))


# Together these reach every step and warning the calculator can write (checked below against its source).
SCENARIOS = [
    dict(year=2025, age=45, employee_deferrals=23500, employer_contributions=10000),
    dict(
        year=2025,
        age=45,
        compensation=450000,
        employee_deferrals=23500,
        match_formula="100% up to 6%",
        employer_contributions=5000,
        plan_after_tax_cap_pct=5,
        ytd_after_tax=1000,
        paychecks_left=4,
        prior_year_wages=400000,
    ),
    dict(
        year=2025,
        age=45,
        compensation=50000,
        employee_deferrals=10000,
        employer_contributions=2000,
        ytd_after_tax=40000,
    ),
    dict(year=2025, age=55, compensation=60000, employee_deferrals=30000, other_plan_deferrals=10000),
    dict(year=2025, age=55, compensation=60000, employee_deferrals=31000, plan_after_tax_cap_pct=50),
    dict(
        year=2022,
        age=40,
        compensation=300000,
        employee_deferrals=25000,
        plan_after_tax_cap_pct=10,
        ytd_after_tax=1000,
        match_formula="50% up to 6%",
        employer_contributions=None,
    ),
    dict(year=2024, age=40, compensation=100000, plan_after_tax_cap_pct=50, paychecks_left=26),
    dict(year=2024, age=40, compensation=450000, plan_after_tax_cap_pct=5),
    dict(year=2025, age=45, employee_deferrals=23500, employer_contributions=46500),
    dict(year=2026, age=61, compensation=100000, employee_deferrals=20000, other_plan_deferrals=10000),
    dict(
        year=2026,
        age=55,
        compensation=300000,
        employee_deferrals=10000,
        other_plan_deferrals=23000,
        employer_contributions=30000,
        prior_year_wages=100000,
    ),
    dict(year=2026, age=55, compensation=400000, employee_deferrals=32000, prior_year_wages=400000),
    dict(year=2026, age=55, compensation=100000),
    # Issue 19's edges: catch-up past 100% of pay, a paystub's match, no employer money, a 5% owner, a 403(b)'s
    # 15-year catch-up, no Roth in the plan, the optional 60–63 catch-up, self-employed, assumed deferrals, and a
    # paystub of another year.
    dict(year=2025, age=55, compensation=20000, employee_deferrals=20000, employer_contributions=2000),
    dict(
        year=2026,
        age=45,
        compensation=182000,
        employee_deferrals=24500,
        match_formula="50% up to 6%",
        employer_contributions=None,
        ytd_deferrals=19000,
        ytd_employer=7000,
        pay_to_come=42000,
        five_percent_owner=True,
    ),
    dict(year=2026, age=45, employee_deferrals=20000, employer_contributions=None, deferrals_assumed=True),
    dict(year=2026, age=45, employee_deferrals=27500, plan_type="403b", catch_up_403b_15_year=3000),
    dict(year=2026, age=55, employee_deferrals=32500, prior_year_wages=200000, plan_offers_roth=False),
    dict(year=2026, age=61, employee_deferrals=30000, prior_year_wages=100000, self_employed=True),
    dict(year=2026, age=45, employee_deferrals=20000, paystub_elsewhere=2025),
]


def templates(line: Line):
    """A line's template and those of the lines nested in its params."""
    yield line.template
    for value in line.params.values():
        if isinstance(value, Line):
            yield from templates(value)


def calculator_templates() -> set[str]:
    """Every template the calculator can put in a step or warning, read from knowledge/room.py itself."""
    tree = ast.parse((ROOT / "knowledge" / "room.py").read_text(encoding="utf-8"))
    wanted = {"compute_room", "_hint_params", "_hce_warning", "_roth_catch_up_warning", "_plan_warnings"}
    found = set()
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in wanted):
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
                first = node.args[0]
                if node.func.id in {"Step", "Warning", "Line", "N_"} and isinstance(first, ast.Constant):
                    found.add(first.value)
    return found


@pytest.fixture
def no_misses():
    i18n.MISSES.clear()
    yield
    assert not i18n.MISSES, f"untranslated: {sorted(m for _, m in i18n.MISSES)}"


def test_the_scenarios_reach_every_step_and_warning():
    used = set()
    for kw in SCENARIOS:
        r = room(**kw)
        for line in [*r.steps, *r.warnings]:
            used.update(templates(line))
    wanted = calculator_templates()
    assert len(wanted) > 30
    assert wanted - used == set()


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("tag", SPANISH)
@pytest.mark.parametrize("kw", SCENARIOS, ids=lambda kw: f"{kw['year']}-{kw['age']}-{kw.get('compensation')}")
def test_every_step_and_warning_reads_in_spanish(tag, kw, no_misses):
    f = formatter(tag)
    r = room(**kw)
    for line in [*r.steps, *r.warnings]:
        spanish, english = f.line(line), line.render(f.money)
        assert spanish != english, f"{line.template!r} is still English"
        assert "{" not in spanish
    embed = room_embed(r, f)
    assert embed.title.startswith("Margen after-tax para ")
    names = [field.name for field in embed.fields]
    assert "Fuentes" in names and "Cantidades usadas" in names and "Sources" not in names
    assert all(len(field.value) <= 1024 and len(field.name) <= 256 for field in embed.fields)
    assert len(embed) <= 6000 and len(embed.title) <= 256
    assert embed.footer.text.startswith("Información educativa, no asesoramiento fiscal")


@pytest.mark.parametrize(
    "tag,room_text,step",
    [
        # es-419 and es-ES write the same dollars differently (babel's CLDR data, always US dollars).
        ("es-419", "USD\xa036,500", "Límite de aportaciones anuales del 415(c) para 2025: **USD\xa070,000**"),
        ("es-ES", "36.500\xa0US$", "Límite de aportaciones anuales del 415(c) para 2025: **70.000\xa0US$**"),
    ],
)
def test_the_issue_example_in_spanish(tag, room_text, step, no_misses):
    r = room(year=2025, age=45, employee_deferrals=23500, employer_contributions=10000)
    embed = room_embed(r, formatter(tag))
    assert embed.title == f"Margen after-tax para 2025: {room_text}"
    assert step in embed.description
    sources = next(field.value for field in embed.fields if field.name == "Fuentes")
    assert "[IRS Notice 2024-80](https://www.irs.gov/pub/irs-drop/n-24-80.pdf)" in sources
    assert "Límite de aportaciones anuales del 415(c)" in sources


@pytest.mark.parametrize(
    "kw,start",
    [
        ({"age": 12}, "**age**: debe ser tu edad al 31 de diciembre, entre 14 y 120"),
        ({"age": "old"}, "**age**: debe ser un número entero"),
        ({"year": 1999}, "**year**: debe ser un año fiscal entre 2000 y 2100"),
        ({"year": 2030}, "**year**: no hay cifras del IRS para 2030; años disponibles: 2022, 2023, 2024, 2025, 2026"),
        ({"paychecks_left": 0}, "**paychecks_left**: debe estar entre 1 y 365"),
        ({"plan_after_tax_cap_pct": 150}, "**plan_after_tax_cap_pct**: debe ser un porcentaje del salario"),
        ({"plan_type": "457b"}, "**plan_type**: un 457(b) gubernamental"),
        ({"compensation": None}, "**compensation**: es obligatorio: tu salario de este empleador este año"),
        ({"surprise": 1}, "**surprise**: no es un campo conocido"),
        ({"match_formula": 5}, '**match_formula**: debe ser un texto como "50% up to 6%"'),
        ({"employee_deferrals": 300000}, "**employee_deferrals**: tus aportaciones diferidas más tus aportaciones"),
    ],
)
def test_input_errors_in_spanish_name_the_option(kw, start, no_misses):
    args = {"year": 2025, "age": 40, "compensation": 200000, "employee_deferrals": 0, "employer_contributions": 0}
    args.update(kw)
    with pytest.raises(InputError) as exc:
        compute_room(RoomInput(**args))
    for tag in SPANISH:
        assert describe(exc.value, formatter(tag)).startswith(start)


def test_limits_in_spanish(no_misses):
    facts = load_facts()
    embed = limits_embed(facts.year(2026), facts.year(2025), formatter("es-ES"), shared=False)
    assert embed.title == "Límites del IRS para planes de jubilación en 2026"
    figures = next(field.value for field in embed.fields if field.name == "Cifras")
    assert (
        "**Límite de aportaciones anuales del 415(c)**: 72.000\xa0US$ (+2.000\xa0US$ respecto a 70.000\xa0US$ en 2025)"
        in (figures)
    )
    assert "(nuevo este año)" in figures or "(sin cambios)" in figures
    assert embed.footer.text == "Solo tú puedes ver esto; share:true lo publica en el canal."


# --- a translation that drifted from the English --------------------------------------------------


class Drifted(Formatter):
    """Spanish whose catalog has wrong placeholders, as a careless edit of the .po would leave it."""

    WRONG = {
        "After-tax room for {year}: {room}": "Margen after-tax para {año}: {room}",  # a renamed placeholder
        "415(c) annual additions limit for {year}": "Límite de 415(c) para {0}",  # a positional one
        "Room under 415(c)": "Margen bajo el 415(c) {",  # a broken field
        "This year's pay ({pay}) is above that figure, which is only a hint.": "Salario ({salario}) alto.",
    }

    def __init__(self) -> None:
        super().__init__("es-419")
        spanish = self.gettext
        self.gettext = lambda message: self.WRONG.get(message) or spanish(message)


def test_a_translation_with_wrong_placeholders_falls_back_to_english():
    f = Drifted()
    assert f.t("After-tax room for {year}: {room}", year=2025, room=Decimal(36500)) == (
        "After-tax room for 2025: USD\xa036,500"
    )
    r = room(year=2025, age=45, employee_deferrals=23500, employer_contributions=10000)
    embed = room_embed(r, f)  # no KeyError, IndexError or ValueError reaches the member
    assert embed.title == "After-tax room for 2025: USD\xa036,500"
    assert "415(c) annual additions limit for 2025: **USD\xa070,000**" in embed.description
    assert "Room under 415(c): **USD\xa036,500**" in embed.description
    # The rest stays Spanish: one bad message costs only itself.
    assert "Tus aportaciones diferidas que cuentan" in embed.description
    # A nested line (the HCE hint) falls back on its own, inside a Spanish warning.
    hce = next(w for w in r.warnings if w.code == "hce_unknown")
    text = f.line(hce)
    assert text.startswith("No se sabe si eres HCE") and text.endswith(
        "This year's pay (USD\xa0200,000) is above that figure, which is only a hint."
    )


# --- the error handler's own messages -------------------------------------------------------------


def test_handler_messages_in_spanish(no_misses):
    import discord
    from discord import app_commands

    from bot.storage import ConflictError, StorageError

    f = formatter("es-419")
    conflict = ConflictError("there is no change #{id} in this server; see /facts history", id=7)
    assert describe(conflict, f) == "Sin cambios: no hay ningún cambio #7 en este servidor; consulta /facts history"
    read = StorageError("database is locked", "unavailable")
    assert describe(read, f) == (
        "La base de datos del bot no está disponible en este momento — vuelve a intentarlo en un minuto."
    )
    written = StorageError("disk full", "full", write=True)
    assert describe(written, f).startswith("La base de datos del bot se ha quedado sin espacio; no se guardó nada.")
    kinds = {
        discord.AppCommandOptionType.integer: "un número entero",
        discord.AppCommandOptionType.number: "un número",
        discord.AppCommandOptionType.boolean: "verdadero o falso",
        discord.AppCommandOptionType.attachment: "un archivo",
    }
    for kind, spanish in kinds.items():
        error = app_commands.TransformerError("abc", kind, app_commands.Transformer())
        assert describe(error, f) == f"No se pudo leer **abc** como {spanish}."
        assert describe(error, formatter("en-US")) != describe(error, f)
    missing = app_commands.MissingPermissions(["manage_guild"])
    assert describe(missing, f) == (
        "Necesitas el permiso **Gestionar servidor** (o el rol de moderador) para usar este comando."
    )
    assert describe(app_commands.NoPrivateMessage(), f) == "Este comando solo funciona en un servidor."
