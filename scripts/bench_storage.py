"""Profile read and write rates on SQLite and PostgreSQL, one run; prints figures, asserts nothing.

    .venv/bin/python scripts/bench_storage.py [--postgres postgresql://…] [--n 2000]

Without --postgres it uses ROTH_ROOM_TEST_POSTGRES (set by `source .ci/postgres.sh`), else SQLite only.
Writes are read-modify-write transactions (100 at a time); reads are measured cold (cache cleared: a real
database round trip each) and warm (the in-process profile cache /room hits).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.storage import open_repository  # noqa: E402

CONCURRENCY = 100


async def measure(url: str, n: int) -> dict[str, float]:
    repo = await open_repository(url)
    try:
        sem = asyncio.Semaphore(CONCURRENCY)

        async def write(i: int) -> None:
            async with sem:
                await repo.update_profile(i, {"compensation": str(100000 + i), "employee_deferrals": "23500"})

        start = time.perf_counter()
        await asyncio.gather(*(write(i) for i in range(n)))
        writes = n / (time.perf_counter() - start)

        async def read(i: int) -> None:
            async with sem:
                assert (await repo.get_profile(i)).compensation == 100000 + i

        repo.profiles.clear()
        repo.profiles.size = 0  # every read goes to the database
        start = time.perf_counter()
        await asyncio.gather(*(read(i) for i in range(n)))
        cold = n / (time.perf_counter() - start)
        repo.profiles.size = n
        await asyncio.gather(*(read(i) for i in range(n)))  # fill the cache
        start = time.perf_counter()
        await asyncio.gather(*(read(i) for i in range(n)))
        warm = n / (time.perf_counter() - start)
        return {"writes": writes, "cold": cold, "warm": warm}
    finally:
        await repo.close()


async def fresh_postgres(admin: str):
    import asyncpg

    name = f"rr_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return admin.rpartition("/")[0] + "/" + name, name


async def drop_postgres(admin: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def main(n: int, postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = {"sqlite": await measure(f"sqlite:///{tmp}/bench.db", n)}
    if postgres:
        url, name = await fresh_postgres(postgres)
        try:
            results["postgresql"] = await measure(url, n)
        finally:
            await drop_postgres(postgres, name)
    print(f"{n} profiles, {CONCURRENCY} operations in flight; {os.cpu_count()} CPUs")
    print(f"{'backend':<11} {'writes/s':>9} {'reads/s (db)':>13} {'reads/s (cached)':>17}")
    for backend, r in results.items():
        print(f"{backend:<11} {r['writes']:>9,.0f} {r['cold']:>13,.0f} {r['warm']:>17,.0f}")
    if not postgres:
        print("PostgreSQL not measured: pass --postgres URL or `source .ci/postgres.sh` first.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--postgres", default=os.environ.get("ROTH_ROOM_TEST_POSTGRES"))
    args = parser.parse_args()
    asyncio.run(main(args.n, args.postgres))
