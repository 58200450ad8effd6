"""An in-memory LRU of recently used profiles, in front of either backend, correct under concurrency.

/room reads the member's profile on every answer; the database round trip (a thread hop on SQLite, a network
hop on PostgreSQL) was the largest part of its cost.

Every profile row carries a version, taken from one database-wide counter by each write (deletes too), so a
higher version is always the newer state of a member's profile. Entries keep the version they were read or
written at, and an older version never replaces a newer one: writes that finish out of order, a read that
overlapped a write, and notifications of other processes' writes (PostgreSQL LISTEN/NOTIFY, which also
reports this process's own writes) all land in the right order.

A read or write brackets its database work with `begin(user)` … `end(user, profile, version)`; what it saw is
kept only if nothing newer was heard of in between, even if that member's entry was evicted meanwhile.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from knowledge.profile import PlanProfile

MISS = object()
_EVERYTHING = float("inf")  # "anything may have changed": no overlapping read or write may store its result


class ProfileCache:
    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._entries: OrderedDict[int, tuple[int, PlanProfile | None]] = OrderedDict()
        # Members with a read or write in flight: [how many, the newest version heard of meanwhile].
        self._pending: dict[int, list[float]] = {}
        # Reads of a member's profile in flight, which concurrent misses join (one database read, not one each).
        self._flights: dict[int, asyncio.Future[PlanProfile | None]] = {}

    async def load_once(self, user_id: int, read: Callable[[], Awaitable[PlanProfile | None]]) -> PlanProfile | None:
        """`read()` the profile, or join the read of it already in flight. A read is joined only until a newer
        state is known (a write stored or heard of): later readers then read again, or hit the cache."""
        flight = self._flights.get(user_id)
        if flight is None:
            flight = asyncio.ensure_future(read())
            self._flights[user_id] = flight
            flight.add_done_callback(lambda done: self._landed(user_id, done))
        return await asyncio.shield(flight)

    def _landed(self, user_id: int, flight: asyncio.Future[PlanProfile | None]) -> None:
        if self._flights.get(user_id) is flight:
            del self._flights[user_id]
        if not flight.cancelled():
            flight.exception()  # retrieved: every reader that joined has it, even if the first was cancelled

    def get(self, user_id: int) -> PlanProfile | None | object:
        """The cached profile, None if known absent, or MISS.

        The same object for every reader, never a copy (a copy per answer was most of /room's profile cost):
        readers must not change it. Nothing does: every change builds a new profile (PlanProfile.merged,
        apply_changes), and the cache keeps its own copy of what it is given, so the writer's object is not it."""
        entry = self._entries.get(user_id)
        if entry is None:
            return MISS
        self._entries.move_to_end(user_id)
        return entry[1]

    def version(self, user_id: int) -> int | None:
        entry = self._entries.get(user_id)
        return None if entry is None else entry[0]

    def begin(self, user_id: int) -> None:
        pending = self._pending.setdefault(user_id, [0, -1])
        pending[0] += 1

    def end(self, user_id: int, profile: PlanProfile | None = None, version: int | None = None) -> None:
        """Finish what begin() started; `version` None: it failed, or what it saw is not worth keeping."""
        pending = self._pending[user_id]
        pending[0] -= 1
        if pending[0] == 0:
            del self._pending[user_id]
        if version is not None and version >= pending[1]:
            self._store(user_id, profile, version)

    def heard(self, user_id: int, version: int | None) -> None:
        """A write at `version` committed (None: unknown version): drop anything older."""
        entry = self._entries.get(user_id)
        if entry is not None and (version is None or entry[0] < version):
            del self._entries[user_id]
        self._flights.pop(user_id, None)
        pending = self._pending.get(user_id)
        if pending is not None:
            pending[1] = max(pending[1], _EVERYTHING if version is None else version)

    def clear(self) -> None:
        """Forget everything, and keep nothing that a read or write in flight saw."""
        self._entries.clear()
        self._flights.clear()
        for pending in self._pending.values():
            pending[1] = _EVERYTHING

    def _store(self, user_id: int, profile: PlanProfile | None, version: int) -> None:
        entry = self._entries.get(user_id)
        if entry is not None and entry[0] > version:
            return
        if entry is None or entry[0] < version:
            self._flights.pop(user_id, None)  # a newer state: readers from now on don't join an older read
        self._entries[user_id] = (version, None if profile is None else _copy(profile))
        self._entries.move_to_end(user_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


def _copy(profile: PlanProfile) -> PlanProfile:
    # Taken once, when stored. Fields are immutable (Decimal, int, str, bool) except the not_sure list; a deep
    # copy costs 10x more.
    return profile.model_copy(update={"not_sure": list(profile.not_sure)})
