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

from collections import OrderedDict

from knowledge.profile import PlanProfile

MISS = object()
_EVERYTHING = float("inf")  # "anything may have changed": no overlapping read or write may store its result


class ProfileCache:
    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._entries: OrderedDict[int, tuple[int, PlanProfile | None]] = OrderedDict()
        # Members with a read or write in flight: [how many, the newest version heard of meanwhile].
        self._pending: dict[int, list[float]] = {}

    def get(self, user_id: int) -> PlanProfile | None | object:
        """The cached profile (a copy: callers may change it), None if known absent, or MISS."""
        entry = self._entries.get(user_id)
        if entry is None:
            return MISS
        self._entries.move_to_end(user_id)
        return None if entry[1] is None else _copy(entry[1])

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
        pending = self._pending.get(user_id)
        if pending is not None:
            pending[1] = max(pending[1], _EVERYTHING if version is None else version)

    def clear(self) -> None:
        """Forget everything, and keep nothing that a read or write in flight saw."""
        self._entries.clear()
        for pending in self._pending.values():
            pending[1] = _EVERYTHING

    def _store(self, user_id: int, profile: PlanProfile | None, version: int) -> None:
        entry = self._entries.get(user_id)
        if entry is not None and entry[0] > version:
            return
        self._entries[user_id] = (version, None if profile is None else _copy(profile))
        self._entries.move_to_end(user_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)


def _copy(profile: PlanProfile) -> PlanProfile:
    # Fields are immutable (Decimal, int, str, bool) except the not_sure list; a deep copy costs 10x more.
    return profile.model_copy(update={"not_sure": list(profile.not_sure)})
