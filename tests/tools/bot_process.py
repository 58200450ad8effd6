"""`python -m bot` as a child process pointed at the stand-in Discord (tests/tools/standin_discord.py), its log
lines read as they come: shared by tests/test_start.py and the memory benchmark (scripts/bench_rss.py)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60  # seconds for any one step; generous for a loaded CI machine, never a measurement


def bot_environment(standin_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a bot process that talks to the stand-in and keeps its SQLite file in `data_dir`."""
    environ = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL", "LOG_LEVEL"}}
    environ.update(
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests" / "tools" / "standin_site")]),
        ROTH_ROOM_STANDIN_DISCORD=standin_url,
        DISCORD_TOKEN="standin-token",
        DATABASE_URL=f"sqlite:///{data_dir / 'roth-room.db'}",
        **extra,
    )
    return environ


class BotProcess:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._new = asyncio.Event()
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def start(cls, environ: dict[str, str], cwd: Path, *args: str) -> BotProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=cwd, env=environ, stderr=asyncio.subprocess.PIPE
        )
        return cls(proc)

    async def _read(self) -> None:
        assert self.proc.stderr is not None
        try:
            while line := await self.proc.stderr.readline():
                self.lines.append(line.decode().rstrip())
                self._new.set()
        finally:
            self._new.set()

    async def until(self, pattern: str) -> re.Match[str]:
        async def find() -> re.Match[str]:
            seen = 0
            while True:
                for line in self.lines[seen:]:
                    if m := re.search(pattern, line):
                        return m
                seen = len(self.lines)
                if self._reader.done():
                    raise AssertionError(f"bot exited before {pattern!r}:\n" + "\n".join(self.lines))
                self._new.clear()
                await self._new.wait()

        return await asyncio.wait_for(find(), WAIT)

    async def stop(self) -> int:
        """SIGTERM, as an operator stops it; killed if it does not stop in time. Returns its exit code."""
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), WAIT)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        await self._reader
        assert self.proc.returncode is not None
        return self.proc.returncode
