"""/checklist and /profile for Spanish-speaking members (es-419 and es-ES) end to end through SimCord: the DM,
its buttons, the replies and the errors in Spanish, amounts in the member's format, and no message the Spanish
catalog lacks (bot.i18n.MISSES; see tests/i18n_misses.py)."""

from __future__ import annotations

from decimal import Decimal

from bot.formatting import formatter

from ..i18n_misses import new_misses, snapshot
from .locale import member_locale
from .test_checklist_e2e import dm, labels_of, status_of
from .test_edges_e2e import assert_fits


async def test_a_latin_american_member_gets_the_checklist_by_dm_in_spanish_and_answers_in_spanish(world):
    before = snapshot()
    with member_locale("es-419"):
        saved = await world.alice.slash(
            world.channel,
            "profile set",
            age=45,
            compensation="200000",
            employee_deferrals="24500",
            employer_contributions="10000",
        )
        assert saved.response.embeds[0].title == "Guardado. Tu perfil del plan"
        result = await world.alice.slash(world.channel, "checklist")
    assert (
        result.ephemeral and result.response.content == "Te envié un mensaje directo con tu lista de verificación. 📬"
    )
    message = dm(world)
    assert_fits(message)
    main, script = message.embeds
    assert main.title == "Lista de verificación del mega backdoor Roth (2026)"
    assert main.description.startswith("**Faltan respuestas: El plan acepta aportaciones after-tax (no Roth); ")
    room = formatter("es-419").money(Decimal(37500))  # the same figure as in English, in the member's format
    assert f"Tu margen para aportaciones after-tax en 2026: **{room}** (/room muestra cada paso)." in main.description
    assert main.fields[0].name == "❔ 1. El plan acepta aportaciones after-tax (no Roth)"
    assert script.title == "Preguntas para Recursos Humanos (copia y pega)"
    assert "¿Hasta qué % del salario?" in script.description
    labels = labels_of(message)
    assert labels[:3] == ["¿El plan acepta after-tax? Sí", "No", "No lo sé"] and len(labels) == 15

    with member_locale("es-419"):
        await world.alice_user.click(message, label="¿El plan acepta after-tax? Sí")
        await world.alice_user.click(dm(world), label="¿Conversión a Roth dentro del plan? Sí")
    message = dm(world)
    assert status_of(message, 1) == "✅" and status_of(message, 2) == "✅"
    assert message.embeds[0].fields[1].name == "✅ 2. Una vía para pasar el dinero after-tax a Roth"
    assert labels_of(message)[:4] == [
        "¿Retiro sin dejar el empleo? Sí",
        "No",
        "No lo sé",
        "¿Aportaciones diferidas + match completo previstos? Sí",
    ]
    profile = await world.bot.repo.get_profile(world.alice.id)
    assert profile.after_tax_allowed is True and profile.in_plan_conversion is True
    assert len(world.env.backend.messages[world.alice_user.dm_channel.id]) == 1  # edited in place
    assert new_misses(before) == set()


