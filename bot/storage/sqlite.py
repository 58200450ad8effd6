"""SQLite backend on aiosqlite: WAL, busy timeout, migrations in PRAGMA user_version, one lock per connection.

One connection serves the process; an asyncio.Lock makes each transaction (and each read) whole, so
concurrent interactions never interleave statements inside another's transaction.

Faults become StorageError with a kind (disk full, read-only, busy, damaged). The file's identity (device and
inode) is taken at open and checked before every commit: if the file was deleted or replaced while the bot
runs, writes would go to a file nobody will ever open again, so they stop, loudly, instead of answering "Saved".
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiosqlite

from knowledge.profile import PlanProfile

from . import (
    OPERATOR_GUILD,
    ConflictError,
    FactChange,
    FactOverride,
    FactWrite,
    ProfileChange,
    StorageError,
    Validator,
    apply_changes,
    erasures_key,
    now,
    old_state,
    stands,
    superseded,
    unchanged,
)
from .cache import MISS, ProfileCache
from .migrations import MIGRATIONS

log = logging.getLogger(__name__)

_OVERRIDE_COLS = "guild_id, year, figure, value, title, url, note, updated_by, updated_at, change_id"
_CHANGE_COLS = "id, guild_id, year, figure, old_value, new_value, title, url, note, actor_id, created_at, reverts"


def _owner_hint(exc: OSError, folder: Path) -> str:
    """The cause and the fix when this process's user may not write the folder (in the container: uid 10001, and a
    bind-mounted host folder owned by someone else)."""
    if exc.errno not in (errno.EACCES, errno.EPERM):
        return ""
    owner = folder if folder.exists() else folder.parent
    uid, gid = os.getuid(), os.getgid()
    return (
        f". This process runs as uid {uid}, which may not write {owner}: give it the folder with "
        f"`chown -R {uid}:{gid} {owner}` (as root; for a bind mount, on the host folder mounted there)"
    )


def sqlite_path(url: str) -> str:
    if url == ":memory:" or url == "sqlite://":
        return ":memory:"
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url.removeprefix("sqlite://")
    # sqlite:////abs/path keeps its leading slash; sqlite:///rel/path is relative to the working directory.
    return path


def _create_private(path: str) -> None:
    """Create the database file 0600: members' pay is in it. SQLite gives its -wal and -shm files the same mode."""
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def _ts(v: Any) -> datetime:
    return v if isinstance(v, datetime) else datetime.fromisoformat(v)


def override_from(row: Any) -> FactOverride:
    return FactOverride(
        guild_id=row[0],
        year=row[1],
        figure=row[2],
        value=Decimal(str(row[3])),
        title=row[4],
        url=row[5],
        note=row[6],
        updated_by=row[7],
        updated_at=_ts(row[8]),
        change_id=row[9],
    )


def change_from(row: Any) -> FactChange:
    return FactChange(
        id=row[0],
        guild_id=row[1],
        year=row[2],
        figure=row[3],
        old_value=_dec(row[4]),
        new_value=_dec(row[5]),
        title=row[6],
        url=row[7],
        note=row[8],
        actor_id=row[9],
        created_at=_ts(row[10]),
        reverts=row[11],
    )


CHECKPOINT_EVERY = 200  # write transactions between WAL checkpoints (SQLite's own default is ~1,000 pages)

# Primary result codes (https://sqlite.org/rescode.html) → StorageError kinds.
_KINDS = {
    13: "full",
    8: "read_only",
    5: "unavailable",
    6: "unavailable",
    10: "unavailable",
    14: "unavailable",
    7: "unavailable",
    15: "unavailable",
    11: "corrupt",
    26: "corrupt",
}
_READONLY_DBMOVED = 1032  # the file was renamed or deleted under an open connection


