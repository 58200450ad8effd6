"""Fact packs are read in a short-lived child process with a time and a memory limit, never on the event loop.

A pack is someone's upload. Its shape is checked before parsing (knowledge.packs.scan_pack), but the TOML parser
is recursive pure Python: whatever slipped past the checks would stall every server's answers and grow the bot's
memory. So `read_pack_isolated` sends the bytes to `python -m bot.pack_reader NAME` (the same code, read_pack),
which limits its own address space and CPU time first, and waits for its answer at most PARSE_SECONDS without
blocking the loop; a child that is too slow is killed, one that runs out of memory dies, and either way the
moderator (or the operator's CLI) gets a refusal naming the file. The answer comes back as JSON: the figures, or
the refusal's field, template and parameters (so it is still translated for whoever reads it).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from knowledge.errors import InputError
from knowledge.facts import Citation, Figure, YearFacts
from knowledge.packs import MAX_PACK_BYTES, file_error, kilobytes, read_pack
from knowledge.text import Line

PARSE_SECONDS = 5.0  # a real pack takes a few milliseconds; the child's start-up about 0.2 s
MEMORY_BYTES = 256 * 1024 * 1024  # the child's address space: the interpreter and pydantic need about 60 MB
OVER_LIMITS = Line("could not be read within the bot's limits; a fact pack is a small, plain file")
ROOT = Path(__file__).resolve().parents[1]  # where the bot and knowledge packages are


def too_big(name: str, size: int) -> InputError:
    return file_error(
        name,
        Line(
            "{size} KB is too big for a fact pack (at most {limit} KB)",
            {"size": kilobytes(size), "limit": MAX_PACK_BYTES // 1024},
        ),
    )


async def read_pack_isolated(name: str, data: bytes) -> YearFacts:
    """read_pack(name, data) in a child process, bounded in time and memory; InputError("file", …) if refused."""
    if len(data) > MAX_PACK_BYTES:
        raise too_big(name, len(data))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.pack_reader",
        name,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(data), PARSE_SECONDS)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise file_error(name, OVER_LIMITS) from None
    if proc.returncode != 0 or not out:  # killed by its memory or CPU limit
        raise file_error(name, OVER_LIMITS)
    return decode(json.loads(out))


# ------------------------------------------------------------------ the answer, as JSON both ways
def _encode(value: Any) -> Any:
    if isinstance(value, Line):
        return {"line": value.template, "params": {k: _encode(v) for k, v in value.params.items()}}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if value is None or isinstance(value, int | str):
        return value
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "line" in value:
        template, params = value["line"], value["params"]  # a template our code wrote, in the child
        return Line(template, {k: _decode(v) for k, v in params.items()})
    if isinstance(value, dict) and "decimal" in value:
        return Decimal(value["decimal"])
    return value


def encode(result: YearFacts | InputError) -> dict[str, Any]:
    if isinstance(result, InputError):
        return {"refused": {"field": result.field, "message": _encode(result.line)}}
    return {
        "year": result.year,
        "figures": {n: [str(f.value), f.citation.title, f.citation.url] for n, f in result.figures.items()},
    }


def decode(data: dict[str, Any]) -> YearFacts:
    """The child's answer; a refusal is raised as the InputError it was."""
    if "refused" in data:
        line = _decode(data["refused"]["message"])
        raise InputError(data["refused"]["field"], line.template, **line.params)
    figures = {
        name: Figure(name, Decimal(value), Citation(title=title, url=url))
        for name, (value, title, url) in data["figures"].items()
    }
    return YearFacts(int(data["year"]), figures)


# ------------------------------------------------------------------ the child
def _limit_self() -> None:
    try:
        import resource
    except ImportError:  # not on this platform (Windows): the parent's time limit still holds
        return
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    cpu = int(PARSE_SECONDS) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def main(argv: list[str]) -> int:
    _limit_self()
    name = argv[0] if argv else "pack.toml"
    data = sys.stdin.buffer.read(MAX_PACK_BYTES + 1)
    try:
        result: YearFacts | InputError = read_pack(name, data)
    except InputError as exc:
        result = exc
    sys.stdout.write(json.dumps(encode(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
