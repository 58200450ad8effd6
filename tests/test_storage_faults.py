"""Storage faults answered honestly, on a real SQLite file and a real PostgreSQL server: one StorageError with
a kind for each fault, retries for dropped connections, nothing reported saved that was not, and the reverse."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
from contextlib import contextmanager

import pytest

from bot.errors import describe
from bot.storage import StorageError, check_url, open_repository, redacted

from .helpers import raw_rows


@pytest.fixture
def db_url(both_backends) -> str:
    return both_backends


@pytest.fixture
async def repo(db_url):
    r = await open_repository(db_url)
    yield r
    await r.close()


# --- profile writes: nothing half-done, nothing that committed reported as failed -----------------------


async def test_clearing_not_sure_saves_and_is_shown(repo, db_url):
    """It used to write the row, then fail putting None into the cache: an apology, and /profile show empty."""
    await repo.update_profile(4, {"compensation": "90000", "not_sure": ["cash_flow_ok", "auto_conversion"]})
    saved = await repo.update_profile(4, {}, clear=["not_sure", "compensation"])
    assert saved.not_sure == [] and saved.compensation is None
    assert (await repo.get_profile(4)).not_sure == []
    assert await raw_rows(db_url, "SELECT data FROM profiles WHERE user_id = 4") == [('{"not_sure":[]}',)]


async def test_every_write_takes_a_new_higher_version(repo, db_url):
    await repo.update_profile(1, {"compensation": "1"})
    await repo.update_profile(2, {"compensation": "2"})
    await repo.update_profile(1, {"compensation": "3"})
    rows = dict(await raw_rows(db_url, "SELECT user_id, version FROM profiles"))
    assert rows[1] > rows[2] > 0
    await repo.delete_profile(1)
    await repo.update_profile(1, {"compensation": "4"})  # recreated after a delete: still newer than before
    assert dict(await raw_rows(db_url, "SELECT user_id, version FROM profiles"))[1] > rows[1] + 1


async def test_concurrent_writes_to_one_member_leave_the_cache_equal_to_the_database(repo, db_url):
    """Each write caches its result after its commit, in whatever order they finish; versions keep the newest."""
    for rounds in range(5):
        await asyncio.gather(*(repo.update_profile(8, {"compensation": str(1000 * rounds + i)}) for i in range(20)))
        [(data,)] = await raw_rows(db_url, "SELECT data FROM profiles WHERE user_id = 8")
        assert (await repo.get_profile(8)).to_json() == data


async def test_a_refused_change_function_writes_nothing(repo, db_url):
    def refuse(_current):
        raise LookupError("no")

    with pytest.raises(LookupError):
        await repo.modify_profile(6, refuse)
    assert await raw_rows(db_url, "SELECT count(*) FROM profiles") == [(0,)]
    assert await repo.get_profile(6) is None


# --- errors: kinds, member-facing words, one log line ----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("unavailable", "The bot's database is unavailable; nothing was saved — try again in a minute."),
        ("full", "out of space; nothing was saved"),
        ("read_only", "read-only right now; nothing was saved"),
        ("conflict", "at the same moment; nothing was saved"),
        ("uncertain", "may or may not have been saved"),
    ],
)
def test_each_kind_has_short_member_facing_words_and_one_log_line(kind, words, caplog):
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        text = describe(StorageError("SQLite database x: disk I/O error", kind, write=True))
    assert words in text and len(text) < 200
    [record] = caplog.records
    assert record.exc_info is None and "\n" not in record.getMessage() and kind in record.getMessage()


def test_a_failed_read_does_not_talk_about_saving():
    assert describe(StorageError("gone", "unavailable")) == (
        "The bot's database is unavailable right now — try again in a minute."
    )


async def test_a_postgres_connection_killed_mid_write_is_retried(pg_url, caplog):
    """The write's backend is killed while it waits for the member's row: the whole read-modify-write is run
    again on a new connection, and the member gets "Saved" for what was saved."""
    import asyncpg

    repo = await open_repository(pg_url)
    holder = await asyncpg.connect(pg_url)
    try:
        await repo.update_profile(1, {"compensation": "1000"})
        lock = holder.transaction()
        await lock.start()
        await holder.execute("SELECT 1 FROM profiles WHERE user_id = 1 FOR UPDATE")
        with caplog.at_level(logging.WARNING):
            write = asyncio.create_task(repo.update_profile(1, {"employee_deferrals": "2000"}))
            waiting = []
            for _ in range(500):
                waiting = await holder.fetch(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                if waiting:
                    break
                await asyncio.sleep(0.01)
            assert waiting, "the write never waited for the row"
            await holder.execute("SELECT pg_terminate_backend($1)", waiting[0]["pid"])
            await asyncio.sleep(0.2)
            await lock.rollback()
            saved = await write
        assert saved.compensation == 1000 and saved.employee_deferrals == 2000
        assert await raw_rows(pg_url, "SELECT data FROM profiles") == [(saved.to_json(),)]
        assert any("retrying" in r.getMessage() for r in caplog.records)
        assert (await repo.get_profile(1)).employee_deferrals == 2000
    finally:
        await holder.close()
        await repo.close()


async def test_postgres_read_only_is_its_own_kind(pg_url):
    repo = await open_repository(pg_url)
    try:
        await repo.update_profile(1, {"compensation": "1000"})
        name = pg_url.rpartition("/")[2]
        await raw_rows(pg_url, f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        await raw_rows(
            pg_url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        with pytest.raises(StorageError) as caught:
            await repo.update_profile(1, {"compensation": "2000"})
        assert caught.value.kind == "read_only" and caught.value.write
        assert (await repo.get_profile(1)).compensation == 1000
    finally:
        await repo.close()


async def test_sqlite_read_only_is_its_own_kind(sqlite_url):
    repo = await open_repository(sqlite_url)
    try:
        await repo.update_profile(1, {"compensation": "1000"})
        await repo._conn.execute("PRAGMA query_only = ON")  # SQLite's own read-only refusal (SQLITE_READONLY)
        with pytest.raises(StorageError) as caught:
            await repo.update_profile(1, {"compensation": "2000"})
        assert caught.value.kind == "read_only"
        assert (await repo.get_profile(1)).compensation == 1000
    finally:
        await repo.close()


# --- SQLite: a full disk, a vanished or replaced file --------------------------------------------------


@contextmanager
def tiny_filesystem(path, size: str):
    """A real, small filesystem (tmpfs) at path: needs root (CI and the dev container run as root)."""
    path.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root")
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def grow(path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)


async def test_a_full_disk_is_reported_as_full_and_nothing_half_written(tmp_path):
    with tiny_filesystem(tmp_path / "disk", "256k") as disk:
        url = f"sqlite:///{disk}/db.sqlite"
        repo = await open_repository(url)
        try:
            saved = 0
            with pytest.raises(StorageError) as caught:
                for i in range(5000):
                    await repo.update_profile(i, {"compensation": str(100000 + i)})
                    saved += 1
            assert caught.value.kind == "full" and caught.value.write
            assert "out of space; nothing was saved" in describe(caught.value)
            assert await repo.get_profile(saved) is None  # the refused write is not in the cache either
            grow(disk, "8m")  # the operator frees space: the same process writes again
            await repo.update_profile(saved, {"compensation": "1"})
        finally:
            await repo.close()
        rows = await raw_rows(url, "SELECT user_id, data FROM profiles ORDER BY user_id")
        assert [r[0] for r in rows] == list(range(saved + 1))


@pytest.mark.parametrize("how", ["deleted", "replaced"])
async def test_a_vanished_or_replaced_file_stops_writes_loudly(tmp_path, how, caplog):
    path = tmp_path / "roth-room.db"
    repo = await open_repository(f"sqlite:///{path}")
    try:
        await repo.update_profile(1, {"compensation": "1000"})
        path.unlink()
        if how == "replaced":
            other = await open_repository(f"sqlite:///{tmp_path / 'other.db'}")
            await other.close()
            (tmp_path / "other.db").rename(path)
        with caplog.at_level(logging.ERROR), pytest.raises(StorageError) as caught:
            await repo.update_profile(1, {"compensation": "2000"})
        assert caught.value.kind == "unavailable" and how in str(caught.value)
        assert any(r.levelno == logging.ERROR and how in r.getMessage() for r in caplog.records)
        assert (await repo.get_profile(1)).compensation == 1000  # the refused write is not served either
        with pytest.raises(StorageError):  # and it stays stopped: no later write lands in the lost file
            await repo.update_profile(2, {"compensation": "1"})
    finally:
        await repo.close()


async def test_delete_checkpoints_the_wal_and_leaves_no_trace_in_the_files(tmp_path):
    path = tmp_path / "roth-room.db"
    repo = await open_repository(f"sqlite:///{path}")
    try:
        await repo.update_profile(1, {"compensation": "4817263", "match_formula": "50% up to 6%"})
        await repo.update_profile(2, {"compensation": "100000"})
        await repo.delete_profile(1)
        wal = tmp_path / "roth-room.db-wal"
        assert not wal.exists() or wal.stat().st_size == 0
        files = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        assert b"4817263" not in files and b"100000" in files
    finally:
        await repo.close()


# --- database URLs: one redaction, malformed ones refused as settings -----------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://rothroom:s3cret@db.example/rr", "postgresql://rothroom:***@db.example/rr"),
        (
            "postgresql://rothroom@db.example/rr?sslmode=require&password=s3cret",
            "postgresql://rothroom@db.example/rr?sslmode=require&password=***",
        ),
        ("postgres://u@h/db?PassWord=s3cret&sslpassword=s3cret", "postgres://u@h/db?PassWord=***&sslpassword=***"),
        ("mysql://u:s3cret@h:3306/db", "mysql://u:***@h:3306/db"),
        ("postgresql://u:s3c@r/et@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:s3cret@h:99999/db", "postgresql://u:***@h:99999/db"),
        ("postgresql://u:s3cret@[::1/db", "postgresql://u:***@[::1/db"),
        ("sqlite:///data/roth-room.db", "sqlite:///data/roth-room.db"),
    ],
)
def test_redacted_hides_every_password(url, shown):
    assert redacted(url) == shown and "s3c" not in redacted(url)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:s3cret@h:99999/db",
        "postgresql://u:s3cret@h:port/db",
        "postgresql://u:s3cret@::1:5432/db",
        "postgresql://u:s3cret@[::1/db",
        "mysql://u:s3cret@h/db",
    ],
)
async def test_malformed_or_unsupported_urls_are_invalid_settings(url):
    with pytest.raises(StorageError) as caught:
        await open_repository(url)
    assert caught.value.kind == "invalid" and "s3cret" not in str(caught.value)
    assert check_url("postgresql://u:pw@[::1]:5432/db")  # a bracketed IPv6 literal is fine
