"""Small helpers every cog uses: the member's formatter, the server's facts, the default tax year."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import discord

from bot import clock
from bot.formatting import Formatter, formatter
from bot.replies import defer_if_slow
from bot.storage.cache import MISS
from knowledge.facts import FactBase
from knowledge.money import parse_money
from knowledge.profile import PlanProfile
from knowledge.years import YearChoice, choose_year

if TYPE_CHECKING:
    from bot.app import RothRoomBot

EMBED_COLOUR = discord.Colour(0x2E8B57)


def bot_of(interaction: discord.Interaction) -> RothRoomBot:
    return interaction.client  # type: ignore[return-value]


def fmt(interaction: discord.Interaction, *, public: bool = False) -> Formatter:
    """The member's language for what only they see; the server's for what is posted publicly (share:true), since
    everyone in the channel reads it. DMs (and the offline console) have no server language, so they use the
    member's."""
    return formatter(language_of(interaction, public=public))


def language_of(interaction: discord.Interaction, *, public: bool = False) -> object:
    """The Discord locale an answer is written in (see fmt)."""
    server = getattr(interaction, "guild_locale", None)
    return server if public and server is not None else interaction.locale


def locale_tag(interaction: discord.Interaction) -> str:
    return str(getattr(interaction.locale, "value", interaction.locale) or "en-US")


def read_amounts(interaction: discord.Interaction, options: dict[str, Any], names: frozenset[str]) -> dict[str, Any]:
    """Money options read the way the member's Discord language writes numbers ("23.500" is 23,500 in German);
    an ambiguous one is refused with each reading shown. Other options pass through (the same dict when there is
    nothing to read)."""
    read = options
    for name, value in options.items():
        if isinstance(value, str) and name in names:  # most answers give no amount: no locale, no copy
            if read is options:
                read = dict(options)
            read[name] = parse_money(name, value, locale=locale_tag(interaction))
    return read


async def facts_for(interaction: discord.Interaction) -> FactBase:
    return await bot_of(interaction).facts.get(interaction.guild_id)


def cached_figures_and_profile(interaction: discord.Interaction) -> tuple[FactBase, PlanProfile | None] | None:
    """The server's figures and the member's profile when both are cached (the usual case), without waiting.
    Callers fall back on load_figures_and_profile: `cached_figures_and_profile(i) or await load_…(i, …)`, so the
    usual case creates no coroutine."""
    bot = bot_of(interaction)
    facts = bot.facts.cached(interaction.guild_id)
    if facts is None:
        return None
    profile = bot.repo.cached_profile(interaction.user.id)
    return None if profile is MISS else (facts, profile)  # type: ignore[return-value]


async def load_figures_and_profile(
    interaction: discord.Interaction, *, ephemeral: bool
) -> tuple[FactBase, PlanProfile | None]:
    """The server's figures and the member's profile when one of them is not cached, with a deferral
    ("thinking…") armed since reading may wait. Only here: a deferral can go out only while the answer waits, so
    one built from what is cached is sent before a deferral could ever fire, and arming one would be work for
    nothing."""
    defer_if_slow(interaction, ephemeral=ephemeral)
    bot = bot_of(interaction)
    return await bot.facts.get(interaction.guild_id), await bot.repo.get_profile(interaction.user.id)


def default_year(facts: FactBase, today: date | None = None) -> int:
    """The current tax year when its figures are known, else the latest earlier year that is."""
    return choose_year(facts, None, today or clock.today()).year


def year_note(choice: YearChoice, f: Formatter) -> str | None:
    note = choice.note()
    return f.line(note) if note is not None else None


def year_choice(facts: FactBase, requested: int | None) -> YearChoice:
    """The year to answer for by the bot's clock, with the note to show when the current year is not in yet."""
    today = clock.today()
    key = (id(facts), requested, today)
    kept = _choices.get(key)
    if kept is not None and kept[0] is facts:
        return kept[1]
    choice = choose_year(facts, requested, today)  # an unknown year is refused here, and not kept
    if len(_choices) >= 256:
        _choices.clear()
    _choices[key] = (facts, choice)
    return choice


# Year choices already made, by figures (held, so their id is not reused while kept), year asked and date.
_choices: dict[tuple[int, int | None, date], tuple[FactBase, YearChoice]] = {}


def next_year_room(
    profile,
    options: dict,
    year: int,
    facts: FactBase,
    f: Formatter,
    *,  # noqa: ANN001
    shared: bool = False,
) -> list[discord.Embed]:
    """Next year's room with the same inputs, for members planning January's elections; none if it can't be
    worked out (an age option is this year's, so it is one more next year)."""
    from knowledge.errors import InputError
    from knowledge.profile import room_input
    from knowledge.room import compute_room

    from ._render import room_embed

    ahead = dict(options)
    if ahead.get("age") is not None:
        ahead["age"] += 1
    try:
        result = compute_room(room_input(profile, ahead, year, facts), facts)
    except InputError:
        return []
    embed = room_embed(result, f, shared=shared)
    embed.title = f.t("Planning ahead: {title} (same pay and contributions)", title=embed.title)[:256]
    return [embed]
