"""Hostile fact packs against the bot's event loop: the longest stall and the bot process's peak memory while each
is read the way /facts import reads it (bot.pack_reader), plus what the child's limits do to a parse that got past
the shape checks. Prints figures; asserts nothing (targets: stall < 100 ms, peak < +50 MB).

    .venv/bin/python scripts/bench_packs.py
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.pack_reader import read_pack_isolated  # noqa: E402
from knowledge.errors import InputError  # noqa: E402

NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"
LINE = 'ira_limit = {{ value = {v}, title = "IRS Notice 2026-99", url = "' + NOTICE + '" }}\n'


def packs() -> dict[str, bytes]:
    real = (ROOT / "knowledge/data/2026.toml").read_bytes().replace(b"year = 2026", b"year = 2027")
    many = "year = 2027\n[figures]\n" + "".join(f"# {'x' * 70}\n" for _ in range(800))  # 60 KB, all comment
    return {
        "real 2027 pack": real,
        "60 KB deep dotted key (the issue's)": ("year = 2027\n" + "x." * 30000 + "y = 1").encode(),
        "3,000-deep arrays over lines": ("year = 2027\nx = " + "[\n" * 3000 + "]\n" * 3000).encode(),
        "1e30 figure": ("year = 2027\n[figures]\n" + LINE.format(v="1e30")).encode(),
        "60 KB of comments (passes the shape checks)": many.encode(),
    }


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(name: str, data: bytes) -> None:
    stall = 0.0
    running = True

    async def ticker() -> None:
        nonlocal stall
        last = time.perf_counter()
        while running:
            await asyncio.sleep(0.002)
            now = time.perf_counter()
            stall = max(stall, now - last - 0.002)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    before = rss_mb()
    started = time.perf_counter()
    try:
        await read_pack_isolated("p.toml", data)
        outcome = "accepted"
    except InputError as exc:
        outcome = "refused: " + exc.message[:70]
    took = time.perf_counter() - started
    await asyncio.sleep(0.05)
    running = False
    await task
    print(
        f"{name:<45} {took * 1000:7.0f} ms  loop stall {stall * 1000:5.1f} ms  "
        f"peak RSS +{rss_mb() - before:4.1f} MB  {outcome}"
    )


def unchecked_parse() -> None:
    """The child with its shape checks switched off, given the issue's pack: its own limits must end it."""
    code = (
        "import knowledge.packs as p; p.scan_pack = lambda *a: None; "
        "from bot import pack_reader as r; r.main(['p.toml'])"
    )
    data = ("year = 2027\n" + "x." * 30000 + "y = 1").encode()
    started = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        input=data,
        capture_output=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    took = time.perf_counter() - started
    ended = f"exit {proc.returncode}" if proc.returncode >= 0 else f"killed by signal {-proc.returncode}"
    answer = proc.stdout.decode()[:150]
    print(f"{'child, shape checks off, issue pack':<45} {took * 1000:7.0f} ms  {ended}: {answer}")


async def main() -> None:
    print(f"bot process RSS at start: {rss_mb():.1f} MB")
    for name, data in packs().items():
        await measure(name, data)
    unchecked_parse()


if __name__ == "__main__":
    asyncio.run(main())