async def test_a_member_in_spain_gets_spanish_and_a_press_answers_in_the_pressing_members_language(world):
    before = snapshot()
    bob_user = world.env.create_user("bob")
    bob = world.guild.add_member(bob_user)
    with member_locale("es-ES"):
        result = await bob.slash(world.channel, "checklist", after_tax_allowed=True)
    assert result.response.content == "Te envié un mensaje directo con tu lista de verificación. 📬"
    message = bob_user.dm_channel.last_message
    assert message.embeds[0].title == "Lista de verificación del mega backdoor Roth (2026)"
    assert labels_of(message)[:3] == ["¿Conversión a Roth dentro del plan? Sí", "No", "No lo sé"]
    with member_locale("es-ES"):
        await bob_user.click(message, custom_id=f"rr:cl:{world.guild.id}:in_plan_conversion:unsure")
    message = bob_user.dm_channel.last_message
    assert labels_of(message)[0] == "¿Retiro sin dejar el empleo? Sí"  # "not sure" moved to the back
    with member_locale("es-ES"):
        await bob_user.click(message, label="¿Retiro sin dejar el empleo? Sí")
        await bob_user.click(bob_user.dm_channel.last_message, label="¿Liquidez disponible? Sí")
        await bob_user.click(
            bob_user.dm_channel.last_message, label="¿Aportaciones diferidas + match completo previstos? Sí"
        )
    assert bob_user.dm_channel.last_message.embeds[0].description.startswith(
        "**Ya puedes hacerlo, mediante retiros sin dejar el empleo a una Roth IRA.**"
    )

    # A checklist asked for in English, answered after the member switched Discord to Spanish: the new render
    # is in the language of the press.
    await world.alice.slash(world.channel, "checklist")
    assert dm(world).embeds[0].title == "Mega backdoor Roth checklist (2026)"
    with member_locale("es-ES"):
        await world.alice_user.click(dm(world), label="Plan accepts after-tax? Yes")
    message = dm(world)
    assert message.embeds[0].title == "Lista de verificación del mega backdoor Roth (2026)"
    assert status_of(message, 1) == "✅" and labels_of(message)[0] == "¿Conversión a Roth dentro del plan? Sí"
    assert new_misses(before) == set()


async def test_closed_dms_fall_back_in_spanish(world):
    before = snapshot()
    world.env.inject_error(
        "POST", "/channels/*/messages", status=403, code=50007, message="Cannot send messages to this user"
    )
    with member_locale("es-419"):
        result = await world.alice.slash(world.channel, "checklist")
    followup = result.response
    assert followup.ephemeral and followup.content.startswith("No pude enviarte un mensaje directo")
    assert followup.embeds[0].title == "Lista de verificación del mega backdoor Roth (2026)"
    assert new_misses(before) == set()


async def test_profile_errors_and_replies_in_spanish(world):
    before = snapshot()
    with member_locale("es-419"):
        result = await world.alice.slash(world.channel, "profile set", clear="salary")
    text = result.response.content
    assert result.ephemeral and text.startswith(
        "**clear**: campo desconocido: “salary”; campos: birth\\_year, compensation, "
    )
    with member_locale("es-ES"):
        result = await world.alice.slash(world.channel, "profile set", age=40, birth_year=1950)
        assert result.response.content == (
            "**age**: la edad 40 y el año de nacimiento 1950 no coinciden para 2026; indica solo uno"
        )
        result = await world.alice.slash(world.channel, "profile set")
        assert result.response.content == (
            "**options**: indica al menos un dato que guardar, o clear:<campo> para olvidar uno"
        )
        assert await world.bot.repo.get_profile(world.alice.id) is None
        exported = await world.alice.slash(world.channel, "profile export")
        assert exported.response.content == "No tienes ningún perfil guardado que exportar."

        await world.alice.slash(world.channel, "profile set", compensation="185.000")
        await world.alice.slash(world.channel, "profile plan", auto_conversion=True)
        shown = (await world.alice.slash(world.channel, "profile show")).response.embeds[0]
        assert shown.title == "Tu perfil del plan guardado"
        money = formatter("es-ES").money(Decimal(185000))
        assert f"**Salario de este empleador**: {money}" in shown.description
        assert "**Conversión automática**: sí" in shown.description
        exported = await world.alice.slash(world.channel, "profile export")
        assert exported.response.content == "Tu perfil del plan:"
        erased = await world.alice.slash(world.channel, "profile delete")
    assert erased.response.content == (
        "Tu perfil del plan se ha borrado de la base de datos del bot: Salario de este empleador, Conversión "
        "automática. Los botones de las listas que recibiste antes ya no guardan nada; /checklist "
        "empieza de nuevo."
    )
    assert len(world.acknowledge_errors()) == 3
    assert new_misses(before) == set()
