"""/plan and the charts in Spanish: every line translated, money and percentages in the member's locale as babel
writes them, the citations as they are, and nothing asked of the Spanish catalog that it lacks."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

import bot.i18n
from bot import extract as extractor
from bot.formatting import formatter
from bot.replies import DESCRIPTION, FIELD_VALUE, FIELDS, TITLE, TOTAL, embed_size
from commands import _chart_draw as draw
from commands import _charts
from commands._plan_render import plan_embed, plan_line
from knowledge.errors import InputError
from knowledge.facts import load_facts
from knowledge.plan import PlanInput, compute_plan
from knowledge.room import RoomInput, compute_room

ROOT = Path(__file__).resolve().parent.parent
PLAN_FILES = {
    "knowledge/plan.py",
    "commands/plan.py",
    "commands/_plan_render.py",
    "commands/_charts.py",
    "commands/_chart_draw.py",
}
PLAN_2026 = dict(
    year=2026,
    age=40,
    compensation="182000",
    pay_frequency="biweekly",
    paychecks_left=6,
    ytd_deferrals="19000",
    ytd_employer="7000",
    ytd_after_tax="10000",
    match_formula="50% up to 6%",
)
# Every warning /plan has: a 53-paycheck year with a bonus, a true-up, a plan cap and today's elections to check.
LONG_YEAR = dict(
    year=2026,
    age=61,
    compensation="2000000",
    pay_frequency="weekly-53",
    paychecks_left=53,
    bonus="250000",
    bonus_paycheck=30,
    match_formula="100% of first 3% + 50% of next 2%",
    match_true_up=True,
    match_after_tax=True,
    plan_after_tax_cap_pct="10",
    election_unit="tenths",
    current_deferral="30",
    current_after_tax="10",
    other_plan_deferrals="1000",
)
# What /plan does not take as options (saved with /profile plan): the e2e tests save them first.
LONG_YEAR_PLAN = {k: LONG_YEAR[k] for k in ("match_true_up", "match_after_tax")}
LONG_YEAR_OPTIONS = {k: v for k, v in LONG_YEAR.items() if k not in LONG_YEAR_PLAN}
NOTICE_2025_67 = "[IRS Notice 2025-67](https://www.irs.gov/pub/irs-drop/n-25-67.pdf)"


@cache
def messages_by_file() -> dict[str, set[str]]:
    """Every extracted English message with the files it comes from."""
    method_map = [(f"{folder}/**.py", "bot.extract:extract") for folder in ("bot", "commands", "knowledge")]
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=extractor.KEYWORDS
    ):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.setdefault(text, set()).add(filename.replace("\\", "/"))
    return found


def plan_misses(missed: set[tuple[str, str]]) -> list[str]:
    """Every message a /plan reply asked the Spanish catalog for and did not find (a template built at run time,
    which no catalog can hold, included)."""
    return sorted(message for _language, message in missed)


@pytest.fixture
def misses():
    """What a test asked of the Spanish catalog and it lacked, limited to /plan's messages."""
    before = set(bot.i18n.MISSES)
    yield lambda: plan_misses(bot.i18n.MISSES - before)


def plan(**changes):
    return compute_plan(PlanInput(**PLAN_2026 | changes), load_facts())


def field(embed, name: str) -> str:
    return "\n".join(f.value for f in embed.fields if f.name.startswith(name))


def test_plan_in_latin_american_spanish(misses):
    f = formatter("es-419")
    embed = plan_embed(plan(), f)
    assert embed.title == "Elecciones de nómina para tus últimos 6 pagos de 2026"
    text = embed.description
    assert "Aportación diferida (antes de impuestos + Roth): **13%** de cada pago" in text
    assert "After-tax: elige **70%** ahora; después del pago 3 cámbiala a **69%**" in text
    # Money is US dollars as babel writes them for es-419 ("USD 29,260", a no-break space), never "$29,260".
    assert f.money(Decimal(29260)) == "USD\xa029,260"
    assert "→ USD\xa029,190 de los USD\xa029,240 de margen after-tax" in text
    assert "Aportaciones anuales a fin de año: USD\xa071,910 del límite del 415(c) de USD\xa072,000" in text
    assert "$29,190" not in text
    schedule = field(embed, "Calendario")
    assert "Salario" in schedule and "Diferida" in schedule and "… 2: igual" in schedule and "USD\xa071,910" in schedule
    assert "→ después del pago 3, cambia la elección after-tax a 69%" in schedule
    assert "inmediatamente superior" not in field(embed, "Advertencias")
    assert NOTICE_2025_67 in field(embed, "Fuentes")  # the citation exactly as in English
    assert misses() == []


