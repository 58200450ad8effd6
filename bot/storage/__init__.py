"""The one small storage interface (profiles, fact overrides and their audit log) and its backends.

No module outside bot/storage/ touches SQL. `open_repository(url)` picks the backend from DATABASE_URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from knowledge.profile import PlanProfile


class StorageError(RuntimeError):
    """The database cannot be opened or used; the message says which and why."""


class ConflictError(ValueError):
    """A change that no longer applies (e.g. reverting a change that a later one superseded)."""


@dataclass(frozen=True, slots=True)
class FactOverride:
    guild_id: int
    year: int
    figure: str
    value: Decimal
    title: str
    url: str
    note: str | None
    updated_by: int
    updated_at: datetime
    change_id: int


@dataclass(frozen=True, slots=True)
class FactChange:
    id: int
    guild_id: int
    year: int
    figure: str
    old_value: Decimal | None  # None: the bundled figure (or none) was in force
    new_value: Decimal | None  # None: the override was removed (back to the bundled figure)
    title: str | None
    url: str | None
    note: str | None
    actor_id: int
    created_at: datetime
    reverts: int | None


@dataclass(frozen=True, slots=True)
class FactWrite:
    """One figure of a bulk write (a fact pack): the new override and its citation."""

    year: int
    figure: str
    value: Decimal
    title: str
    url: str
    note: str | None = None


# The reserved server id of the operator's figures (python -m bot facts import): they apply to every server,
# under each server's own changes. Discord ids are never 0.
OPERATOR_GUILD = 0


def now() -> datetime:
    """A change's timestamp: UTC, whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def old_state(old: FactOverride | None) -> tuple[Any, ...]:
    """The override a change replaces, as the audit row's old_* columns (value, title, url, note, by, at)."""
    if old is None:
        return (None, None, None, None, None, None)
    return (old.value, old.title, old.url, old.note, old.updated_by, old.updated_at)


def stands(current: FactOverride | None, value: Decimal | None, title: str | None, url: str | None) -> bool:
    """Whether the figure is still as a change left it: only then can that change be undone."""
    if current is None:
        return value is None
    return (current.value, current.title, current.url) == (value, title, url)


# Called inside the write transaction with the server's overrides as they would be after the change;
# raising refuses the change and nothing is written.
Validator = Callable[[list[FactOverride]], None]


class Repository(Protocol):
    async def close(self) -> None: ...
    async def schema_version(self) -> int: ...

    # Changes made by other processes sharing the database: listener(kind, id) with kind "facts" (a guild id)
    # or "profile" (a user id); id None means "anything may have changed".
    def add_listener(self, listener: Callable[[str, int | None], None]) -> None: ...

    # profiles: they belong to the member, not to a server
    async def get_profile(self, user_id: int) -> PlanProfile | None: ...
    async def update_profile(
        self, user_id: int, changes: dict[str, Any], clear: Iterable[str] = ()
    ) -> PlanProfile: ...
    async def delete_profile(self, user_id: int) -> bool: ...

    # moderators' fact overrides, per server, each change audited
    async def list_overrides(self, guild_id: int) -> list[FactOverride]: ...
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
    ) -> FactChange: ...
    async def revert_change(self, guild_id: int, change_id: int, actor_id: int, validate: Validator) -> FactChange: ...
    # Many figures in ONE transaction, one audit row each; validate sees the server's overrides as they would be
    # after all of them, so a half-valid pack is refused whole.
    async def change_facts(
        self, guild_id: int, writes: list[FactWrite], actor_id: int, validate: Validator
    ) -> list[FactChange]: ...
    async def history(self, guild_id: int, year: int | None = None, limit: int = 20) -> list[FactChange]: ...
    async def get_setting(self, guild_id: int, key: str) -> str | None: ...
    async def set_setting(self, guild_id: int, key: str, value: str | None) -> None: ...
    # Insert the setting unless it exists: True for the one caller (of any process) that set it.
    async def claim_setting(self, guild_id: int, key: str, value: str) -> bool: ...
    # Every server's value of one setting (e.g. the announcement channels).
    async def settings_with_key(self, key: str) -> dict[int, str]: ...


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else f"{scheme}://{user}@{host}"


async def open_repository(url: str, *, pool_size: int | None = None) -> Repository:
    """pool_size: PostgreSQL connections (DATABASE_POOL_SIZE, read by Settings); SQLite has one."""
    if url.startswith(("postgres://", "postgresql://")):
        try:
            from .postgres import PostgresRepository
        except ImportError:
            raise StorageError("PostgreSQL needs asyncpg: pip install 'roth-room[postgres]'") from None

        return await PostgresRepository.open(url, max_size=pool_size)
    if url.startswith("sqlite:///") or url.startswith("sqlite://") or url == ":memory:":
        from .sqlite import SqliteRepository

        return await SqliteRepository.open(url)
    raise StorageError(f"DATABASE_URL {url!r} is not supported: use sqlite:///path/to/file.db or postgresql://…")
