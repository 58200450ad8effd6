"""Chaos under load: PostgreSQL killed and restarted, and a SQLite disk filling up, while members save profiles.

Every write is either reported saved and present after a restart, or reported not saved and absent. Each
test prints its counts (run with -s to see them). The PostgreSQL test starts its own throwaway server on its
own port (never the shared one); the disk test mounts a small tmpfs (root only).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.storage import StorageError, open_repository

from .helpers import raw_rows
from .test_storage_faults import grow, tiny_filesystem


@dataclass
class Outcomes:
    saved: set[int] = field(default_factory=set)
    not_saved: set[int] = field(default_factory=set)
    uncertain: set[int] = field(default_factory=set)
    kinds: Counter = field(default_factory=Counter)

    def check(self, present: set[int], attempted: int, label: str) -> None:
        absent = set(range(attempted)) - present
        print(
            f"\n{label}: {attempted} writes: saved {len(self.saved)}, present {len(present)}, "
            f"not saved {len(self.not_saved)}, absent {len(absent)}, uncertain {len(self.uncertain)}; "
            f"errors by kind {dict(self.kinds)}"
        )
        assert len(self.saved) + len(self.not_saved) + len(self.uncertain) == attempted
        assert self.saved - present == set(), "reported saved but missing after the restart"
        assert self.not_saved & present == set(), "reported not saved but present after the restart"
        assert present - self.saved - self.uncertain == set()


async def load(repo, outcomes: Outcomes, stop: asyncio.Event, writers: int, pause: float = 0.0) -> int:
    """`writers` members' worth of concurrent /profile set writes, one new profile each (ids 0, 1, 2, …),
    until `stop` is set; returns how many were attempted."""
    ids = itertools.count()
    attempted = 0

    async def writer():
        nonlocal attempted
        while not stop.is_set():
            i = next(ids)
            attempted = max(attempted, i + 1)
            try:
                await repo.update_profile(i, {"compensation": str(100000 + i), "match_formula": "50% up to 6%"})
            except StorageError as exc:
                outcomes.kinds[exc.kind] += 1
                (outcomes.uncertain if exc.kind == "uncertain" else outcomes.not_saved).add(i)
            else:
                outcomes.saved.add(i)
            if pause:
                await asyncio.sleep(pause)

    await asyncio.gather(*(writer() for _ in range(writers)))
    return attempted


async def present_ids(repo, ids: range) -> set[int]:
    found = set()
    for i in ids:
        p = await repo.get_profile(i)
        if p is not None:
            assert p.compensation == 100000 + i
            found.add(i)
    return found


# --- PostgreSQL killed and restarted ----------------------------------------------------------------------


class OwnPostgres:
    """A throwaway PostgreSQL server (the pattern of .ci/postgres.sh) that this test may kill."""

    def __init__(self) -> None:
        dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not dirs:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail("PostgreSQL binaries are missing (.ci/postgres.sh installs them)")
            pytest.skip("no PostgreSQL binaries under /usr/lib/postgresql to run a server this test can kill")
        self.bin = dirs[-1].parent
        self.data = Path(tempfile.mkdtemp(prefix="rr-chaos-pg-"))
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.data, "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._run("initdb", "-D", f"{self.data}/db", "-U", "roth", "-A", "trust", "-E", "UTF8", "--no-sync")
        self.url = f"postgresql://roth@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        # Durable commits (synchronous_commit on): a killed server keeps what it acknowledged.
        self._run(
            "pg_ctl",
            "-D",
            f"{self.data}/db",
            "-l",
            f"{self.data}/server.log",
            "-w",
            "-s",
            "start",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c fsync=off "
            "-c full_page_writes=off -c max_connections=100",
        )

    def kill(self) -> None:
        """Immediate shutdown: every backend dies at once, no checkpoint; crash recovery on the next start."""
        self._run("pg_ctl", "-D", f"{self.data}/db", "-m", "immediate", "-w", "-s", "stop")

    def remove(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / "pg_ctl"), "-D", f"{self.data}/db", "-m", "immediate", "-w", "-s", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.data, ignore_errors=True)


@pytest.fixture
def own_postgres():
    server = OwnPostgres()
    server.start()
    yield server
    server.remove()


async def test_postgres_killed_and_restarted_during_a_load_of_profile_writes(own_postgres):
    outcomes, stop = Outcomes(), asyncio.Event()
    repo = await open_repository(own_postgres.url)
    try:
        loading = asyncio.create_task(load(repo, outcomes, stop, writers=30, pause=0.02))
        await asyncio.sleep(1.0)
        await asyncio.to_thread(own_postgres.kill)
        await asyncio.sleep(5.0)  # longer than the retries' ~3.3 s: some writes must give up
        await asyncio.to_thread(own_postgres.start)
        await asyncio.sleep(2.0)
        stop.set()
        attempted = await loading
    finally:
        await repo.close()
    await asyncio.to_thread(own_postgres.kill)  # and once more, right after the load: nothing acknowledged is lost
    await asyncio.to_thread(own_postgres.start)
    after = await open_repository(own_postgres.url)  # a new process's view
    try:
        present = await present_ids(after, range(attempted))
    finally:
        await after.close()
    outcomes.check(present, attempted, "PostgreSQL killed and restarted")
    assert outcomes.not_saved and outcomes.saved  # the kill really hit the load, and the load went on after it
    assert max(outcomes.saved) > max(outcomes.not_saved)  # writes after the restart were saved again
    assert (await raw_rows(own_postgres.url, "SELECT count(*) FROM profiles"))[0][0] == len(present)


# --- a SQLite disk filling up ------------------------------------------------------------------------------


async def test_a_sqlite_disk_filling_up_during_a_load_of_profile_writes(tmp_path):
    outcomes, stop = Outcomes(), asyncio.Event()
    with tiny_filesystem(tmp_path / "disk", "384k") as disk:
        url = f"sqlite:///{disk}/roth-room.db"
        repo = await open_repository(url)
        try:
            loading = asyncio.create_task(load(repo, outcomes, stop, writers=20))
            for _ in range(2000):
                if outcomes.kinds["full"] >= 100:
                    break
                await asyncio.sleep(0.005)
            grow(disk, "16m")  # the operator frees space; the same process goes on
            await asyncio.sleep(1.0)
            stop.set()
            attempted = await loading
        finally:
            await repo.close()
        after = await open_repository(url)  # restart
        try:
            present = await present_ids(after, range(attempted))
        finally:
            await after.close()
    outcomes.check(present, attempted, "SQLite disk full")
    assert outcomes.kinds["full"] >= 100 and outcomes.saved
    assert max(outcomes.saved) > min(outcomes.not_saved)  # writes after space was freed were saved again


async def test_a_connection_lost_during_commit_is_resolved_by_retrying_not_reported_as_failed(own_postgres, caplog):
    """The one truly ambiguous fault: the server committed, the connection died before saying so. Made
    deterministic by making COMMIT wait for a synchronous standby that does not exist (this test's own server
    only), then killing the waiting backend: the transaction has committed locally. The change is run again
    (applying a profile change twice equals once) and the member is told it was saved, which it was."""
    import logging

    repo = await open_repository(own_postgres.url)  # migrated before commits start to wait
    await raw_rows(own_postgres.url, "ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
    await raw_rows(own_postgres.url, "SELECT pg_reload_conf()")
    try:
        with caplog.at_level(logging.WARNING):
            write = asyncio.create_task(repo.update_profile(1, {"compensation": "4242"}))
            waiting = []
            for _ in range(500):
                waiting = await raw_rows(
                    own_postgres.url, "SELECT pid FROM pg_stat_activity WHERE wait_event = 'SyncRep'"
                )
                if waiting:
                    break
                await asyncio.sleep(0.01)
            assert waiting, "COMMIT never waited for the standby"
            await raw_rows(own_postgres.url, f"SELECT pg_terminate_backend({int(waiting[0][0])})")
            assert await raw_rows(own_postgres.url, "SELECT data FROM profiles")  # committed locally
            await raw_rows(own_postgres.url, "ALTER SYSTEM RESET synchronous_standby_names")
            await raw_rows(own_postgres.url, "SELECT pg_reload_conf()")
            saved = await write
        assert saved.compensation == 4242
        assert any("during COMMIT" in r.getMessage() for r in caplog.records)
        assert await raw_rows(own_postgres.url, "SELECT data FROM profiles") == [(saved.to_json(),)]
    finally:
        await repo.close()
