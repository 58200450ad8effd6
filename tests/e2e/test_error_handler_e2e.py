"""The tree's error handler always answers: every kind of refusal, carrying hostile values (amounts past decimal's
precision, NaN, endless text, mentions, templates whose placeholders do not match, objects whose str() fails),
reaches the member as one short private message, never "thinking…" for ever. Driven through the real tree: a
command added for the test raises each error, as a cog would."""

from __future__ import annotations

from decimal import Decimal

import discord
import pytest
from discord import app_commands

from bot.storage import ConflictError, StorageError
from knowledge.errors import FactDataError, InputError
from knowledge.text import Line


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text for you")

    def __format__(self, spec: str) -> str:  # discord.py's own message formats it; only str() fails
        return "unprintable"


def cooldown(seconds: float) -> app_commands.CommandOnCooldown:
    return app_commands.CommandOnCooldown(app_commands.Cooldown(1, 30.0), seconds)


def transformer_error(value: object) -> app_commands.TransformerError:
    return app_commands.TransformerError(value, discord.AppCommandOptionType.integer, app_commands.Transformer())


HOSTILE_AMOUNTS = [Decimal("1e30"), Decimal(10**30 - 1), Decimal("NaN"), Decimal("-Infinity"), Decimal("1e-400000")]
ERRORS = [
    *(InputError("value", "{value} is outside the sane range", value=v) for v in HOSTILE_AMOUNTS),
    *(FactDataError("{where}: {value}", where="ira_limit", value=v) for v in HOSTILE_AMOUNTS),
    *(
        ConflictError("undoing #{change} would break: {problem}", change=1, problem=Line("{v}", {"v": v}))
        for v in HOSTILE_AMOUNTS
    ),
    InputError("note", "{typed} is too long", typed="@everyone **x** " * 5_000),
    InputError("value", "{missing} placeholder and {0} positional"),
    cooldown(float("inf")),
    cooldown(float("nan")),
    cooldown(1e308),
    cooldown(-5.0),
    app_commands.MissingPermissions(["manage_guild", "x" * 3_000]),
    app_commands.CheckFailure("c" * 10_000),
    app_commands.NoPrivateMessage(),
    transformer_error(Unprintable()),
    transformer_error("9" * 10_000),
    StorageError("boom", "unheard-of-kind"),  # type: ignore[arg-type]
    StorageError("boom", "corrupt", write=False),
    RuntimeError("an unexpected bug"),
]


@pytest.fixture
async def boom(world):
    """A /boom command raising whatever the test puts in `raised`."""
    raised: list[BaseException] = []

    @app_commands.command(name="boom", description="Raise the test's error")
    async def boom_command(interaction: discord.Interaction) -> None:
        raise raised[0]

    world.bot.tree.add_command(boom_command)
    await world.bot.tree.sync()
    yield raised
    world.bot.tree.remove_command("boom")


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("deferred", [False, True])
async def test_every_refusal_is_answered_whatever_it_carries(world, boom, error, deferred, monkeypatch):
    if deferred:  # the command had already said "thinking…": the answer must replace it, privately
        raised = error

        async def defer_then_raise(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            raise raised

        world.bot.tree.get_command("boom")._callback = defer_then_raise  # noqa: SLF001 - the test's own command
    boom.append(error)
    result = await world.alice.slash(world.channel, "boom")
    world.acknowledge_errors()
    answer = result.followups[-1] if deferred and result.followups else result.response
    text = answer.content or ""
    assert result.acknowledged and text, "no answer"
    assert len(text) <= 2000 and "thinking" not in text.lower()
    assert "@everyone" not in text.replace("@\u200beveryone", "")  # quoted text never pings
