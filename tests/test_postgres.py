"""PostgreSQL across processes: concurrent start-up, concurrent writers, change notifications, migrate-data."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from bot.answers import AnswerMemo
from bot.facts import GuildFacts
from bot.storage import open_repository
from bot.storage.cache import MISS
from bot.storage.migrations import LATEST

from .helpers import raw_rows
from .test_storage import FIELDS, concurrent_writes

ROOT = Path(__file__).resolve().parents[1]
WORKER = ROOT / "tests" / "tools" / "pg_worker.py"
NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"


def worker(url: str, *args: str) -> asyncio.subprocess.Process:
    return asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), url, *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


async def finished(proc) -> str:
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def eventually(check, within: float = 5.0):
    """Poll until check() is truthy; notifications arrive asynchronously, within milliseconds."""
    deadline = asyncio.get_running_loop().time() + within
    while not (result := await check()):
        if asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.01)
    return result


async def test_processes_starting_together_migrate_once(pg_url):
    repos = await asyncio.gather(*(open_repository(pg_url) for _ in range(4)))
    try:
        assert [await r.schema_version() for r in repos] == [LATEST] * 4
        assert await raw_rows(pg_url, "SELECT version FROM schema_version ORDER BY version") == [
            (v,) for v in range(1, LATEST + 1)
        ]
    finally:
        for r in repos:
            await r.close()


async def test_two_processes_writing_1000_profiles_at_once_lose_nothing(pg_url):
    repo = await open_repository(pg_url)
    try:
        other = await worker(pg_url, "writes")  # 500 writes from another process…
        await concurrent_writes(repo)  # …while this one makes 500 to the same shared members
        await finished(other)
        assert (await raw_rows(pg_url, "SELECT count(*) FROM profiles"))[0][0] == 250 + 50 + 250
        for i in range(50):
            p = await repo.get_profile(100 + i)  # our cache was invalidated by the other's notifications
            assert [getattr(p, f) for f in FIELDS] == [i] * 5
            assert p.after_tax_allowed and p.in_plan_conversion and p.cash_flow_ok and p.auto_conversion
    finally:
        await repo.close()


async def test_a_fact_change_in_one_process_is_answered_by_another_at_once(pg_url):
    repo = await open_repository(pg_url)
    try:
        facts = GuildFacts(repo)
        assert (await facts.get(77)).year(2026).value("deferral_limit_402g") == 24500  # cached now
        await finished(await worker(pg_url, "fact", "77", "25000"))

        async def updated():
            return (await facts.get(77)).year(2026).value("deferral_limit_402g") == 25000

        assert await eventually(updated), "the other process's change never reached this one"
        assert (await facts.get(78)).year(2026).value("deferral_limit_402g") == 24500  # other servers untouched
    finally:
        await repo.close()


async def test_cached_profiles_follow_another_process(pg_url):
    a, b = await open_repository(pg_url), await open_repository(pg_url)
    try:
        await a.update_profile(9, {"compensation": "100000"})
        assert (await a.get_profile(9)).compensation == 100000  # cached in a
        await b.update_profile(9, {"compensation": "110000"})

        async def seen():
            return (await a.get_profile(9)).compensation == 110000

        assert await eventually(seen)
        # An answer process a kept for the member is let go when process b erases the profile.
        answers = AnswerMemo()
        a.add_listener(answers.heard)
        answers.put(9, "room", (), await a.get_profile(9), None, "the member's answer")
        await b.delete_profile(9)

        async def gone():
            return await a.get_profile(9) is None

        assert await eventually(gone)

        async def let_go():
            return len(answers) == 0

        assert await eventually(let_go)
    finally:
        await a.close()
        await b.close()


async def test_two_moderators_changing_one_figure_at_once_are_both_audited_in_order(pg_url):
    a, b = await open_repository(pg_url), await open_repository(pg_url)
    try:
        ok = GuildFacts(a).validator()
        results = await asyncio.gather(
            *(
                repo.change_fact(1, 2026, "ira_limit", Decimal(value), "IRS Notice 2026-99", NOTICE, None, actor, ok)
                # each a different value: a write of what is already there is no change (and is refused)
                for value, (repo, actor) in enumerate([(a, 1), (b, 2)] * 10, start=7600)
            )
        )
        changes = sorted(results, key=lambda c: c.id)
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.old_value == before.new_value  # each saw the one before it: no lost update
        [override] = await a.list_overrides(1)
        assert override.value == changes[-1].new_value and override.change_id == changes[-1].id
    finally:
        await a.close()
        await b.close()


async def test_listening_recovers_after_the_connection_drops(pg_url):
    repo = await open_repository(pg_url)
    try:
        await repo.update_profile(3, {"compensation": "1000"})
        assert repo.listening
        await raw_rows(
            pg_url,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
        )

        async def back():
            return repo.listening

        assert await eventually(back, within=10)
        assert (await repo.get_profile(3)).compensation == 1000
    finally:
        await repo.close()


def _seed_sqlite(url: str) -> None:
    async def seed():
        repo = await open_repository(url)
        try:
            for i in range(120):
                await repo.update_profile(i, {"compensation": str(90000 + i), "after_tax_allowed": i % 2 == 0})
            ok = GuildFacts(repo).validator()
            c = await repo.change_fact(5, 2026, "ira_limit", Decimal(7600), "IRS Notice 2026-99", NOTICE, "x", 8, ok)
            await repo.change_fact(
                5, 2027, "deferral_limit_402g", Decimal(25000), "IRS Notice 2026-99", NOTICE, None, 8, ok
            )
            await repo.revert_change(5, c.id, 9, ok)
            await repo.set_setting(5, "announce_channel", "123")
        finally:
            await repo.close()

    asyncio.run(seed())


def test_migrate_data_moves_everything_with_equal_counts(tmp_path, pg_url):
    source = f"sqlite:///{tmp_path / 'old.db'}"
    _seed_sqlite(source)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": source}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "migrate-data", "--to", pg_url],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "profiles             120 copied,      120 in the target" in run.stdout
    assert "fact_changes           3 copied,        3 in the target" in run.stdout
    assert "All counts equal" in run.stdout

    async def compare():
        old, new = await open_repository(source), await open_repository(pg_url)
        try:
            for i in (0, 77, 119):
                assert await old.get_profile(i) == await new.get_profile(i)
            assert await old.history(5) == await new.history(5)
            assert await old.list_overrides(5) == await new.list_overrides(5)
            assert await new.get_setting(5, "announce_channel") == "123"
            # The id sequence moved past the copied audit entries.
            change = await new.change_fact(
                5, 2026, "ira_limit", Decimal(7700), "T-T", NOTICE, None, 1, GuildFacts(new).validator()
            )
            assert change.id == 4
        finally:
            await old.close()
            await new.close()

    asyncio.run(compare())
    again = subprocess.run(
        [sys.executable, "-m", "bot", "migrate-data", "--to", pg_url],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 3 and "target database is not empty" in again.stderr and "Traceback" not in again.stderr


@pytest.mark.parametrize("target", ["postgresql://roth@127.0.0.1:1/nowhere"])
def test_migrate_data_to_an_unreachable_server_says_so(tmp_path, target):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "migrate-data", "--to", target],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 3 and "cannot connect to PostgreSQL" in run.stderr and "Traceback" not in run.stderr


async def test_nothing_is_served_from_cache_while_the_listener_is_down(pg_url):
    """The listening connection is killed and cannot come back (its role may not log in for now): facts and
    profiles changed by another process meanwhile are answered at once, because nothing is cached then."""
    import uuid

    role = f"rr_deaf_{uuid.uuid4().hex[:8]}"
    await raw_rows(pg_url, f"CREATE ROLE {role} LOGIN SUPERUSER")
    base, _, rest = pg_url.partition("://")
    url = f"{base}://{role}@{rest.split('@', 1)[1]}"
    other = await open_repository(pg_url)  # migrates as the usual role: the throwaway role owns nothing
    repo = await open_repository(url)
    try:
        facts = GuildFacts(repo)
        await repo.update_profile(3, {"compensation": "1000"})
        assert (await repo.get_profile(3)).compensation == 1000  # cached
        assert (await facts.get(77)).year(2026).value("deferral_limit_402g") == 24500  # cached
        # What an answer may use without waiting (then it arms no deferral): the cached copies.
        assert repo.cached_profile(3).compensation == 1000 and facts.cached(77) is not None
        await raw_rows(pg_url, f"ALTER ROLE {role} NOLOGIN")
        await raw_rows(
            pg_url,
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND usename = '{role}'",
        )

        async def deaf():
            return not repo.listening

        assert await eventually(deaf)
        await other.update_profile(3, {"compensation": "2000"})
        ok = GuildFacts(other).validator()
        await other.change_fact(
            77, 2026, "deferral_limit_402g", Decimal(25000), "IRS Notice 2026-99", NOTICE, None, 1, ok
        )
        assert not repo.caching
        assert repo.cached_profile(3) is MISS and facts.cached(77) is None  # nothing may be used unread
        assert (await repo.get_profile(3)).compensation == 2000
        assert (await facts.get(77)).year(2026).value("deferral_limit_402g") == 25000
        await other.update_profile(3, {"compensation": "3000"})
        await other.change_fact(
            77, 2026, "deferral_limit_402g", Decimal(25500), "IRS Notice 2026-99", NOTICE, None, 1, ok
        )
        assert (await repo.get_profile(3)).compensation == 3000  # still no stale copy after a first read
        assert (await facts.get(77)).year(2026).value("deferral_limit_402g") == 25500
        await raw_rows(pg_url, f"ALTER ROLE {role} LOGIN")

        async def back():
            return repo.listening

        assert await eventually(back, within=40)
        await facts.get(77)
        assert 77 in facts._cache  # noqa: SLF001 - caching again once notifications are heard
    finally:
        await repo.close()
        await other.close()
        await raw_rows(pg_url, f"DROP ROLE IF EXISTS {role}")


async def test_two_processes_see_an_operator_import_at_once_and_announce_once(pg_url, tmp_path):
    from .test_packs import pack_2027

    a, b = await open_repository(pg_url), await open_repository(pg_url)  # two bot processes' worth
    try:
        facts = [GuildFacts(a), GuildFacts(b)]
        for f in facts:
            for guild in (1, 2):
                assert 2027 not in (await f.get(guild)).years  # cached in both processes
        pack = tmp_path / "2027.toml"
        pack.write_text(pack_2027(annual_additions_415c=74000))
        cli = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "facts",
            "import",
            str(pack),
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": pg_url},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        await finished(cli)

        async def everyone_has_2027():
            return all([2027 in (await f.get(g)).years for f in facts for g in (1, 2)])

        assert await eventually(everyone_has_2027)  # by notification: no restart, no polling
        assert (await facts[1].get(2)).year(2027).value("annual_additions_415c") == 74000
        # both processes try to announce 2027 in server 1 at the same moment: one of them posts
        claims = await asyncio.gather(*(r.claim_setting(1, "announced_year:2027", "1") for r in (a, b)))
        assert sorted(claims) == [False, True]
    finally:
        await a.close()
        await b.close()
