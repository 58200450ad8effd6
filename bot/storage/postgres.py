"""PostgreSQL backend on asyncpg: a connection pool, migrations under an advisory lock, LISTEN/NOTIFY.

Several bot processes (shards) share one database. Each keeps small caches (recent profiles here, each server's
fact base in bot/facts.py); every write sends a NOTIFY in its transaction, so the other processes drop their
copy the moment it commits (this process applies its own notifications too: profile versions put them in
order, see cache.py). While the listening connection is down, this process serves nothing from its caches
(`caching` is False) and asks its listeners to drop everything, so nothing stale is served.

Faults become StorageError with a kind. A dropped or refused connection is retried with backoff (bounded) when
that is safe: before a transaction has run, always; a profile change, also when the connection died during the
commit, since applying a profile change twice equals applying it once.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from decimal import Decimal
from typing import Any

import asyncpg

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
    redacted,
    stands,
    superseded,
    unchanged,
)
from .cache import MISS, ProfileCache
from .migrations import MIGRATIONS
from .sqlite import settle

log = logging.getLogger(__name__)
CHANNEL = "roth_room_changes"
DEFAULT_POOL_SIZE = 10  # Settings.database_pool_size passes the configured one
MIGRATION_LOCK = 0x526F7468  # pg_advisory_xact_lock key: one migrating process at a time
_OVERRIDE_COLS = "guild_id, year, figure, value, title, url, note, updated_by, updated_at, change_id"
_CHANGE_COLS = "id, guild_id, year, figure, old_value, new_value, title, url, note, actor_id, created_at, reverts"
Listener = Callable[[str, int], None]  # (kind, id): ("facts", guild_id) or ("profile", user_id)


RETRY_DELAYS = (0.1, 0.3, 0.9, 2.0)  # seconds between attempts after a transient fault: ~3.3 s at most
UNCERTAIN_DELAYS = (3.0, 4.0, 5.0)  # and ~12 s more for a profile change whose COMMIT's outcome was lost
# A killed connection shows up as any of these; InternalClientError ("another operation is in progress") is
# asyncpg's protocol state after the server's termination message arrived mid-statement.
_LOST = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InternalClientError,
)
_CLOSED = ("connection is closed", "pool is closing", "connection was closed", "the connection is closed")


def storage_error(exc: BaseException, *, write: bool) -> tuple[StorageError, bool, bool] | None:
    """(StorageError, transient, connection lost) for a database fault, or None for anything else (a bug, or
    a refusal such as InputError raised inside the transaction)."""
    e = asyncpg.exceptions
    lost = isinstance(exc, _LOST) or (isinstance(exc, asyncpg.InterfaceError) and any(t in str(exc) for t in _CLOSED))
    if lost:
        kind, transient = "unavailable", True
    elif isinstance(exc, e.TooManyConnectionsError | e.OutOfMemoryError):
        kind, transient = "unavailable", True
    elif isinstance(exc, e.DiskFullError):
        kind, transient = "full", False
    elif isinstance(exc, e.ReadOnlySQLTransactionError):
        kind, transient = "read_only", False
    elif isinstance(exc, e.TransactionRollbackError):  # serialization failure, deadlock
        kind, transient = "conflict", True
    elif isinstance(exc, e.InsufficientResourcesError):
        kind, transient = "unavailable", False
    else:
        return None
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return StorageError(f"PostgreSQL: {text}", kind, write=write), transient, lost  # type: ignore[arg-type]


class _RetryingPool:
    """The pool's one-statement helpers with storage errors mapped; reads are retried on transient faults."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    def acquire(self) -> Any:
        return self.pool.acquire()

    async def close(self) -> None:
        await self.pool.close()

    async def fetch(self, *args: Any) -> Any:
        return await _retrying(lambda: self.pool.fetch(*args))

    async def fetchrow(self, *args: Any) -> Any:
        return await _retrying(lambda: self.pool.fetchrow(*args))

    async def fetchval(self, *args: Any) -> Any:
        return await _retrying(lambda: self.pool.fetchval(*args))

    async def execute(self, *args: Any) -> Any:
        """A one-statement write: faults mapped, not retried (whether a lost one ran cannot be known here)."""
        return await _retrying(lambda: self.pool.execute(*args), write=True, retry=False)