def test_plan_in_spanish_from_spain_writes_numbers_the_spanish_way(misses):
    f = formatter("es-ES")
    embed = plan_embed(plan(election_unit="tenths"), f)
    nbsp = "\xa0"
    assert f"elige **13,1{nbsp}%** ahora; después del pago 5 cámbiala a **13{nbsp}%**" in embed.description
    assert f"elige **69,7{nbsp}%** ahora; después del próximo pago cámbiala a **69,6{nbsp}%**" in embed.description
    schedule = field(embed, "Calendario")
    assert f"→ después del pago 5, cambia la elección de aportación diferida a 13{nbsp}%" in schedule
    assert f"→ después del pago 1, cambia la elección after-tax a 69,6{nbsp}%" in schedule
    assert f"→ 29.239{nbsp}US$ de los 29.240{nbsp}US$ de margen after-tax" in embed.description
    assert NOTICE_2025_67 in field(embed, "Fuentes")
    assert misses() == []


def test_every_plan_warning_is_spanish_within_discords_limits(misses):
    result = compute_plan(PlanInput(**LONG_YEAR), load_facts())
    codes = set(result.warning_codes())
    assert {"limit_reached_early", "after_tax_over", "confirm"} <= codes
    f = formatter("es-419")
    ours = [
        w for w in result.warnings if w.template in messages_by_file() and messages_by_file()[w.template] & PLAN_FILES
    ]
    assert len(ours) >= 3  # the next-step-up and unfilled warnings: test_todays_elections_…_in_spanish
    for w in ours:
        text = plan_line(w, f)
        assert text != w.text  # translated, not the English
        assert "{" not in text
    confirm = next(plan_line(w, f) for w in result.warnings if w.code == "confirm")
    assert confirm.startswith("Pide a tu plan que te confirme: si las aportaciones after-tax se detienen solas")
    assert "el tope after-tax del 10% de cada pago." in confirm and "USD\xa0360,000" in confirm
    embed = plan_embed(result, f)
    assert embed_size(embed) <= TOTAL and len(embed.fields) <= FIELDS
    assert len(embed.title) <= TITLE and len(embed.description) <= DESCRIPTION
    assert all(len(fl.value) <= FIELD_VALUE for fl in embed.fields)
    assert "(shortened to fit Discord)" not in (embed.footer.text or "")
    assert misses() == []


def test_percentages_in_warnings_follow_the_locale():
    result = plan(current_deferral="20", current_after_tax="80")
    stop = next(w for w in result.warnings if w.code == "limit_reached_early")
    assert "election (20%)" in stop.text  # English, as before
    assert "(20\xa0%)" in plan_line(stop, formatter("es-ES"))
    assert "(20%)" in plan_line(stop, formatter("es-419"))
    lost = next(w for w in result.warnings if w.code == "match_lost_early")
    assert plan_line(lost, formatter("es-419")).endswith(
        "pierdes USD\xa0420 de match. Para repartir tus aportaciones diferidas entre todos los pagos que quedan, "
        "elige 13% ahora y mantenla hasta fin de año."
    )


def test_todays_elections_that_leave_room_unfilled_in_spanish(misses):
    result = plan(current_deferral="10", current_after_tax="50")
    deferral, after_tax = (plan_line(w, formatter("es-419")) for w in result.warnings if w.code == "current_unfilled")
    assert deferral == (
        "Con tu elección de aportación diferida actual (10%) aportas USD\xa04,200 hasta fin de año y quedan "
        "USD\xa01,300 sin llenar de los USD\xa05,500 de margen para aportaciones diferidas; las elecciones de arriba "
        "aportan USD\xa05,460."
    )
    assert after_tax.startswith("Con tu elección after-tax actual (50%) aportas USD\xa021,000 hasta fin de año")
    over = next(w for w in plan(current_after_tax="75").warnings if w.code == "after_tax_over")
    assert plan_line(over, formatter("es-ES")).endswith(
        "En su lugar, elige 70\xa0% ahora; después del pago 3 cámbiala a 69\xa0%."
    )
    low = compute_plan(
        PlanInput(
            year=2026,
            age=40,
            compensation="40000",
            pay_frequency="biweekly",
            paychecks_left=26,
            match_formula="100% up to 100%",
        ),
        load_facts(),
    )
    over = next(w for w in low.warnings if w.code == "deferral_overshoot")
    assert plan_line(over, formatter("es-419")).startswith(
        "La elección de aportación diferida inmediatamente superior, 51%, aportaría USD\xa020,399.89"
    )
    assert misses() == []


