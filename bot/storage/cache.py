"""An in-memory LRU of recently used profiles, in front of either backend.

/room reads the member's profile on every answer; the database round trip (a thread hop on SQLite, a network
hop on PostgreSQL) was the largest part of its cost. Writes through this process update the cache; writes by
other processes arrive through `invalidate` (PostgreSQL LISTEN/NOTIFY), so no process answers from a stale copy.
"""

from __future__ import annotations

from collections import OrderedDict

from knowledge.profile import PlanProfile

MISS = object()


class ProfileCache:
    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._entries: OrderedDict[int, PlanProfile | None] = OrderedDict()
        # Bumped by every invalidation: a read that started before one must not store what it read.
        self.generation = 0

    def get(self, user_id: int) -> PlanProfile | None | object:
        """The cached profile (a copy: callers may change it), None if known absent, or MISS."""
        entry = self._entries.get(user_id, MISS)
        if entry is MISS:
            return MISS
        self._entries.move_to_end(user_id)
        return None if entry is None else _copy(entry)  # type: ignore[arg-type]

    def put(self, user_id: int, profile: PlanProfile | None, generation: int | None = None) -> None:
        if generation is not None and generation != self.generation:
            return  # invalidated while this was being read: it may be stale
        self._entries[user_id] = None if profile is None else _copy(profile)
        self._entries.move_to_end(user_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def invalidate(self, user_id: int | None = None) -> None:
        self.generation += 1
        if user_id is None:
            self._entries.clear()
        else:
            self._entries.pop(user_id, None)


def _copy(profile: PlanProfile) -> PlanProfile:
    # Fields are immutable (Decimal, int, str, bool) except the not_sure list; a deep copy costs 10x more.
    return profile.model_copy(update={"not_sure": list(profile.not_sure)})
