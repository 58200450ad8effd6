"""The profile cache's ordering rules, directly: an older version never replaces a newer one."""

from __future__ import annotations

from bot.storage.cache import MISS, ProfileCache
from knowledge.profile import PlanProfile


def p(pay: int) -> PlanProfile:
    return PlanProfile(compensation=pay)


def test_writes_finishing_out_of_order_keep_the_newest():
    cache = ProfileCache()
    cache.begin(1)
    cache.begin(1)
    cache.end(1, p(200), 8)  # the later write's result arrives first…
    cache.end(1, p(100), 7)  # …and the earlier one's must not replace it
    assert cache.get(1).compensation == 200 and cache.version(1) == 8


def test_a_read_that_overlapped_a_newer_write_is_not_kept():
    cache = ProfileCache()
    cache.begin(1)  # a read starts and sees version 3 …
    cache.heard(1, 4)  # … while another process's write at version 4 commits
    cache.end(1, p(100), 3)
    assert cache.get(1) is MISS


def test_what_a_read_saw_is_not_kept_even_if_the_entry_was_evicted_meanwhile():
    cache = ProfileCache(size=1)
    cache.begin(1)
    cache.begin(2)
    cache.end(2, p(5), 1)
    cache.heard(1, 9)  # no entry for 1 to drop, but its read is in flight
    cache.end(1, p(100), 3)
    assert cache.get(1) is MISS


def test_own_notification_before_or_after_the_write_finishes():
    cache = ProfileCache()
    cache.begin(1)
    cache.heard(1, 5)  # our own write's notification arrives before the write returns
    cache.end(1, p(100), 5)
    assert cache.get(1).compensation == 100
    cache.heard(1, 5)  # and again after: the same version drops nothing
    assert cache.get(1).compensation == 100
    cache.heard(1, 6)
    assert cache.get(1) is MISS


def test_a_deletion_is_remembered_until_something_newer():
    cache = ProfileCache()
    cache.begin(1)
    cache.end(1, None, 10)
    assert cache.get(1) is None
    cache.begin(1)
    cache.end(1, p(1), 9)  # an older read finishing late does not bring the profile back
    assert cache.get(1) is None
    cache.begin(1)
    cache.end(1, p(2), 11)
    assert cache.get(1).compensation == 2


def test_clear_forgets_everything_and_what_reads_in_flight_saw():
    cache = ProfileCache()
    cache.begin(1)
    cache.end(1, p(1), 1)
    cache.begin(2)
    cache.clear()
    cache.end(2, p(2), 100)
    assert cache.get(1) is MISS and cache.get(2) is MISS
    cache.begin(2)
    cache.end(2, p(2), 100)  # a read that starts after the clear is kept again
    assert cache.get(2).compensation == 2


def test_a_failed_read_or_write_keeps_nothing_and_leaves_no_trace():
    cache = ProfileCache()
    cache.begin(1)
    cache.end(1)
    assert cache.get(1) is MISS and cache._pending == {}


async def test_simultaneous_misses_share_one_read_until_a_newer_state_is_known():
    import asyncio

    cache = ProfileCache()
    reads = []

    async def read():
        reads.append(1)
        cache.begin(5)
        await asyncio.sleep(0.01)
        cache.end(5, p(100), 1)
        return p(100)

    got = await asyncio.gather(*(cache.load_once(5, read) for _ in range(50)))
    assert len(reads) == 1 and all(g is got[0] for g in got)
    assert cache.get(5) == p(100)
    # A write heard while a read is in flight: later readers read again rather than join it.
    reads.clear()
    cache.heard(5, 2)
    first = asyncio.ensure_future(cache.load_once(5, read))
    await asyncio.sleep(0)
    cache.heard(5, 3)
    await cache.load_once(5, read)
    await first
    assert len(reads) == 2


async def test_a_failed_shared_read_fails_every_reader_and_the_next_one_reads_again():
    import asyncio

    import pytest

    cache = ProfileCache()

    async def broken():
        await asyncio.sleep(0.01)
        raise RuntimeError("database gone")

    results = await asyncio.gather(*(cache.load_once(5, broken) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)

    async def fine():
        return p(1)

    assert await cache.load_once(5, fine) == p(1)
    with pytest.raises(RuntimeError):
        await cache.load_once(6, broken)