def test_dollar_elections_in_spanish():
    f = formatter("es-419")
    embed = plan_embed(plan(election_unit="dollars"), f)
    assert "por pago**" in embed.description and "USD" in embed.description


@pytest.mark.parametrize(
    ("changes", "field_name", "english", "spanish"),
    [
        (
            dict(pay_frequency="monthly", paychecks_left=13),
            "paychecks_left",
            "a monthly payroll has 12 paychecks a year",
            "una nómina mensual tiene 12 pagos al año",
        ),
        (dict(bonus="1000", bonus_paycheck=7), "bonus_paycheck", None, "debe ser uno de los 6 pagos que quedan"),
        (
            dict(current_deferral="13.5"),
            "current_deferral",
            "your plan takes elections in steps of 1%",
            "tu plan acepta elecciones en incrementos de 1%",
        ),
        (
            dict(election_unit="dollars", current_deferral="10.005"),
            "current_deferral",
            "your plan takes elections in steps of $0.01",
            "tu plan acepta elecciones en incrementos de USD\xa00.01",
        ),
        (dict(pay_frequency="daily"), "pay_frequency", None, "elige una de estas opciones: weekly, weekly-53"),
    ],
)
def test_input_errors_in_spanish(changes, field_name, english, spanish):
    with pytest.raises(InputError) as caught:
        PlanInput(**PLAN_2026 | changes)
    assert caught.value.field == field_name
    if english is not None:
        assert caught.value.message == english  # str() and logs stay English
    assert formatter("es-419").line(caught.value.line).startswith(spanish)


def test_charts_in_spanish(misses):
    f = formatter("es-ES")
    chart, alt = _charts.plan_chart(plan(), f)
    assert chart.title == "Lo que queda de 2026, pago a pago"
    assert chart.x_labels[0] == "hoy" and chart.x_title == "pagos a partir de hoy"
    assert chart.end_text == "fin de año: 71.910\xa0US$"
    assert [label for _, label in chart.y_ticks][0].endswith("US$")
    assert alt.startswith("Gráfico de líneas de 6 pagos: tus aportaciones diferidas suben de 19.000\xa0US$")
    png = draw.draw_plan(chart)
    assert png.startswith(b"\x89PNG")
    room = compute_room(
        RoomInput(year=2025, age=55, compensation="200000", employee_deferrals="31000", employer_contributions="10000"),
        load_facts(),
    )
    chart, alt = _charts.room_chart(room, formatter("es-419"))
    assert chart.title == "Límite del 415(c) de 2025: USD\xa070,000"
    assert [s.label for s in chart.segments][-1] == "Margen after-tax restante"
    assert alt.endswith("catch-up USD\xa07,500 de USD\xa07,500, fuera del límite.")
    assert draw.draw_room(chart).startswith(b"\x89PNG")
    assert misses() == []


def test_charts_read_in_english_as_before():
    f = formatter("en-US")
    chart, alt = _charts.plan_chart(plan(), f)
    assert chart.title == "The rest of 2026, paycheck by paycheck"
    assert chart.limit_415c_text == "415(c) $72,000" and chart.end_text == "year end: $71,910"
    assert alt.startswith("Line chart over 6 paychecks: your deferrals rise from $19,000 to $24,460")


def test_without_a_system_font_accents_are_dropped_not_drawn_as_boxes(monkeypatch):
    monkeypatch.setattr(draw, "_font_file", lambda: None)
    assert draw._readable("Límite 415(c) de 2025: 70.000\xa0US$") == "Limite 415(c) de 2025: 70.000 US$"
    assert draw._readable("fin de año: 1–2") == "fin de ano: 1-2"
    chart, _alt = _charts.plan_chart(plan(), formatter("es-ES"))
    assert draw.draw_plan(chart).startswith(b"\x89PNG")
