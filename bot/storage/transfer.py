"""`python -m bot migrate-data`: copy every profile, fact override, audit entry and setting between databases.

Either direction works (SQLite → PostgreSQL is the usual one). The target must be empty; the copy is one
transaction, ids are kept (audit entries reference each other), and the counts are compared afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import StorageError, check_url, open_repository

# Copy order respects foreign keys: audit entries (which may reference earlier ones) before the overrides.
TABLES: dict[str, tuple[str, ...]] = {
    "profiles": ("user_id", "data", "updated_at"),
    "fact_changes": (
        "id",
        "guild_id",
        "year",
        "figure",
        "old_value",
        "old_title",
        "old_url",
        "old_note",
        "old_by",
        "old_at",
        "new_value",
        "title",
        "url",
        "note",
        "actor_id",
        "created_at",
        "reverts",
    ),
    "fact_overrides": (
        "guild_id",
        "year",
        "figure",
        "value",
        "title",
        "url",
        "note",
        "updated_by",
        "updated_at",
        "change_id",
    ),
    "guild_settings": ("guild_id", "key", "value"),
}
DECIMALS = {"fact_changes": {"old_value", "new_value"}, "fact_overrides": {"value"}}
TIMESTAMPS = {"updated_at", "old_at", "created_at"}
ORDER_BY = {
    "profiles": "user_id",
    "fact_changes": "id",
    "fact_overrides": "guild_id, year, figure",
    "guild_settings": "guild_id, key",
}


@dataclass(frozen=True)
class Copied:
    table: str
    source: int
    target: int


async def migrate_data(source_url: str, target_url: str) -> list[Copied]:
    check_url(source_url, "--from")
    check_url(target_url, "--to")
    if source_url == target_url:
        raise StorageError("the source and target databases are the same")
    source = await open_repository(source_url)
    try:
        target = await open_repository(target_url)
        try:
            before = await target.table_counts()
            if any(before.values()):
                filled = ", ".join(f"{t} ({n})" for t, n in before.items() if n)
                raise StorageError(f"the target database is not empty: {filled}; nothing was copied")
            rows = {table: await source.export_rows(table) for table in TABLES}
            await target.import_rows(rows)
            src, dst = await source.table_counts(), await target.table_counts()
        finally:
            await target.close()
    finally:
        await source.close()
    copied = [Copied(t, src[t], dst[t]) for t in TABLES]
    bad = [c for c in copied if c.source != c.target]
    if bad:
        raise StorageError(
            "counts differ after the copy: " + ", ".join(f"{c.table} {c.source} → {c.target}" for c in bad)
        )
    return copied


def as_dicts(table: str, rows: list[Any]) -> list[dict[str, Any]]:
    return [dict(zip(TABLES[table], row, strict=True)) for row in rows]
