"""Schema 4 carries every profile saved by the previous release over to one name per idea, on both backends:
a database built with migrations 1–3 and rows in the old shape, then opened by this release."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bot.storage import open_repository
from bot.storage.migrations import LATEST, MIGRATIONS

from .helpers import raw_rows

OLD_ROWS = {
    # The member: both after-tax fields, a paystub and paychecks left, saved in 2025.
    1: (
        {
            "birth_year": 1981,
            "compensation": "200000",
            "after_tax_contributed": "12000",
            "ytd_after_tax": "30000",
            "pay_periods_remaining": 10,
            "pay_frequency": "biweekly",
        },
        "2025-11-02T10:00:00+00:00",
    ),
    # Only the old after-tax field and a per-paycheck count, no paystub year.
    2: (
        {"compensation": "90000", "after_tax_contributed": "5000", "pay_periods_remaining": 200},
        "2026-03-01T08:00:00+00:00",
    ),
    # Nothing of the paystub: no paystub year is invented.
    3: ({"birth_year": 1970, "match_formula": "50% up to 6%", "after_tax_allowed": True}, "2024-01-05T00:00:00+00:00"),
}


@pytest.fixture
def db_url(both_backends) -> str:
    return both_backends


async def build_previous_release(url: str) -> None:
    """Migrations 1–3 exactly as the previous release applied them, and profile rows as it wrote them."""
    if url.startswith("sqlite:///"):
        import sqlite3

        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        for number, sql, _pg in MIGRATIONS[:3]:
            con.executescript(sql)
            con.execute(f"PRAGMA user_version = {number}")
        for user, (data, at) in OLD_ROWS.items():
            con.execute(
                "INSERT INTO profiles (user_id, data, updated_at, version) VALUES (?, ?, ?, ?)",
                (user, json.dumps(data), at, user),
            )
        con.commit()
        con.close()
        return
    from datetime import datetime

    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        for number, _sqlite, sql in MIGRATIONS[:3]:
            await conn.execute(sql)
            await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
        for user, (data, at) in OLD_ROWS.items():
            await conn.execute(
                "INSERT INTO profiles (user_id, data, updated_at, version) VALUES ($1, $2, $3, $4)",
                user,
                json.dumps(data),
                datetime.fromisoformat(at),
                user,
            )
    finally:
        await conn.close()


async def test_old_profiles_are_carried_over_losing_nothing(db_url):
    await build_previous_release(db_url)
    repo = await open_repository(db_url)
    try:
        assert await repo.schema_version() == LATEST
        first = await repo.get_profile(1)
        # The paystub's after-tax figure is kept (the newer idea); the paychecks left keep their value, dated 2025.
        assert first.ytd_after_tax == Decimal(30000) and first.paychecks_left == 10 and first.paystub_year == 2025
        assert first.compensation == Decimal(200000) and first.pay_frequency == "biweekly"
        second = await repo.get_profile(2)
        assert second.ytd_after_tax == Decimal(5000) and second.paychecks_left == 200 and second.paystub_year == 2026
        third = await repo.get_profile(3)
        assert third.paystub_year is None and third.match_formula == "50% up to 6%" and third.after_tax_allowed
        exported = json.loads(first.to_json())
        assert "after_tax_contributed" not in exported and "pay_periods_remaining" not in exported
    finally:
        await repo.close()
    stored = [json.loads(row[0]) for row in await raw_rows(db_url, "SELECT data FROM profiles ORDER BY user_id")]
    assert all("after_tax_contributed" not in d and "pay_periods_remaining" not in d for d in stored)
    assert len(stored) == len(OLD_ROWS)
