"""Each server's view of the facts, most specific first: the server's moderators' changes, the operator's figures
(overrides of the reserved server id 0, loaded with `python -m bot facts import`), the bundled data."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable

from pydantic import ValidationError

from knowledge.errors import FactDataError, listing
from knowledge.facts import Citation, FactBase, Figure, check_year, load_facts, problem, validation_reason
from knowledge.figures import FIGURES
from knowledge.text import Line

from .storage import OPERATOR_GUILD, FactOverride, Repository

log = logging.getLogger(__name__)
EXTERNAL_CHECK_SECONDS = 2.0


def citation_of(o: FactOverride) -> Citation:
    """The override's citation; FactDataError if it breaks today's rules (e.g. a link with a line break, stored
    before such links were refused), so it is skipped like any override that no longer fits."""
    try:
        return Citation(title=o.title, url=o.url)
    except ValidationError as exc:
        reason = validation_reason(exc.errors()[0])
        raise problem(o.figure, Line("its source is no longer accepted: {reason}", {"reason": reason})) from None


def usable(overrides: Iterable[FactOverride]) -> list[FactOverride]:
    """Overrides whose citation is still accepted (new writes are checked before they get here)."""
    kept = []
    for o in overrides:
        try:
            citation_of(o)
        except FactDataError as exc:
            log.warning(
                "guild %s: ignoring override %s %s (change #%s): %s", o.guild_id, o.year, o.figure, o.change_id, exc
            )
            continue
        kept.append(o)
    return kept


def layer(base: FactBase, overrides: Iterable[FactOverride]) -> FactBase:
    """Validated: raises FactDataError when the overrides break a year's rules."""
    by_year: dict[int, list[Figure]] = defaultdict(list)
    for o in overrides:
        by_year[o.year].append(
            Figure(
                name=o.figure,
                value=o.value,
                citation=citation_of(o),
                origin="operator" if o.guild_id == OPERATOR_GUILD else "server",
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
            log.warning(
                "guild %s: skipping override %s %s (change #%s): %s", o.guild_id, o.year, o.figure, o.change_id, exc
            )
    return base


class GuildFacts:
    """Per-server fact bases, cached; a write through this process invalidates its server's entry.

    Other processes' changes arrive through the repository's listener (PostgreSQL LISTEN/NOTIFY) and invalidate
    the server's entry the moment they commit. Cache-and-invalidate rather than read-through: /room then costs no
    database round trip for the facts, and a change is still seen everywhere within a notification's latency.
    """

    def __init__(self, repo: Repository, base: FactBase | None = None) -> None:
        self.repo = repo
        self.base = base if base is not None else load_facts()  # the bundled data
        self._cache: dict[int, FactBase] = {}
        self._operator: FactBase | None = None  # bundled + operator figures: what a server without changes uses
        self._flights: dict[int, tuple[int, asyncio.Future[FactBase]]] = {}  # reads in flight, by generation
        self._generation = 0
        self._data_version: int | None = None
        # SQLite: how often (seconds) an answer checks whether another process wrote the file; 0 = every time.
        self.check_every = EXTERNAL_CHECK_SECONDS
        self._checked_at = float("-inf")
        self._polled = self._probe is not None  # SQLite: other processes' writes are found by polling
        # Called after another process's write was noticed that way (the rollover cog announces new years).
        self.on_external_change: list[Callable[[], None]] = []
        repo.add_listener(self._changed_elsewhere)

    def _changed_elsewhere(self, kind: str, guild_id: int | None) -> None:
        if kind == "facts":
            self.invalidate(guild_id)

    async def operator(self) -> FactBase:
        """The bundled data with the operator's figures over it (every server's starting point)."""
        if self._operator is not None and self._caching():
            return self._operator
        return await self._load(OPERATOR_GUILD)

    def _caching(self) -> bool:
        # False while PostgreSQL notifications are not heard: then nothing is served from (or kept in) cache.
        return getattr(self.repo, "caching", True)

    def cached(self, guild_id: int | None) -> FactBase | None:
        """What get() would return without waiting (no read, no check of the file due), else None."""
        if self._polled and time.monotonic() - self._checked_at >= self.check_every or not self._caching():
            return None
        if guild_id is None or guild_id == OPERATOR_GUILD:
            return self._operator
        return self._cache.get(guild_id)

    async def get(self, guild_id: int | None) -> FactBase:
        if self._probe is not None and time.monotonic() - self._checked_at >= self.check_every:
            await self.check_external_writes()
        if guild_id is None or guild_id == OPERATOR_GUILD:
            return await self.operator()
        cached = self._cache.get(guild_id)
        if cached is not None and self._caching():
            return cached
        return await self._load(guild_id)

    async def _load(self, guild_id: int) -> FactBase:
        """Read and layer a server's figures (or the operator's), once for all who ask meanwhile: 100 answers
        missing the cache together share one read. A read is joined only if no invalidation came since it began."""
        flight = self._flights.get(guild_id)
        if flight is None or flight[0] != self._generation:
            task = asyncio.ensure_future(self._read(guild_id))
            flight = self._flights[guild_id] = (self._generation, task)
            task.add_done_callback(lambda done: self._landed(guild_id, done))
        return await asyncio.shield(flight[1])

    def _landed(self, guild_id: int, task: asyncio.Future[FactBase]) -> None:
        flight = self._flights.get(guild_id)
        if flight is not None and flight[1] is task:
            del self._flights[guild_id]
        if not task.cancelled():
            task.exception()  # retrieved: whoever joined has it, even if the first asker was cancelled

    async def _read(self, guild_id: int) -> FactBase:
        caching = self._caching()
        generation = self._generation
        if guild_id == OPERATOR_GUILD:
            loaded = layer_leniently(self.base, await self.repo.list_overrides(OPERATOR_GUILD))
        else:
            below = await self.operator()
            loaded = layer_leniently(below, await self.repo.list_overrides(guild_id))
        # Kept only if no invalidation arrived while reading and notifications were heard throughout.
        if caching and generation == self._generation and self._caching():
            if guild_id == OPERATOR_GUILD:
                self._operator = loaded
            else:
                self._cache[guild_id] = loaded
        return loaded

    def validator(self):  # noqa: ANN201 - a storage Validator
        """For a server's change: its overrides over the operator's figures as last read (see validator_for)."""
        below = self._operator or self.base
        return lambda overrides: layer(below, usable(overrides))

    async def validator_for(self, guild_id: int, complete: tuple[int, ...] = ()):  # noqa: ANN201
        """A Validator for guild_id's overrides (the operator's sit on the bundled data, a server's on the
        operator's). A year in force now must stay in force (complete): a change that would take a figure it
        needs away (a revert) is refused, so answers never lose a year. The years in `complete` must also be
        complete afterwards."""
        below = self.base if guild_id == OPERATOR_GUILD else await self.operator()
        in_force = set((await self.get(guild_id)).years)

        def validate(overrides: list[FactOverride]) -> None:
            result = layer(below, usable(overrides))
            for year in complete:
                if year not in result.years:
                    draft = result.drafts.get(year)
                    check_year(year, draft.figures if draft is not None else {}, complete=True)
            for year in sorted(in_force):
                if year in result.years:
                    continue
                lacking = result.missing(year) or [n for n, s in FIGURES.items() if s.required]
                raise problem(
                    str(year),
                    Line(
                        "the year is in force and would then lack {missing}, so answers would stop using it; "
                        "correct a figure with /facts set instead",
                        {"missing": listing([FIGURES[n].label for n in lacking])},
                    ),
                )

        return validate

    async def check_external_writes(self) -> bool:
        """SQLite: whether another process (the operator's CLI) committed since the last check; if so every
        cache is dropped. PostgreSQL tells us by notification instead, so there this is always False."""
        if self._probe is None:
            return False
        self._checked_at = time.monotonic()
        version = await self._probe()
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        if changed:
            self.invalidate()
            profiles = getattr(self.repo, "profiles", None)
            if profiles is not None:
                profiles.clear()
            for hook in self.on_external_change:
                hook()
        return changed

    @property
    def _probe(self) -> Callable[[], Awaitable[int]] | None:
        return getattr(self.repo, "data_version", None)

    def invalidate(self, guild_id: int | None = None) -> None:
        self._generation += 1
        if guild_id is None or guild_id == OPERATOR_GUILD:  # the operator's figures sit under every server's
            self._cache.clear()
            self._operator = None
        else:
            self._cache.pop(guild_id, None)
