"""The one small storage interface (profiles, fact overrides and their audit log) and its backends.

No module outside bot/storage/ touches SQL. `open_repository(url)` picks the backend from DATABASE_URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from knowledge.profile import PlanProfile
from knowledge.text import Line

# What went wrong, as a member or an operator needs to know it:
#   unavailable  the database cannot be reached or used now (refused, dropped, file vanished); nothing was saved
#   full         no space left; nothing was saved
#   read_only    the database refuses writes; nothing was saved
#   conflict     a concurrent change won; nothing was saved
#   corrupt      the database file is damaged
#   uncertain    the connection died while committing: the change may or may not have been saved
#   invalid      DATABASE_URL itself is wrong (a setting, not an outage)
Kind = Literal["unavailable", "full", "read_only", "conflict", "corrupt", "uncertain", "invalid"]


class StorageError(RuntimeError):
    """The database cannot be opened or used; `kind` says how, the message says which and why."""

    def __init__(
        self, message: str, kind: Kind = "unavailable", *, write: bool = False, operator: bool = False
    ) -> None:
        super().__init__(message)
        self.kind: Kind = kind
        self.write = write  # whether a write was refused (the member's "nothing was saved")
        self.operator = operator  # only an operator can fix it (a folder the process may not write): no restart


class ConflictError(StorageError, ValueError):
    """A change that no longer applies (e.g. reverting a change that a later one superseded)."""

    def __init__(self, message: str, /, **params: object) -> None:
        # An English template with params (knowledge.text.Line), so the member reads it in their language.
        self.line = Line(message, params)
        super().__init__(self.line.text, "conflict", write=True)


def superseded(change_id: int, latest: int, figure: str, year: int) -> ConflictError:
    """Reverting a change that a later one replaced: both backends refuse it in these words."""
    return ConflictError(
        "#{id} is no longer in force: change #{latest} changed {figure} for {year} since; revert #{latest} first",
        id=change_id,
        latest=latest,
        figure=figure,
        year=year,
    )


def unchanged(year: int, figure: str) -> ConflictError:
    """A figure set to what it already is (another change made it so a moment before): nothing is written."""
    return ConflictError("{figure} for {year} is already that, with that source", figure=figure, year=year)


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


def erasures_key(user_id: int) -> str:
    """The bot-wide setting (server id 0) counting a member's /profile deletes: a checklist sent with no profile
    carries the count, so its buttons cannot re-create a profile erased after it was sent. Only a number is
    kept, never anything from the profile."""
    return f"profile_erasures:{int(user_id)}"


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


ProfileChange = Callable[[PlanProfile | None], PlanProfile]


def apply_changes(current: PlanProfile | None, changes: dict[str, Any], clear: Iterable[str] = ()) -> PlanProfile:
    """The profile with `changes` merged and the `clear` fields back to their defaults, validated."""
    updated = (current or PlanProfile()).merged(changes)  # raises InputError: nothing is written
    names = list(clear)
    if not names:
        return updated
    data = updated.model_dump()
    for name in names:
        data[name] = PlanProfile.model_fields[name].get_default(call_default_factory=True)
        if isinstance(data[name], list):
            data[name] = list(data[name])  # never share the model's default list
    return PlanProfile(**data)


# Called inside the write transaction with the server's overrides as they would be after the change;
# raising refuses the change and nothing is written.
Validator = Callable[[list[FactOverride]], None]


class Repository(Protocol):
    async def close(self) -> None: ...
    async def schema_version(self) -> int: ...

    # Changes made by other processes sharing the database: listener(kind, id) with kind "facts" (a guild id)
    # or "profile" (a user id); id None means "anything may have changed".
    def add_listener(self, listener: Callable[[str, int | None], None]) -> None: ...

    # Whether caches may be used now (PostgreSQL: only while change notifications are being heard).
    @property
    def caching(self) -> bool: ...

    # profiles: they belong to the member, not to a server. Every change is one read-modify-write of the
    # database's current row in one transaction: `change` gets that row (None: no profile) and returns the new
    # profile, or raises to write nothing. It may run more than once (retries), so it must not have side effects.
    async def get_profile(self, user_id: int) -> PlanProfile | None: ...
    # What get_profile would return without waiting (the cached profile, or None if known absent), else MISS.
    def cached_profile(self, user_id: int) -> PlanProfile | None | object: ...
    async def modify_profile(self, user_id: int, change: ProfileChange) -> PlanProfile: ...
    async def update_profile(self, user_id: int, changes: dict[str, Any], clear: Iterable[str] = ()) -> PlanProfile: ...
    async def delete_profile(self, user_id: int) -> PlanProfile | None: ...  # what was erased

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

    # whole-database copy (migrate-data): each table's row count, its rows, and a bulk insert in one transaction
    async def table_counts(self) -> dict[str, int]: ...
    async def export_rows(self, table: str) -> list[dict[str, Any]]: ...
    async def import_rows(self, tables: dict[str, list[dict[str, Any]]]) -> None: ...
    # Insert the setting unless it exists: True for the one caller (of any process) that set it.
    async def claim_setting(self, guild_id: int, key: str, value: str) -> bool: ...
    # Every server's value of one setting (e.g. the announcement channels).
    async def settings_with_key(self, key: str) -> dict[int, str]: ...


_SECRET_KEY = re.compile(r"pass|pwd|secret|token|key", re.IGNORECASE)
_QUERY_PAIR = re.compile(r"([?&;])([^=&;#]*)=([^&;#]*)")


def redacted(url: str) -> str:
    """The URL without its secrets, for every message and log line that shows one: the userinfo password and
    query-string passwords (`?password=`, `sslpassword=`, …), whatever the scheme. Works on malformed URLs too,
    since those are the ones that end up in error messages."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    head, q, query = rest.partition("?")
    at = head.rfind("@")
    if at >= 0:  # the last @ before the query ends the userinfo, even if the password has an @ or a /
        user, colon, _password = head[:at].partition(":")
        head = f"{user}:***{head[at:]}" if colon else head
    if q:
        query = _QUERY_PAIR.sub(lambda m: f"{m[1]}{m[2]}=***" if _SECRET_KEY.search(m[2]) else m[0], "?" + query)[1:]
    return f"{scheme}{sep}{head}{q}{query}"


