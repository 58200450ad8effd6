"""Each server's view of the facts: the bundled base with that server's moderator overrides layered on top."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from knowledge.errors import FactDataError
from knowledge.facts import Citation, FactBase, Figure, load_facts

from .storage import FactOverride, Repository

log = logging.getLogger(__name__)


def layer(base: FactBase, overrides: Iterable[FactOverride]) -> FactBase:
    """Validated: raises FactDataError when the overrides break a year's rules."""
    by_year: dict[int, list[Figure]] = defaultdict(list)
    for o in overrides:
        by_year[o.year].append(
            Figure(
                name=o.figure,
                value=o.value,
                citation=Citation(title=o.title, url=o.url),
                origin="server",
                updated_by=o.updated_by,
                updated_at=o.updated_at,
                note=o.note,
            )
        )
    for year, figures in sorted(by_year.items()):
        base = base.with_figures(year, figures)
    return base


def layer_leniently(base: FactBase, overrides: list[FactOverride]) -> FactBase:
    """Like layer(), but an override that no longer fits (say, after a new bundled data release) is skipped and
    logged rather than breaking every answer in that server."""
    try:
        return layer(base, overrides)
    except FactDataError:
        pass
    for o in overrides:
        try:
            base = layer(base, [o])
        except FactDataError as exc:
            log.warning("guild %s: skipping override %s %s (change #%s): %s", o.guild_id, o.year, o.figure,
                        o.change_id, exc)
    return base


class GuildFacts:
    """Per-server fact bases, cached; a write through this process invalidates its server's entry.

    Other processes' changes arrive through the repository's listener (PostgreSQL LISTEN/NOTIFY) and invalidate
    the server's entry the moment they commit. Cache-and-invalidate rather than read-through: /room then costs no
    database round trip for the facts, and a change is still seen everywhere within a notification's latency.
    """

    def __init__(self, repo: Repository, base: FactBase | None = None) -> None:
        self.repo = repo
        self.base = base if base is not None else load_facts()
        self._cache: dict[int, FactBase] = {}
        self._generation = 0
        repo.add_listener(self._changed_elsewhere)

    def _changed_elsewhere(self, kind: str, guild_id: int | None) -> None:
        if kind == "facts":
            self.invalidate(guild_id)

    async def get(self, guild_id: int | None) -> FactBase:
        if guild_id is None:
            return self.base
        caching = getattr(self.repo, "caching", True)  # False while PostgreSQL notifications are not heard
        cached = self._cache.get(guild_id) if caching else None
        if cached is None:
            generation = self._generation
            cached = layer_leniently(self.base, await self.repo.list_overrides(guild_id))
            # Kept only if no invalidation arrived while reading and notifications were heard throughout.
            if caching and generation == self._generation and getattr(self.repo, "caching", True):
                self._cache[guild_id] = cached
        return cached

    def validator(self):  # noqa: ANN201 - a storage Validator
        return lambda overrides: layer(self.base, overrides)

    def invalidate(self, guild_id: int | None = None) -> None:
        self._generation += 1
        if guild_id is None:
            self._cache.clear()
        else:
            self._cache.pop(guild_id, None)