def storage_error(exc: sqlite3.Error, path: str, *, write: bool) -> StorageError | None:
    """The StorageError for a database fault, or None for a programming error (a bug: let it surface)."""
    if not isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) or isinstance(
        exc, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError
    ):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    kind = "unavailable" if code == _READONLY_DBMOVED else _KINDS.get((code or 0) & 0xFF, "unavailable")
    return StorageError(f"SQLite database {path}: {exc}", kind, write=write)  # type: ignore[arg-type]


def _identity(path: str) -> tuple[int, int] | None:
    if path == ":memory:":
        return None
    st = os.stat(path)
    return st.st_dev, st.st_ino


async def _exec(db: aiosqlite.Connection, sql: str, params: tuple[Any, ...] = ()) -> tuple[int, int | None]:
    """Run one statement and close its cursor (an open cursor would block COMMIT); (rowcount, lastrowid)."""
    async with db.execute(sql, params) as cur:
        return cur.rowcount, cur.lastrowid


async def _insert(db: aiosqlite.Connection, sql: str, params: tuple[Any, ...] = ()) -> int:
    """Run an INSERT and return the new row's id."""
    _, rowid = await _exec(db, sql, params)
    if rowid is None:
        raise StorageError("the database did not return the new row's id", kind="invalid")
    return rowid