def _log_retry(error: StorageError, delay: float, attempt: int) -> None:
    # The first retry of a write is worth a warning; the rest of one outage would flood the log.
    log.log(
        logging.WARNING if attempt == 0 else logging.DEBUG,
        "%s; retrying in %.1f s (attempt %d)",
        error,
        delay,
        attempt + 2,
    )


async def _retrying(op: Callable[[], Awaitable[Any]], *, write: bool = False, retry: bool = True) -> Any:
    for attempt, delay in enumerate((*RETRY_DELAYS, None) if retry else (None,)):
        try:
            return await op()
        except Exception as exc:
            mapped = storage_error(exc, write=write)
            if mapped is None:
                raise
            error, transient, _lost = mapped
            if not transient or delay is None:
                raise error from None
            _log_retry(error, delay, attempt)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


def _override(r: asyncpg.Record) -> FactOverride:
    return FactOverride(
        r["guild_id"],
        r["year"],
        r["figure"],
        r["value"],
        r["title"],
        r["url"],
        r["note"],
        r["updated_by"],
        r["updated_at"],
        r["change_id"],
    )


def _change(r: asyncpg.Record) -> FactChange:
    return FactChange(
        r["id"],
        r["guild_id"],
        r["year"],
        r["figure"],
        r["old_value"],
        r["new_value"],
        r["title"],
        r["url"],
        r["note"],
        r["actor_id"],
        r["created_at"],
        r["reverts"],
    )


