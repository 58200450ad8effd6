"""The checklist and the profile rendered in Spanish (es-419 and es-ES): every text translated, nothing English
left, figures and citations unchanged, buttons and HR script within Discord's limits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.formatting import formatter
from bot.replies import TITLE
from commands._checklist_render import checklist_embeds
from commands._profile_render import PROFILE_LABELS, profile_embed
from commands.checklist import ChecklistView, answer_label
from commands.profile import erased_text, parse_clear
from knowledge.checklist import QUESTIONS, build_checklist
from knowledge.errors import InputError
from knowledge.facts import load_facts
from knowledge.profile import PlanProfile

from .i18n_misses import new_misses, snapshot

FACTS = load_facts()
SPANISH = ["es-419", "es-ES"]


def text_of(embed) -> str:
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    for field in embed.fields:
        parts += [field.name, field.value]
    return "\n".join(parts)


@pytest.mark.parametrize("tag", SPANISH)
def test_checklist_in_spanish(tag):
    before = snapshot()
    f = formatter(tag)
    # 55 in 2026 with last year's pay above both thresholds: the HCE item, the Roth catch-up note and the room.
    profile = PlanProfile(
        birth_year=1971,
        compensation="200000",
        employee_deferrals="24500",
        employer_contributions="10000",
        prior_year_wages="200000",
        after_tax_allowed=True,
    )
    checklist = build_checklist(profile, 2026, FACTS)
    main, script = checklist_embeds(checklist, f)
    assert main.title == "Lista de verificación del mega backdoor Roth (2026)"
    assert main.description.startswith(
        "**Faltan respuestas: Una vía para pasar el dinero after-tax a Roth; Primero, las aportaciones diferidas y "
        "el match completo del empleador; Liquidez más allá de las aportaciones diferidas, la HSA y la IRA.**"
    )
    room = f.money(Decimal(72000 - 24500 - 10000))
    assert f"Tu margen para aportaciones after-tax en 2026: **{room}**" in main.description
    assert "Responde con los botones de abajo" in main.description
    names = [field.name for field in main.fields]
    assert names[0] == "✅ 1. El plan acepta aportaciones after-tax (no Roth)"
    assert "❔ 6. Riesgo por HCE / prueba ACP" in names and "ℹ️ 10. Aportaciones catch-up" in names
    catch_up = main.fields[names.index("ℹ️ 10. Aportaciones catch-up")].value
    # Amounts in the member's format; the tax terms members search for kept as they are.
    assert f"A los 55 años puedes diferir {f.money(Decimal(8000))} más (catch-up desde los 50 años)" in catch_up
    assert f"Tus salarios FICA de 2025 con este empleador superaron {f.money(Decimal(150000))}" in catch_up
    hce = main.fields[names.index("❔ 6. Riesgo por HCE / prueba ACP")].value
    assert f"salario superior a {f.money(Decimal(160000))} en 2025" in hce and "Eres HCE" in hce
    # Citations unchanged: the same notice and link as in English.
    assert "[IRS Notice 2024-80](https://www.irs.gov/pub/irs-drop/n-24-80.pdf)" in text_of(main)
    # The HR script is the member's to copy: Spanish, in a code block, with the search terms kept.
    assert script.title == "Preguntas para Recursos Humanos (copia y pega)"
    assert script.description.startswith("```\n¿Nuestro plan acepta aportaciones after-tax (no Roth)")
    assert script.description.endswith("(non-hardship)?\n```")
    for english in ("Need answers", "Questions to ask HR", "Figures cited", "Answer with the buttons", "At 55"):
        assert english not in text_of(main) + text_of(script)
    assert all(len(e.title) <= TITLE for e in (main, script))
    assert new_misses(before) == set()


@pytest.mark.parametrize(
    ("profile", "verdict"),
    [
        (dict(after_tax_allowed=False), "**Bloqueado: el plan no acepta aportaciones after-tax.**"),
        (
            dict(after_tax_allowed=True, in_plan_conversion=False, in_service_withdrawal=False),
            "**Bloqueado: el plan no permite ni conversiones dentro del plan ni retiros sin dejar el empleo.**",
        ),
        (
            dict(
                after_tax_allowed=True, in_service_withdrawal=True, deferrals_and_match_planned=True, cash_flow_ok=True
            ),
            "**Ya puedes hacerlo, mediante retiros sin dejar el empleo a una Roth IRA.**",
        ),
    ],
)
def test_verdicts_in_spanish(profile, verdict):
    before = snapshot()
    main, _ = checklist_embeds(build_checklist(PlanProfile(**profile), 2026, FACTS), formatter("es-ES"))
    assert main.description.split("\n")[0] == verdict
    assert new_misses(before) == set()


def test_every_hce_hint_and_catch_up_variant_is_translated():
    before = snapshot()
    f = formatter("es-419")
    cases = [
        dict(compensation="300000"),  # last year's pay unknown, this year's above: a hint
        dict(compensation="100000"),  # ... below
        dict(prior_year_wages="90000"),  # not an HCE
        dict(prior_year_wages="200000", testing_results_checked=True),
        dict(birth_year=1964, prior_year_wages="100000"),  # 62: super catch-up, wages below the Roth threshold
        dict(birth_year=1964),  # wages unknown: the Roth rule stated as an "if"
    ]
    for profile in cases:
        main, _ = checklist_embeds(build_checklist(PlanProfile(**profile), 2026, FACTS), f)
        assert "This year" not in text_of(main) and "catch-ups sit" not in text_of(main)
    assert new_misses(before) == set()


@pytest.mark.parametrize("tag", SPANISH)
def test_answer_buttons_are_labelled_in_spanish_within_discords_limit(tag):
    before = snapshot()
    f = formatter(tag)
    view = ChecklistView(list(QUESTIONS), 42, f, new=True)
    labels = [item.item.label for item in view.children]
    assert labels[:3] == ["¿El plan acepta after-tax? Sí", "No", "No lo sé"]
    assert len(labels) == 15 and all(0 < len(label) <= 80 for label in labels)
    assert all(answer_label(q, "yes", f).startswith("¿") for q in QUESTIONS)
    # English members still get the English labels the existing tests know.
    assert answer_label("after_tax_allowed", "yes", formatter("en-US")) == "Plan accepts after-tax? Yes"
    assert new_misses(before) == set()


@pytest.mark.parametrize("tag", SPANISH)
def test_profile_in_spanish(tag):
    before = snapshot()
    f = formatter(tag)
    profile = PlanProfile(
        birth_year=1980,
        compensation="200000",
        plan_after_tax_cap_pct="7.5",
        after_tax_allowed=True,
        in_plan_conversion=False,
        pay_frequency="biweekly",
        election_unit="tenths",
        not_sure=["cash_flow_ok"],
    )
    embed = profile_embed(profile, 2026, f)
    lines = embed.description.split("\n")
    assert embed.title == "Tu perfil del plan guardado"
    assert lines[0] == "**Año de nacimiento**: 1980 (46 años al 31 de diciembre de 2026)"
    assert f"**Salario de este empleador**: {f.money(Decimal(200000))}" in lines
    assert f"**Tope after-tax del plan**: {f.percent(Decimal('7.5'))} del salario" in lines
    assert "**El plan acepta after-tax**: sí" in lines and "**Conversión a Roth dentro del plan**: no" in lines
    assert "**Frecuencia de pago**: cada dos semanas" in lines
    assert "**Unidad de las elecciones**: décimas de porcentaje" in lines
    assert embed.footer.text.startswith("Solo tú puedes verlo.")
    assert profile_embed(PlanProfile(), 2026, f).description == "Aún no hay nada guardado: usa /profile set."

    erased = erased_text(profile, f)
    assert erased.startswith("Tu perfil del plan se ha borrado de la base de datos del bot: Año de nacimiento, ")
    assert "1 respuesta «No lo sé» de la lista de verificación." in erased
    assert erased_text(None, f) == "No tenías ningún perfil guardado; no hay nada que borrar."
    assert "2 respuestas «No lo sé»" in erased_text(PlanProfile(not_sure=["cash_flow_ok", "auto_conversion"]), f)
    assert new_misses(before) == set()


def test_profile_labels_keep_their_keys_and_english_for_about():
    # commands/about.py lists PROFILE_LABELS' English values; the keys are the profile's fields.
    assert set(PROFILE_LABELS) <= set(PlanProfile.model_fields)
    assert PROFILE_LABELS["compensation"] == "Pay from this employer"


def test_profile_errors_in_spanish_name_the_option():
    before = snapshot()
    f = formatter("es-419")
    with pytest.raises(InputError) as exc:
        parse_clear("salary")
    assert exc.value.field == "clear"
    assert f.line(exc.value.line).startswith("campo desconocido: “salary”; campos: birth_year, compensation, ")
    with pytest.raises(InputError) as exc:
        PlanProfile(paychecks_left=400)
    assert exc.value.field == "paychecks_left" and f.line(exc.value.line) == "debe estar entre 1 y 365"
    assert new_misses(before) == set()