async def _all(db: aiosqlite.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    return list(await db.execute_fetchall(sql, params))


async def _one(db: aiosqlite.Connection, sql: str, params: tuple[Any, ...] = ()) -> Any:
    rows = await _all(db, sql, params)
    return rows[0] if rows else None


class SqliteRepository:
    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path
        self.profiles = ProfileCache()
        self._identity: tuple[int, int] | None = None
        self._lost: str | None = None  # set once the file is found deleted or replaced: writes stop for good
        self._commits = 0

    @classmethod
    async def open(cls, url: str) -> SqliteRepository:
        path = sqlite_path(url)
        if path != ":memory:":
            folder = Path(path).parent
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as exc:
                hint = _owner_hint(exc, folder)
                raise StorageError(
                    f"cannot create the database folder {folder}: {exc.strerror or exc}{hint}", operator=bool(hint)
                ) from None
            try:
                _create_private(path)
            except OSError as exc:
                hint = _owner_hint(exc, folder)
                raise StorageError(
                    f"cannot create the database file {path}: {exc.strerror or exc}{hint}", operator=bool(hint)
                ) from None
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"cannot open the SQLite database {path}: {exc}") from None
        repo = cls(conn, path)
        try:
            await _all(conn, "PRAGMA busy_timeout = 5000")
            await _all(conn, "PRAGMA foreign_keys = ON")
            # Erased profiles are overwritten in the file, not just unlinked from its b-tree.
            await _all(conn, "PRAGMA secure_delete = ON")
            if path != ":memory:":
                await _all(conn, "PRAGMA journal_mode = WAL")
                await _all(conn, "PRAGMA synchronous = NORMAL")
                # SQLite's automatic checkpoint runs inside COMMIT and its failure (say, a full disk) is
                # returned by the COMMIT that had succeeded: a saved answer reported as failed. We checkpoint
                # ourselves, after commits, where a failure is only logged.
                await _all(conn, "PRAGMA wal_autocheckpoint = 0")
            await repo._migrate()
            repo._identity = _identity(path)
        except (sqlite3.Error, StorageError, OSError) as exc:
            await conn.close()
            kind = exc.kind if isinstance(exc, StorageError) else "unavailable"
            raise StorageError(f"cannot use the SQLite database {path}: {exc}", kind) from None
        return repo

    async def _migrate(self) -> None:
        async with self._tx() as db:
            (version,) = await _one(db, "PRAGMA user_version")
            for number, sql, _pg in MIGRATIONS:
                if number > version:
                    for statement in (s.strip() for s in sql.split(";")):
                        if statement:
                            await _exec(db, statement)
                    # PRAGMA takes no parameters; number comes from our own list, never from input.
                    await _exec(db, f"PRAGMA user_version = {int(number)}")

    def add_listener(self, listener: Callable[[str, int | None], None]) -> None:
        """Other processes' changes: none to hear of, since one process owns a SQLite file."""

    @property
    def caching(self) -> bool:
        return True

    async def schema_version(self) -> int:
        async with self._read() as db:
            return (await _one(db, "PRAGMA user_version"))[0]

    async def close(self) -> None:
        await self._conn.close()

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction: BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (the file's identity is
        checked before the commit). A database fault becomes StorageError; nothing was written then."""
        async with self._lock:
            try:
                self._check_file()
                await _exec(self._conn, "BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise storage_error(exc, self.path, write=True) or exc from None
            try:
                yield self._conn
                self._check_file()
                await _exec(self._conn, "COMMIT")
            except BaseException as exc:
                await self._rollback()
                if isinstance(exc, sqlite3.Error) and (mapped := storage_error(exc, self.path, write=True)):
                    raise mapped from None
                raise
            self._commits += 1
            if self._commits % CHECKPOINT_EVERY == 0 and self.path != ":memory:":
                await self._checkpoint_locked("PASSIVE")

    async def _rollback(self) -> None:
        try:
            await _exec(self._conn, "ROLLBACK")
        except sqlite3.Error as exc:  # e.g. SQLITE_FULL already rolled the transaction back
            log.debug("rollback: %s", exc)

    def _check_file(self) -> None:
        if self._lost is None and self._identity is not None:
            try:
                now_identity = _identity(self.path)
            except OSError:
                now_identity = None
            if now_identity != self._identity:
                what = "deleted" if now_identity is None else "replaced by another file"
                self._lost = f"the SQLite database file {self.path} was {what} while the bot was running"
                log.error("%s; refusing every write until the bot is restarted on the right file", self._lost)
        if self._lost is not None:
            raise StorageError(f"{self._lost}; nothing was saved", "unavailable", write=True)

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise storage_error(exc, self.path, write=False) or exc from None

    # ------------------------------------------------------------------ profiles
    async def get_profile(self, user_id: int) -> PlanProfile | None:
        cached = self.profiles.get(user_id)
        if cached is not MISS:
            return cached  # type: ignore[return-value]
        return await self.profiles.load_once(user_id, lambda: self._read_profile(user_id))

    def cached_profile(self, user_id: int) -> PlanProfile | None | object:
        return self.profiles.get(user_id)

    async def _read_profile(self, user_id: int) -> PlanProfile | None:
        profile, version = None, None
        self.profiles.begin(user_id)
        try:
            async with self._read() as db:
                row = await _one(db, "SELECT data, version FROM profiles WHERE user_id = ?", (user_id,))
            profile, version = (PlanProfile.from_json(row[0]), row[1]) if row else (None, 0)
        finally:
            self.profiles.end(user_id, profile, version)
        return profile

    async def modify_profile(self, user_id: int, change: ProfileChange) -> PlanProfile:
        updated, committed = None, None
        self.profiles.begin(user_id)
        try:
            async with self._tx() as db:
                row = await _one(db, "SELECT data FROM profiles WHERE user_id = ?", (user_id,))
                updated = change(PlanProfile.from_json(row[0]) if row else None)  # raises: nothing written
                version = await _tick(db)
                await _exec(
                    db,
                    "INSERT INTO profiles (user_id, data, updated_at, version) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, "
                    "version = excluded.version",
                    (user_id, updated.to_json(), now().isoformat(), version),
                )
            committed = version
        finally:
            settle(self.profiles, user_id, updated, committed)
        log.debug("profile of %s saved (version %s)", user_id, committed)
        return updated

    async def update_profile(self, user_id: int, changes: dict[str, Any], clear: Iterable[str] = ()) -> PlanProfile:
        names = list(clear)
        return await self.modify_profile(user_id, lambda current: apply_changes(current, changes, names))

    async def delete_profile(self, user_id: int) -> PlanProfile | None:
        erased, committed = None, None
        self.profiles.begin(user_id)
        try:
            async with self._tx() as db:
                await _exec(  # counted even when nothing was saved: older checklist buttons save nothing after it
                    db,
                    "INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, '1') ON CONFLICT (guild_id, key) "
                    "DO UPDATE SET value = CAST(CAST(guild_settings.value AS INTEGER) + 1 AS TEXT)",
                    (OPERATOR_GUILD, erasures_key(user_id)),
                )
                row = await _one(db, "SELECT data FROM profiles WHERE user_id = ?", (user_id,))
                if row is not None:
                    erased = PlanProfile.from_json(row[0])
                    await _exec(db, "DELETE FROM profiles WHERE user_id = ?", (user_id,))
                    version = await _tick(db)
            committed = version if erased is not None else None
        finally:
            settle(self.profiles, user_id, None, committed)
        if erased is not None:
            await self._checkpoint()
        return erased

    async def _checkpoint(self) -> None:
        """Move the WAL into the database file and empty it, so an erased profile's old pages are gone from
        both. Best effort: the delete has committed whatever happens here."""
        async with self._lock:
            await self._checkpoint_locked("TRUNCATE")

    async def _checkpoint_locked(self, mode: str) -> None:
        try:
            # mode is one of our two constants, never input (PRAGMA takes no parameters).
            await _all(self._conn, f"PRAGMA wal_checkpoint({mode})")
        except sqlite3.Error as exc:
            log.warning("WAL checkpoint (%s) failed, will try again later: %s", mode.lower(), exc)

    # ------------------------------------------------------------------ whole-database copy (migrate-data)
    async def table_counts(self) -> dict[str, int]:
        from .transfer import TABLES

        async with self._read() as db:
            # Table names come from our own constant, never from input.
            return {t: (await _one(db, f"SELECT count(*) FROM {t}"))[0] for t in TABLES}  # noqa: S608

    async def export_rows(self, table: str) -> list[dict[str, Any]]:
        from .transfer import DECIMALS, ORDER_BY, TABLES, TIMESTAMPS, as_dicts

        async with self._read() as db:
            rows = as_dicts(
                table,
                await _all(
                    db,
                    f"SELECT {', '.join(TABLES[table])} FROM {table} "  # noqa: S608
                    f"ORDER BY {ORDER_BY[table]}",
                ),
            )
        for row in rows:
            for col in DECIMALS.get(table, ()):
                row[col] = _dec(row[col])
            for col in TIMESTAMPS & row.keys():
                row[col] = None if row[col] is None else _ts(row[col])
        return rows

    async def import_rows(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        from .transfer import TABLES

        async with self._tx() as db:
            for table, cols in TABLES.items():
                sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"  # noqa: S608
                for row in tables.get(table, []):
                    await _exec(db, sql, tuple(_to_sqlite(row[c]) for c in cols))
        self.profiles.clear()

    async def count_profiles(self) -> int:
        async with self._read() as db:
            return (await _one(db, "SELECT count(*) FROM profiles"))[0]

    # ------------------------------------------------------------------ fact overrides and audit
    async def list_overrides(self, guild_id: int) -> list[FactOverride]:
        async with self._read() as db:
            return await self._overrides(db, guild_id)

    async def _overrides(self, db: aiosqlite.Connection, guild_id: int) -> list[FactOverride]:
        sql = f"SELECT {_OVERRIDE_COLS} FROM fact_overrides WHERE guild_id = ? ORDER BY year, figure"  # noqa: S608
        return [override_from(r) for r in await _all(db, sql, (guild_id,))]

    async def change_fact(
        self,
        guild_id: int,
        year: int,
        figure: str,
        value: Decimal,
        title: str,
        url: str,
        note: str | None,
        actor_id: int,
        validate: Validator,
    ) -> FactChange:
        """One figure: the bulk write with a single entry (same transaction, audit row, validation, notice)."""
        write = FactWrite(year, figure, value, title, url, note)
        changes = await self.change_facts(guild_id, [write], actor_id, validate)
        if not changes:  # the same change landed first (two presses at once): nothing to record twice
            raise unchanged(year, figure)
        return changes[0]

    async def change_facts(
        self, guild_id: int, writes: list[FactWrite], actor_id: int, validate: Validator
    ) -> list[FactChange]:
        async with self._tx() as db:
            current = {(o.year, o.figure): o for o in await self._overrides(db, guild_id)}
            # Only real changes: another import may have written the same figure since this one was planned,
            # and an X → X row would be noise in the audit log.
            writes = [w for w in writes if not stands(current.get((w.year, w.figure)), w.value, w.title, w.url)]
            if not writes:
                return []
            stamp = now()
            ids = []
            for w in writes:
                old = current.get((w.year, w.figure))
                change_id = await _insert(
                    db,
                    "INSERT INTO fact_changes (guild_id, year, figure, old_value, old_title, old_url, old_note, "
                    "old_by, old_at, new_value, title, url, note, actor_id, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        guild_id,
                        w.year,
                        w.figure,
                        *_old_state(old),
                        str(w.value),
                        w.title,
                        w.url,
                        w.note,
                        actor_id,
                        stamp.isoformat(),
                    ),
                )
                current[(w.year, w.figure)] = FactOverride(
                    guild_id, w.year, w.figure, w.value, w.title, w.url, w.note, actor_id, stamp, change_id
                )
                ids.append(change_id)
            validate(list(current.values()))  # raises: rolled back, nothing written
            for change_id, w in zip(ids, writes, strict=True):
                await _exec(
                    db,
                    "INSERT INTO fact_overrides (guild_id, year, figure, value, title, url, note, updated_by, "
                    "updated_at, change_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, year, "
                    "figure) DO UPDATE SET value = excluded.value, title = excluded.title, url = excluded.url, "
                    "note = excluded.note, updated_by = excluded.updated_by, updated_at = excluded.updated_at, "
                    "change_id = excluded.change_id",
                    (
                        guild_id,
                        w.year,
                        w.figure,
                        str(w.value),
                        w.title,
                        w.url,
                        w.note,
                        actor_id,
                        stamp.isoformat(),
                        change_id,
                    ),
                )
            return [await self._change(db, guild_id, i) for i in ids]

    async def data_version(self) -> int:
        """Changes when another connection (say, `python -m bot facts import`) commits to the file."""
        async with self._read() as db:
            return (await _one(db, "PRAGMA data_version"))[0]

    async def revert_change(self, guild_id: int, change_id: int, actor_id: int, validate: Validator) -> FactChange:
        async with self._tx() as db:
            target = await _one(
                db,
                "SELECT year, figure, old_value, old_title, old_url, old_note, old_by, old_at, new_value, title, url "
                "FROM fact_changes WHERE guild_id = ? AND id = ?",
                (guild_id, change_id),
            )
            if target is None:
                raise ConflictError("there is no change #{id} in this server; see /facts history", id=change_id)
            year, figure = target[0], target[1]
            current = await self._overrides(db, guild_id)
            old = next((o for o in current if (o.year, o.figure) == (year, figure)), None)
            if not stands(old, _dec(target[8]), target[9], target[10]):
                (latest,) = await _one(
                    db,
                    "SELECT max(id) FROM fact_changes WHERE guild_id = ? AND year = ? AND figure = ?",
                    (guild_id, year, figure),
                )
                raise superseded(change_id, latest, figure, year)
            stamp = now()
            restored_value, restored_title, restored_url, restored_note = target[2], target[3], target[4], target[5]
            new_id = await _insert(
                db,
                "INSERT INTO fact_changes (guild_id, year, figure, old_value, old_title, old_url, old_note, old_by, "
                "old_at, new_value, title, url, note, actor_id, created_at, reverts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    year,
                    figure,
                    *_old_state(old),
                    restored_value,
                    restored_title,
                    restored_url,
                    restored_note,
                    actor_id,
                    stamp.isoformat(),
                    change_id,
                ),
            )
            rest = [o for o in current if o is not old]
            if restored_value is None:
                validate(rest)
                await _exec(
                    db,
                    "DELETE FROM fact_overrides WHERE guild_id = ? AND year = ? AND figure = ?",
                    (guild_id, year, figure),
                )
            else:
                # The restored override keeps its original author and time: the audit row records the revert.
                restored = FactOverride(
                    guild_id,
                    year,
                    figure,
                    Decimal(restored_value),
                    restored_title,
                    restored_url,
                    restored_note,
                    target[6],
                    _ts(target[7]),
                    new_id,
                )
                validate([*rest, restored])
                await _exec(
                    db,
                    "UPDATE fact_overrides SET value = ?, title = ?, url = ?, note = ?, updated_by = ?, "
                    "updated_at = ?, change_id = ? WHERE guild_id = ? AND year = ? AND figure = ?",
                    (
                        restored_value,
                        restored_title,
                        restored_url,
                        restored_note,
                        target[6],
                        target[7],
                        new_id,
                        guild_id,
                        year,
                        figure,
                    ),
                )
            return await self._change(db, guild_id, new_id)

    async def _change(self, db: aiosqlite.Connection, guild_id: int, change_id: int) -> FactChange:
        sql = f"SELECT {_CHANGE_COLS} FROM fact_changes WHERE guild_id = ? AND id = ?"  # noqa: S608
        return change_from(await _one(db, sql, (guild_id, change_id)))

    async def history(self, guild_id: int, year: int | None = None, limit: int = 20) -> list[FactChange]:
        sql = (
            f"SELECT {_CHANGE_COLS} FROM fact_changes WHERE guild_id = ? AND (? IS NULL OR year = ?) "  # noqa: S608
            "ORDER BY id DESC LIMIT ?"
        )
        async with self._read() as db:
            return [change_from(r) for r in await _all(db, sql, (guild_id, year, year, limit))]

    async def get_setting(self, guild_id: int, key: str) -> str | None:
        async with self._read() as db:
            row = await _one(db, "SELECT value FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key))
        return row[0] if row else None

    async def set_setting(self, guild_id: int, key: str, value: str | None) -> None:
        async with self._tx() as db:
            if value is None:
                await _exec(db, "DELETE FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key))
            else:
                await _exec(
                    db,
                    "INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, ?) "
                    "ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
                    (guild_id, key, value),
                )

    async def claim_setting(self, guild_id: int, key: str, value: str) -> bool:
        async with self._tx() as db:
            inserted, _ = await _exec(
                db,
                "INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, key) DO NOTHING",
                (guild_id, key, value),
            )
        return inserted == 1

    async def settings_with_key(self, key: str) -> dict[int, str]:
        async with self._read() as db:
            rows = await _all(db, "SELECT guild_id, value FROM guild_settings WHERE key = ?", (key,))
        return {r[0]: r[1] for r in rows}


async def _tick(db: aiosqlite.Connection) -> int:
    """The next profile version (one counter for the whole database; see cache.py)."""
    return (await _one(db, "UPDATE profile_clock SET value = value + 1 WHERE id = 1 RETURNING value"))[0]


def settle(cache: ProfileCache, user_id: int, profile: PlanProfile | None, version: int | None) -> None:
    """Finish a profile write in the cache. Never raises: what has committed is not reported as failed."""
    try:
        cache.end(user_id, profile, version)
    except Exception:  # noqa: BLE001 - a cache bug must not turn a saved answer into an error
        log.exception("profile cache update failed for %s; dropping the cache", user_id)
        cache.clear()


def _to_sqlite(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, datetime):
        return v.isoformat()
    return v


def _old_state(old: FactOverride | None) -> tuple[Any, ...]:
    return tuple(_to_sqlite(v) for v in old_state(old))