class PostgresRepository:
    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = _RetryingPool(pool)
        self.url = url
        self.profiles = ProfileCache()
        self._listeners: list[Listener] = []
        self._listen_conn: asyncpg.Connection | None = None
        self._listen_task: asyncio.Task[None] | None = None
        self._closing = False
        # Tells this process's notifications apart in the server's logs (they are applied like any other).
        self._token = uuid.uuid4().hex[:12]

    @classmethod
    async def open(cls, url: str, *, min_size: int = 1, max_size: int | None = None) -> PostgresRepository:
        size = max_size or DEFAULT_POOL_SIZE
        try:
            pool = await asyncpg.create_pool(url, min_size=min(min_size, size), max_size=size, command_timeout=30)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StorageError(f"cannot connect to PostgreSQL at {redacted(url)}: {exc}") from None
        except (ValueError, TypeError):
            # asyncpg's own DSN parser refused it; its words may quote the URL, so they are not repeated.
            raise StorageError(
                f"DATABASE_URL {redacted(url)!r} is malformed: asyncpg cannot read it", "invalid"
            ) from None
        repo = cls(pool, url)
        try:
            await repo._migrate()
            await repo._listen()
        except (OSError, asyncpg.PostgresError, StorageError) as exc:
            await pool.close()
            kind = exc.kind if isinstance(exc, StorageError) else "unavailable"
            raise StorageError(f"cannot use the PostgreSQL database {redacted(url)}: {exc}", kind) from None
        return repo

    async def _migrate(self) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            # Processes starting together queue here; the first applies, the rest find nothing to do.
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            version = await conn.fetchval("SELECT max(version) FROM schema_version") or 0
            for number, _sqlite, sql in MIGRATIONS:
                if number > version:
                    await conn.execute(sql)
                    await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", number)

    async def schema_version(self) -> int:
        return await self._pool.fetchval("SELECT max(version) FROM schema_version")

    # ------------------------------------------------------------------ notifications
    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def _listen(self) -> None:
        conn = await asyncpg.connect(self.url)
        await conn.add_listener(CHANNEL, self._on_notify)
        conn.add_termination_listener(self._on_lost)
        self._listen_conn = conn

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        # "token:kind:id[:version]"; anything unreadable means "anything may have changed".
        parts = payload.split(":")
        try:
            kind, ident = parts[1], int(parts[2])
            version = int(parts[3]) if len(parts) > 3 else None
        except (IndexError, ValueError):
            log.warning("unreadable change notification %r; dropping every cache", payload[:80])
            self._dispatch("profile", None)
            self._dispatch("facts", None)
            return
        self._dispatch(kind, ident, version)

    def _dispatch(self, kind: str, ident: int | None, version: int | None = None) -> None:
        if kind == "profile":
            if ident is None:
                self.profiles.clear()
            else:
                self.profiles.heard(ident, version)
        for listener in self._listeners:
            listener(kind, ident)  # type: ignore[arg-type]

    def _on_lost(self, _conn: Any) -> None:
        """The listening connection died: drop every cache until it is back, then keep listening."""
        self._listen_conn = None
        if self._closing:
            return
        log.warning("lost the PostgreSQL notification connection; caches off until it is back")
        self._dispatch("profile", None)
        self._dispatch("facts", None)
        self._listen_task = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = 0.5
        while not self._closing:
            try:
                await self._listen()
            except (OSError, asyncpg.PostgresError):
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30)
                continue
            # Anything written while we were deaf is unknown: start from empty caches.
            self._dispatch("profile", None)
            self._dispatch("facts", None)
            log.info("PostgreSQL notifications are back")
            return

    @property
    def listening(self) -> bool:
        return self._listen_conn is not None and not self._listen_conn.is_closed()

    @property
    def caching(self) -> bool:
        return self.listening

    async def _notify(self, conn: asyncpg.Connection, kind: str, ident: int, version: int | None = None) -> None:
        # Delivered on commit, and only if the transaction commits.
        payload = f"{self._token}:{kind}:{ident}" + ("" if version is None else f":{version}")
        await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)

    async def close(self) -> None:
        self._closing = True
        if self._listen_task is not None:
            self._listen_task.cancel()
        if self._listen_conn is not None and not self._listen_conn.is_closed():
            await self._listen_conn.close()
        await self._pool.close()

    async def _begin(self, *, retry: bool = True) -> tuple[asyncpg.Connection, Any]:
        """A pooled connection with a transaction started. Retried on transient faults: nothing has run yet
        (after a server restart, the pool's old connections fail here, one by one, and are replaced)."""
        pool = self._pool.pool
        for attempt, delay in enumerate((*RETRY_DELAYS, None) if retry else (None,)):
            conn = None
            try:
                conn = await pool.acquire()
                tr = conn.transaction()
                await tr.start()
                return conn, tr
            except Exception as exc:
                if conn is not None:
                    with suppress(Exception):
                        conn.terminate()  # whatever state it is in, it is not going back into the pool
                    with suppress(Exception):
                        await pool.release(conn)
                mapped = storage_error(exc, write=True)
                if mapped is None:
                    raise
                error, transient, _lost = mapped
                if not transient or delay is None:
                    raise error from None
                _log_retry(error, delay, attempt)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _finish(self, conn: asyncpg.Connection, tr: Any, failed: BaseException | None) -> None:
        """Commit (or roll back after `failed`) and return the connection; faults become StorageError, kind
        "uncertain" when the connection died during COMMIT."""
        try:
            if failed is not None:
                with suppress(Exception):
                    await tr.rollback()
                mapped = storage_error(failed, write=True) if isinstance(failed, Exception) else None
                if mapped is not None:
                    raise mapped[0] from None
                raise failed
            try:
                await tr.commit()
            except Exception as exc:
                mapped = storage_error(exc, write=True)
                if mapped is None:
                    raise
                error, _transient, lost = mapped
                if lost:
                    raise StorageError(f"{error} (during COMMIT)", "uncertain", write=True) from None
                raise error from None
        finally:
            with suppress(Exception):
                await self._pool.pool.release(conn)

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[asyncpg.Connection]:
        """One transaction, not retried once it has started (see _run for what may be)."""
        conn, tr = await self._begin()
        try:
            yield conn
        except BaseException as exc:
            await self._finish(conn, tr, exc)
            raise  # _finish always raises here
        await self._finish(conn, tr, None)

    async def _run(self, body: Callable[[asyncpg.Connection], Awaitable[Any]]) -> Any:
        """`body` in one transaction, all of it retried on transient faults: only for idempotent bodies (a
        body that ran twice because the first COMMIT's outcome was lost must leave what it left once).

        Once a COMMIT's outcome is unknown, retrying a little longer (UNCERTAIN_DELAYS) is what turns "it may
        or may not have been saved" into a definite answer; the interaction has been deferred by then."""
        uncertain = False
        delays = list(RETRY_DELAYS)
        attempt = 0
        while True:
            try:
                conn, tr = await self._begin(retry=False)  # this loop retries
                try:
                    result = await body(conn)
                except BaseException as exc:
                    await self._finish(conn, tr, exc)
                    raise
                await self._finish(conn, tr, None)
                return result
            except StorageError as error:
                if error.kind == "uncertain" and not uncertain:
                    uncertain = True
                    delays += UNCERTAIN_DELAYS
                transient = error.kind in ("unavailable", "conflict", "uncertain")
                if not transient or attempt >= len(delays):
                    if uncertain and error.kind != "uncertain":
                        raise StorageError(
                            f"{error} (an earlier COMMIT's outcome is unknown)", "uncertain", write=True
                        ) from None
                    raise
                _log_retry(error, delays[attempt], attempt)
                await asyncio.sleep(delays[attempt])
                attempt += 1

    # ------------------------------------------------------------------ profiles
    async def get_profile(self, user_id: int) -> PlanProfile | None:
        if self.caching:
            cached = self.profiles.get(user_id)
            if cached is not MISS:
                return cached  # type: ignore[return-value]
            return await self.profiles.load_once(user_id, lambda: self._read_profile(user_id))
        return await self._read_profile(user_id)

    def cached_profile(self, user_id: int) -> PlanProfile | None | object:
        return self.profiles.get(user_id) if self.caching else MISS

    async def _read_profile(self, user_id: int) -> PlanProfile | None:
        profile, version = None, None
        self.profiles.begin(user_id)
        try:
            row = await self._pool.fetchrow("SELECT data, version FROM profiles WHERE user_id = $1", user_id)
            profile, version = (PlanProfile.from_json(row["data"]), row["version"]) if row else (None, 0)
        finally:
            self.profiles.end(user_id, profile, version if self.caching else None)
        return profile

    async def modify_profile(self, user_id: int, change: ProfileChange) -> PlanProfile:
        async def body(conn: asyncpg.Connection) -> tuple[PlanProfile, int]:
            # Create-or-lock the row, so concurrent writers of one profile queue instead of losing updates.
            created = await conn.fetchval(
                "INSERT INTO profiles (user_id, data, updated_at) VALUES ($1, '{}', now()) "
                "ON CONFLICT (user_id) DO NOTHING RETURNING true",
                user_id,
            )
            data = await conn.fetchval("SELECT data FROM profiles WHERE user_id = $1 FOR UPDATE", user_id)
            updated = change(None if created else PlanProfile.from_json(data))  # raises: rolled back
            version = await conn.fetchval(
                "UPDATE profiles SET data = $2, updated_at = $3, version = nextval('profile_versions') "
                "WHERE user_id = $1 RETURNING version",
                user_id,
                updated.to_json(),
                now(),
            )
            await self._notify(conn, "profile", user_id, version)
            return updated, version

        updated, committed = None, None
        self.profiles.begin(user_id)
        try:
            updated, committed = await self._run(body)
        finally:
            settle(self.profiles, user_id, updated, committed if self.caching else None)
        log.debug("profile of %s saved (version %s)", user_id, committed)
        return updated

    async def update_profile(self, user_id: int, changes: dict[str, Any], clear: Iterable[str] = ()) -> PlanProfile:
        names = list(clear)
        return await self.modify_profile(user_id, lambda current: apply_changes(current, changes, names))

    async def delete_profile(self, user_id: int) -> PlanProfile | None:
        async def body(conn: asyncpg.Connection) -> tuple[PlanProfile | None, int | None]:
            await conn.execute(  # counted even when nothing was saved: older checklist buttons save nothing after it
                "INSERT INTO guild_settings (guild_id, key, value) VALUES ($1, $2, '1') ON CONFLICT (guild_id, key) "
                "DO UPDATE SET value = (guild_settings.value::bigint + 1)::text",
                OPERATOR_GUILD,
                erasures_key(user_id),
            )
            data = await conn.fetchval("DELETE FROM profiles WHERE user_id = $1 RETURNING data", user_id)
            if data is None:
                return None, None
            version = await conn.fetchval("SELECT nextval('profile_versions')")
            await self._notify(conn, "profile", user_id, version)
            return PlanProfile.from_json(data), version

        erased, committed = None, None
        self.profiles.begin(user_id)
        try:
            erased, committed = await self._run(body)
        finally:
            settle(self.profiles, user_id, None, committed if self.caching else None)
        return erased

    # ------------------------------------------------------------------ whole-database copy (migrate-data)
    async def table_counts(self) -> dict[str, int]:
        from .transfer import TABLES

        async with self._pool.acquire() as conn:
            # Table names come from our own constant, never from input.
            return {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}  # noqa: S608

    async def export_rows(self, table: str) -> list[dict[str, Any]]:
        from .transfer import ORDER_BY, TABLES

        rows = await self._pool.fetch(
            f"SELECT {', '.join(TABLES[table])} FROM {table} "  # noqa: S608
            f"ORDER BY {ORDER_BY[table]}"
        )
        return [dict(r) for r in rows]

    async def import_rows(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        from .transfer import TABLES

        async with self._tx() as conn:
            for table, cols in TABLES.items():
                rows = [tuple(row[c] for c in cols) for row in tables.get(table, [])]
                if rows:
                    await conn.copy_records_to_table(table, records=rows, columns=list(cols))
            # Ids were copied as they were: move the sequence past them.
            await conn.execute(
                "SELECT setval(pg_get_serial_sequence('fact_changes', 'id'), "
                "coalesce((SELECT max(id) FROM fact_changes), 0) + 1, false)"
            )
        self.profiles.clear()
        self._dispatch("facts", None)

    async def count_profiles(self) -> int:
        return await self._pool.fetchval("SELECT count(*) FROM profiles")

    # ------------------------------------------------------------------ fact overrides and audit
    async def list_overrides(self, guild_id: int) -> list[FactOverride]:
        rows = await self._pool.fetch(
            f"SELECT {_OVERRIDE_COLS} FROM fact_overrides WHERE guild_id = $1 ORDER BY year, figure",  # noqa: S608
            guild_id,
        )
        return [_override(r) for r in rows]

    async def _lock_guild(self, conn: asyncpg.Connection, guild_id: int) -> list[FactOverride]:
        # One writer per server at a time: two moderators' changes get ids in commit order, and each change
        # sees (and records as its "from") the one before it.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('facts:' || $1::bigint::text, 0))", guild_id)
        rows = await conn.fetch(
            f"SELECT {_OVERRIDE_COLS} FROM fact_overrides WHERE guild_id = $1 ORDER BY year, figure",  # noqa: S608
            guild_id,
        )
        return [_override(r) for r in rows]

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
        async with self._tx() as conn:
            current = {(o.year, o.figure): o for o in await self._lock_guild(conn, guild_id)}
            # Only real changes: another import may have written the same figure since this one was planned,
            # and an X → X row would be noise in the audit log.
            writes = [w for w in writes if not stands(current.get((w.year, w.figure)), w.value, w.title, w.url)]
            if not writes:
                return []
            stamp = now()
            ids = []
            for w in writes:
                old = current.get((w.year, w.figure))
                change_id = await conn.fetchval(
                    "INSERT INTO fact_changes (guild_id, year, figure, old_value, old_title, old_url, old_note, "
                    "old_by, old_at, new_value, title, url, note, actor_id, created_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                    guild_id,
                    w.year,
                    w.figure,
                    *old_state(old),
                    w.value,
                    w.title,
                    w.url,
                    w.note,
                    actor_id,
                    stamp,
                )
                current[(w.year, w.figure)] = FactOverride(
                    guild_id, w.year, w.figure, w.value, w.title, w.url, w.note, actor_id, stamp, change_id
                )
                ids.append(change_id)
            validate(list(current.values()))  # raises: rolled back, nothing written
            await conn.executemany(
                "INSERT INTO fact_overrides (guild_id, year, figure, value, title, url, note, updated_by, updated_at, "
                "change_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (guild_id, year, figure) "
                "DO UPDATE SET value = excluded.value, title = excluded.title, url = excluded.url, "
                "note = excluded.note, updated_by = excluded.updated_by, updated_at = excluded.updated_at, "
                "change_id = excluded.change_id",
                [
                    (guild_id, w.year, w.figure, w.value, w.title, w.url, w.note, actor_id, stamp, change_id)
                    for change_id, w in zip(ids, writes, strict=True)
                ],
            )
            # Operator figures (guild 0) reach every server: each process drops all its servers' facts.
            await self._notify(conn, "facts", guild_id)
            return [await self._get_change(conn, guild_id, i) for i in ids]

    async def revert_change(self, guild_id: int, change_id: int, actor_id: int, validate: Validator) -> FactChange:
        async with self._tx() as conn:
            current = await self._lock_guild(conn, guild_id)
            target = await conn.fetchrow(
                "SELECT year, figure, old_value, old_title, old_url, old_note, old_by, old_at, new_value, title, url "
                "FROM fact_changes WHERE guild_id = $1 AND id = $2",
                guild_id,
                change_id,
            )
            if target is None:
                raise ConflictError("there is no change #{id} in this server; see /facts history", id=change_id)
            year, figure = target["year"], target["figure"]
            old = next((o for o in current if (o.year, o.figure) == (year, figure)), None)
            if not stands(old, target["new_value"], target["title"], target["url"]):
                latest = await conn.fetchval(
                    "SELECT max(id) FROM fact_changes WHERE guild_id = $1 AND year = $2 AND figure = $3",
                    guild_id,
                    year,
                    figure,
                )
                raise superseded(change_id, latest, figure, year)
            stamp = now()
            new_id = await conn.fetchval(
                "INSERT INTO fact_changes (guild_id, year, figure, old_value, old_title, old_url, old_note, old_by, "
                "old_at, new_value, title, url, note, actor_id, created_at, reverts) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
                guild_id,
                year,
                figure,
                *old_state(old),
                target["old_value"],
                target["old_title"],
                target["old_url"],
                target["old_note"],
                actor_id,
                stamp,
                change_id,
            )
            rest = [o for o in current if o is not old]
            if target["old_value"] is None:
                validate(rest)
                await conn.execute(
                    "DELETE FROM fact_overrides WHERE guild_id = $1 AND year = $2 AND figure = $3",
                    guild_id,
                    year,
                    figure,
                )
            else:
                restored = FactOverride(
                    guild_id,
                    year,
                    figure,
                    target["old_value"],
                    target["old_title"],
                    target["old_url"],
                    target["old_note"],
                    target["old_by"],
                    target["old_at"],
                    new_id,
                )
                validate([*rest, restored])
                await conn.execute(
                    "UPDATE fact_overrides SET value = $4, title = $5, url = $6, note = $7, updated_by = $8, "
                    "updated_at = $9, change_id = $10 WHERE guild_id = $1 AND year = $2 AND figure = $3",
                    guild_id,
                    year,
                    figure,
                    restored.value,
                    restored.title,
                    restored.url,
                    restored.note,
                    restored.updated_by,
                    restored.updated_at,
                    new_id,
                )
            await self._notify(conn, "facts", guild_id)
            return await self._get_change(conn, guild_id, new_id)

    async def _get_change(self, conn: asyncpg.Connection, guild_id: int, change_id: int) -> FactChange:
        row = await conn.fetchrow(
            f"SELECT {_CHANGE_COLS} FROM fact_changes WHERE guild_id = $1 AND id = $2",  # noqa: S608
            guild_id,
            change_id,
        )
        return _change(row)

    async def history(self, guild_id: int, year: int | None = None, limit: int = 20) -> list[FactChange]:
        rows = await self._pool.fetch(
            f"SELECT {_CHANGE_COLS} FROM fact_changes WHERE guild_id = $1 "  # noqa: S608
            "AND ($2::int IS NULL OR year = $2) ORDER BY id DESC LIMIT $3",
            guild_id,
            year,
            limit,
        )
        return [_change(r) for r in rows]

    async def get_setting(self, guild_id: int, key: str) -> str | None:
        return await self._pool.fetchval(
            "SELECT value FROM guild_settings WHERE guild_id = $1 AND key = $2", guild_id, key
        )

    async def set_setting(self, guild_id: int, key: str, value: str | None) -> None:
        async with self._tx() as conn:
            if value is None:
                await conn.execute("DELETE FROM guild_settings WHERE guild_id = $1 AND key = $2", guild_id, key)
            else:
                await conn.execute(
                    "INSERT INTO guild_settings (guild_id, key, value) VALUES ($1, $2, $3) "
                    "ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value",
                    guild_id,
                    key,
                    value,
                )

    async def claim_setting(self, guild_id: int, key: str, value: str) -> bool:
        status = await self._pool.execute(
            "INSERT INTO guild_settings (guild_id, key, value) VALUES ($1, $2, $3) "
            "ON CONFLICT (guild_id, key) DO NOTHING",
            guild_id,
            key,
            value,
        )
        return status == "INSERT 0 1"

    async def settings_with_key(self, key: str) -> dict[int, str]:
        rows = await self._pool.fetch("SELECT guild_id, value FROM guild_settings WHERE key = $1", key)
        return {r["guild_id"]: r["value"] for r in rows}
