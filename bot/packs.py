"""The operator's fact packs: `python -m bot facts import FILE… [--dry-run] [--yes]` and `facts list`.

Operator figures are overrides of the reserved server id 0, audited per figure (actor 0, "the operator"), under
every server's own changes and over the bundled data. Each process picks them up without a restart (PostgreSQL
NOTIFY; on SQLite the bot's poll of the file's data version).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from knowledge.errors import FactDataError, InputError
from knowledge.figures import FIGURES
from knowledge.packs import MAX_PACK_BYTES, diff_line, plan_import
from knowledge.years import choose_year

from . import clock
from .facts import GuildFacts
from .pack_reader import read_pack_isolated, too_big
from .storage import OPERATOR_GUILD, FactWrite, open_repository

OPERATOR_ACTOR = 0
Printer = Callable[[str], None]
EXIT_REFUSED = 1  # a bad pack, or a >15 % jump without --yes: nothing written


def _money(value) -> str:  # noqa: ANN001 - Decimal
    return f"{value:,.0f}"


def read_files(files: list[str], err: Printer) -> list[tuple[str, bytes]] | None:
    """Each file's bytes, never more than a pack may hold: the size is checked before reading (and the read is
    bounded, for what has no size, such as /dev/zero or a pipe)."""
    contents = []
    for name in files:
        try:
            with Path(name).open("rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size > MAX_PACK_BYTES:
                    err(f"facts import: refused, nothing written: {too_big(name, size).message}")
                    return None
                data = fh.read(MAX_PACK_BYTES + 1)
        except OSError as exc:
            err(f"facts import: cannot read {name}: {exc.strerror or exc}")
            return None
        if len(data) > MAX_PACK_BYTES:
            err(f"facts import: refused, nothing written: {name}: more than {MAX_PACK_BYTES // 1024} KB")
            return None
        contents.append((name, data))
    return contents


async def import_packs(
    url: str,
    files: list[tuple[str, bytes]],
    hosts: tuple[str, ...],
    *,
    dry_run: bool,
    yes: bool,
    note: str | None,
    out: Printer,
    err: Printer,
) -> int:
    packs = []
    for name, data in files:
        try:
            packs.append((name, await read_pack_isolated(name, data)))  # bounded in time and memory
        except InputError as exc:
            err(f"facts import: refused, nothing written: {exc.message}")
            return EXIT_REFUSED
    repo = await open_repository(url)
    try:
        facts = GuildFacts(repo)
        try:
            plan = plan_import(await facts.operator(), packs, hosts, clock.today().year + 1, origin="operator")
        except InputError as exc:
            err(f"facts import: refused, nothing written: {exc.message}")
            return EXIT_REFUSED
        if not plan.diffs:
            out("No differences from the figures in force: nothing to import.")
            return 0
        out(f"{len(plan.diffs)} difference(s) from the figures in force:")
        for d in plan.diffs:
            out(f"  {diff_line(d, _money)}")
        for year in plan.drafts:
            lacking = ", ".join(plan.result.missing(year))
            out(f"{year} stays a draft (no answer uses it until complete); still missing: {lacking}")
        if dry_run:
            out("Dry run: nothing written.")
            return 0
        if plan.jumps and not yes:
            err(f"{len(plan.jumps)} figure(s) move more than 15% from the year before:")
            for d in plan.jumps:
                if d.prior is None or d.jump is None:
                    continue  # a jump always has a year before to jump from
                err(f"  {d.year} {d.label}: {_money(d.prior.value)} → {_money(d.new.value)} ({d.jump * 100:+.1f}%)")
            err("Nothing written. Check them against the IRS notice, then run again with --yes.")
            return EXIT_REFUSED
        writes = [
            FactWrite(d.year, d.figure, d.new.value, d.new.citation.title, d.new.citation.url, note) for d in plan.diffs
        ]
        try:
            changes = await repo.change_facts(
                OPERATOR_GUILD,
                writes,
                OPERATOR_ACTOR,
                await facts.validator_for(OPERATOR_GUILD, complete=tuple(plan.new_years)),
            )
        except FactDataError as exc:
            err(f"facts import: refused, nothing written: {exc}")
            return EXIT_REFUSED
        if not changes:
            out("Nothing left to import: another import wrote the same figures meanwhile.")
            return 0
        out(f"Imported {len(changes)} figure(s) for every server (changes {', '.join(f'#{c.id}' for c in changes)}).")
        return 0
    finally:
        await repo.close()


async def list_facts(url: str, guild_id: int | None, out: Printer) -> int:
    """Each year's figures and where each comes from: bundled, operator, or (with --guild) that server."""
    repo = await open_repository(url)
    try:
        facts = await GuildFacts(repo).get(guild_id if guild_id is not None else OPERATOR_GUILD)
        current = choose_year(facts, None, clock.today())
        for year in sorted({*facts.years, *facts.drafts}):
            marks = " (current)" if year == current.year and not current.fallback else ""
            if year in facts.drafts:
                marks = f" (draft, not in force; still missing: {', '.join(facts.missing(year))})"
            out(f"{year}{marks}")
            yf = facts.any_year(year)
            assert yf is not None  # one of the two
            for name in FIGURES:
                fig = yf.get(name)
                if fig is None:
                    continue
                origin = "this server" if fig.origin == "server" else fig.origin
                out(f"  {name:<32} {_money(fig.value):>10}  {origin:<11} {fig.citation.title} <{fig.citation.url}>")
        if current.fallback:
            out(note.text if (note := current.note()) else "")
        return 0
    finally:
        await repo.close()
