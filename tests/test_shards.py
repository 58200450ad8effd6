"""Two bot processes with different SHARD_IDS against one PostgreSQL: each serves its own servers, and what a
member saves through one is what the other answers with at once."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROCESS = ROOT / "tests" / "tools" / "shard_process.py"


class ShardProcess:
    def __init__(self, proc) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, url: str, shard_ids: str) -> ShardProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(PROCESS),
            url,
            "2",
            shard_ids,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self = cls(proc)
        self.hello = await self.read()
        return self

    async def read(self) -> dict:
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        if not line:
            raise AssertionError((await self.proc.stderr.read()).decode())
        answer = json.loads(line)
        problems = answer.pop("api_problems")  # see tools/shard_process.py
        assert not problems, "Discord would refuse the bot's requests:\n" + "\n".join(problems)
        return answer

    async def ask(self, **request) -> dict:
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        await self.proc.stdin.drain()
        return await self.read()

    async def stop(self) -> None:
        self.proc.stdin.close()
        await asyncio.wait_for(self.proc.wait(), 60)


async def test_two_shard_processes_share_one_postgres(pg_url):
    first, second = await asyncio.gather(ShardProcess.start(pg_url, "0"), ShardProcess.start(pg_url, "1"))
    try:
        assert first.hello["alice"] == second.hello["alice"]  # the same member in both
        # No server cache in either process (no intents): each knows its servers only by their interactions.
        assert (await first.ask(command="guilds"))["guilds"] == []
        assert (await second.ask(command="guilds"))["guilds"] == []
        assert (await first.ask(shard=0, command="ping"))["acknowledged"] is True
        assert (await second.ask(shard=1, command="ping"))["acknowledged"] is True
        # A server on the other process's shard never reaches this one.
        assert (await first.ask(shard=1, command="ping"))["acknowledged"] is False

        # The second process answers (and caches) first; then alice saves her profile through the first.
        before = await second.ask(shard=1, command="room", options={"year": 2026})
        assert before["content"].startswith("**age**: give your age")  # nothing saved yet
        saved = await first.ask(
            shard=0,
            command="profile set",
            options={
                "age": 45,
                "compensation": "200000",
                "employee_deferrals": "24500",
                "employer_contributions": "10000",
            },
        )
        assert saved["acknowledged"]
        after = await second.ask(shard=1, command="room", options={"year": 2026})
        assert after["embeds"][0]["title"] == "After-tax room for 2026: $37,500"  # 72,000 - 24,500 - 10,000
    finally:
        await asyncio.gather(first.stop(), second.stop())


def test_new_year_announcements_go_to_this_processs_shards_servers_only():
    """No server cache to list them: the rollover picks servers by Discord's sharding rule, (id >> 22) % count."""
    from types import SimpleNamespace

    from commands.rollover import serves

    on_shard = {n: (n << 22) | 5 for n in range(4)}  # a server id that lands on shard n of 4
    assert all(serves(SimpleNamespace(shard_count=None), gid) for gid in on_shard.values())
    some = SimpleNamespace(shard_count=4, shard_ids=[1, 3])
    assert [n for n, gid in on_shard.items() if serves(some, gid)] == [1, 3]
    every = SimpleNamespace(shard_count=4, shard_ids=None)
    assert all(serves(every, gid) for gid in on_shard.values())
