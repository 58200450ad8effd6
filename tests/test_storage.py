"""The repository on both backends (a real SQLite file, a real PostgreSQL server): migrations, concurrency,
real deletion, atomic refusals, the audit log."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from bot.storage import ConflictError, StorageError, open_repository
from bot.storage.migrations import LATEST
from knowledge.errors import FactDataError, InputError

from .helpers import raw_rows


@pytest.fixture
def db_url(both_backends) -> str:
    return both_backends


@pytest.fixture
async def repo(db_url):
    r = await open_repository(db_url)
    yield r
    await r.close()


async def test_migrations_from_an_empty_database(repo, db_url):
    assert await repo.schema_version() == LATEST
    if db_url.startswith("sqlite"):
        tables = {r[0] for r in await raw_rows(db_url, "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert (await raw_rows(db_url, "PRAGMA journal_mode"))[0][0] == "wal"
    else:
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        tables = {r[0] for r in await raw_rows(db_url, sql)}
    assert {"profiles", "fact_overrides", "fact_changes", "guild_settings"} <= tables


async def test_reopen_keeps_data_and_does_not_migrate_twice(db_url):
    r = await open_repository(db_url)
    await r.update_profile(7, {"compensation": "150000"})
    await r.close()
    r = await open_repository(db_url)
    try:
        assert (await r.get_profile(7)).compensation == 150000
        assert await r.schema_version() == LATEST
    finally:
        await r.close()


FIELDS = [
    "compensation",
    "employee_deferrals",
    "other_plan_deferrals",
    "employer_contributions",
    "ytd_after_tax",
]


async def concurrent_writes(repo, offset: int = 0) -> None:
    """250 new members at once, plus 50 members each getting five fields from five concurrent writes: a
    read-modify-write without locking would lose fields."""

    async def member(i):
        await repo.update_profile(1000 + offset + i, {"compensation": str(50000 + i)})

    async def shared(i, field):
        await repo.update_profile(100 + i, {field: str(offset + i)})

    await asyncio.gather(*(member(i) for i in range(250)), *(shared(i, f) for i in range(50) for f in FIELDS))


async def test_500_concurrent_profile_writes_lose_nothing(repo, db_url):
    await concurrent_writes(repo)
    assert (await raw_rows(db_url, "SELECT count(*) FROM profiles WHERE user_id >= 1000"))[0][0] == 250
    for i in (0, 137, 249):
        assert (await repo.get_profile(1000 + i)).compensation == 50000 + i
    for i in range(50):
        p = await repo.get_profile(100 + i)
        assert [getattr(p, f) for f in FIELDS] == [i] * 5, (i, p)


async def test_delete_really_deletes(repo, db_url):
    await repo.update_profile(9, {"compensation": "120000", "match_formula": "50% up to 6%"})
    erased = await repo.delete_profile(9)
    assert erased.compensation == 120000 and erased.match_formula == "50% up to 6%"  # says what it erased
    assert (await raw_rows(db_url, "SELECT count(*) FROM profiles WHERE user_id = 9"))[0][0] == 0
    assert await repo.get_profile(9) is None
    assert await repo.delete_profile(9) is None


async def test_invalid_profile_update_writes_nothing(repo, db_url):
    await repo.update_profile(5, {"compensation": "90000"})
    before = await raw_rows(db_url, "SELECT data, updated_at FROM profiles WHERE user_id = 5")
    with pytest.raises(InputError) as exc:
        await repo.update_profile(5, {"employee_deferrals": "-3", "compensation": "95000"})
    assert exc.value.field == "employee_deferrals"
    assert (await raw_rows(db_url, "SELECT data, updated_at FROM profiles WHERE user_id = 5")) == before


async def test_clear_forgets_a_field(repo):
    await repo.update_profile(3, {"compensation": "90000", "match_formula": "50% up to 6%"})
    p = await repo.update_profile(3, {}, clear=["match_formula"])
    assert p.match_formula is None and (await repo.get_profile(3)).match_formula is None


async def test_unreachable_postgres_fails_clearly():
    with pytest.raises(StorageError, match="cannot connect to PostgreSQL at postgresql://roth:\\*\\*\\*@127.0.0.1:1/x"):
        await open_repository("postgresql://roth:secret@127.0.0.1:1/x")


async def test_unusable_paths_fail_clearly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="cannot create the database folder"):
        await open_repository(f"sqlite:///{blocker}/sub/db.sqlite")
    not_a_db = tmp_path / "junk.db"
    not_a_db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="cannot use the SQLite database"):
        await open_repository(f"sqlite:///{not_a_db}")
    with pytest.raises(StorageError, match="not supported"):
        await open_repository("mysql://nope")


# --- fact overrides and the audit log -------------------------------------------------------------


def ok(_overrides):
    return None


def refuse(_overrides):
    raise FactDataError("415(c) must be above 402(g)")


async def test_change_and_revert_are_audited(repo):
    url = "https://www.irs.gov/pub/irs-drop/n-25-67.pdf"
    c1 = await repo.change_fact(1, 2026, "ira_limit", Decimal(7600), "IRS Notice 2025-67", url, None, 77, ok)
    c2 = await repo.change_fact(1, 2026, "ira_limit", Decimal(7700), "Correction", url, "typo", 78, ok)
    assert (c1.old_value, c1.new_value) == (None, 7600)
    assert (c2.old_value, c2.new_value) == (7600, 7700)
    with pytest.raises(ConflictError, match=f"revert #{c2.id} first"):
        await repo.revert_change(1, c1.id, 79, ok)
    r = await repo.revert_change(1, c2.id, 79, ok)
    assert r.reverts == c2.id and r.new_value == 7600 and r.old_value == 7700
    [o] = await repo.list_overrides(1)
    assert o.value == 7600 and o.title == "IRS Notice 2025-67" and o.updated_by == 77
    r2 = await repo.revert_change(1, r.id, 80, ok)  # undoing the revert is itself a change
    assert r2.new_value == 7700
    await repo.revert_change(1, r2.id, 80, ok)
    history = await repo.history(1)
    assert [h.id for h in history] == sorted((h.id for h in history), reverse=True)
    assert len(history) == 5


async def test_refused_change_writes_nothing(repo, db_url):
    url = "https://example.org/x"
    await repo.change_fact(1, 2026, "ira_limit", Decimal(7600), "Source", url, None, 77, ok)
    before = (
        (await raw_rows(db_url, "SELECT * FROM fact_changes")),
        (await raw_rows(db_url, "SELECT * FROM fact_overrides")),
    )
    with pytest.raises(FactDataError):
        await repo.change_fact(1, 2026, "ira_limit", Decimal(1), "Source", url, None, 77, refuse)
    assert (
        (await raw_rows(db_url, "SELECT * FROM fact_changes")),
        (await raw_rows(db_url, "SELECT * FROM fact_overrides")),
    ) == before


async def test_overrides_are_per_server(repo):
    url = "https://example.org/x"
    await repo.change_fact(1, 2026, "ira_limit", Decimal(7600), "Source", url, None, 77, ok)
    assert await repo.list_overrides(2) == []
    with pytest.raises(ConflictError, match="no change #"):
        await repo.revert_change(2, 1, 5, ok)


async def test_concurrent_changes_to_one_figure_are_ordered(repo):
    url = "https://example.org/x"
    results = await asyncio.gather(
        repo.change_fact(1, 2026, "ira_limit", Decimal(7600), "A", url, None, 1, ok),
        repo.change_fact(1, 2026, "ira_limit", Decimal(7700), "B", url, None, 2, ok),
    )
    a, b = sorted(results, key=lambda c: c.id)
    assert b.old_value == a.new_value  # the second saw the first: no lost update
    [o] = await repo.list_overrides(1)
    assert o.value == b.new_value


async def test_cached_profiles_are_shared_by_readers_kept_apart_from_writers_and_follow_writes(repo):
    saved = await repo.update_profile(5, {"compensation": "100000", "not_sure": ["cash_flow_ok"]})
    saved.compensation = Decimal(1)  # the writer's object is not the cache's: changing it corrupts nothing
    saved.not_sure.append("auto_conversion")
    first = await repo.get_profile(5)
    assert first.compensation == 100000 and first.not_sure == ["cash_flow_ok"]
    # Readers share one object (no copy per answer); none changes it (tests/e2e/test_storage_e2e.py checks that).
    assert await repo.get_profile(5) is first
    await repo.update_profile(5, {"compensation": "120000"})
    assert (await repo.get_profile(5)).compensation == 120000
    await repo.delete_profile(5)
    assert await repo.get_profile(5) is None