def check_url(url: str, name: str = "DATABASE_URL") -> str:
    """The URL as given, or StorageError(kind="invalid") saying what is wrong with it (never the password)."""
    shown = redacted(url)
    if url == ":memory:" or url.startswith("sqlite://"):
        return url
    if not url.startswith(("postgres://", "postgresql://")):
        raise StorageError(
            f"{name} {shown!r} is not supported: use sqlite:///path/to/file.db or postgresql://…", "invalid"
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as exc:
        reason = (
            "the IPv6 address must be in brackets, e.g. [::1]"
            if "IPv6" in str(exc) or "::" in url
            else ("the port must be a number from 1 to 65535")
        )
        raise StorageError(f"{name} {shown!r} is malformed: {reason}", "invalid") from None
    return url


async def open_repository(url: str, *, pool_size: int | None = None) -> Repository:
    """pool_size: PostgreSQL connections (DATABASE_POOL_SIZE, read by Settings); SQLite has one."""
    check_url(url)
    if url.startswith(("postgres://", "postgresql://")):
        try:
            from .postgres import PostgresRepository
        except ImportError:
            raise StorageError("PostgreSQL needs asyncpg: pip install 'roth-room[postgres]'") from None

        return await PostgresRepository.open(url, max_size=pool_size)
    if url.startswith("sqlite:///") or url.startswith("sqlite://") or url == ":memory:":
        from .sqlite import SqliteRepository

        return await SqliteRepository.open(url)
    raise AssertionError("check_url accepted an unsupported URL")
