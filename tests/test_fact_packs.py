"""Fact packs on both backends: one transaction per pack, precedence, the operator's CLI, other processes noticing."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from bot.facts import GuildFacts
from bot.storage import OPERATOR_GUILD, FactWrite, open_repository
from knowledge.errors import FactDataError
from knowledge.packs import read_pack

from .helpers import raw_rows
from .test_packs import pack_2027

ROOT = Path(__file__).resolve().parents[1]
NOTICE = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"


@pytest.fixture
def db_url(both_backends) -> str:
    return both_backends


@pytest.fixture
async def repo(db_url):
    r = await open_repository(db_url)
    yield r
    await r.close()


def cli(db_url: str, *args: str, **extra_env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url, **extra_env}
    return subprocess.run(
        [sys.executable, "-m", "bot", "facts", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def write(year, figure, value, url=NOTICE) -> FactWrite:
    return FactWrite(year, figure, Decimal(value), "IRS Notice 2026-99", url)


async def test_a_bulk_write_is_one_transaction_with_one_audit_row_per_figure(repo, db_url):
    facts = GuildFacts(repo)
    changes = await repo.change_facts(
        5, [write(2026, "hce_threshold_414q", 165000), write(2026, "ira_limit", 8000)], 9, await facts.validator_for(5)
    )
    assert [(c.figure, c.old_value, c.new_value, c.actor_id) for c in changes] == [
        ("hce_threshold_414q", None, 165000, 9),
        ("ira_limit", None, 8000, 9),
    ]
    assert (await raw_rows(db_url, "SELECT count(*) FROM fact_overrides"))[0][0] == 2


async def test_imports_planned_at_once_write_only_real_changes(repo, db_url):
    """Two moderators confirm different packs at the same moment: both were planned against the figures before
    either landed, so each carries all 13 figures; the second writes only the one that differs (no X → X rows)."""
    facts = GuildFacts(repo)
    pack = {f.name: f for f in read_pack("a.toml", pack_2027()).figures.values()}

    def writes(**changes):
        return [
            FactWrite(2027, n, Decimal(changes.get(n, f.value)), f.citation.title, f.citation.url)
            for n, f in pack.items()
        ]

    first, second = await asyncio.gather(
        repo.change_facts(5, writes(), 9, await facts.validator_for(5)),
        repo.change_facts(5, writes(ira_limit=7700), 8, await facts.validator_for(5)),
    )
    assert sorted([len(first), len(second)]) == [1, 13]  # whichever landed second changed ira_limit only
    rows = await raw_rows(db_url, "SELECT figure, old_value, new_value FROM fact_changes")
    assert all(old is None or Decimal(old) != Decimal(new) for _f, old, new in rows), rows
    again = await repo.change_facts(5, writes(ira_limit=7700), 8, await facts.validator_for(5))
    assert again == [] or [c.figure for c in again] == ["ira_limit"]
    assert all(
        old is None or Decimal(old) != Decimal(new)
        for _f, old, new in await raw_rows(db_url, "SELECT figure, old_value, new_value FROM fact_changes")
    )


async def test_a_half_valid_pack_is_refused_whole_and_writes_nothing(repo, db_url):
    facts = GuildFacts(repo)
    bad = [write(2026, "hce_threshold_414q", 165000), write(2026, "deferral_limit_402g", 80000)]
    with pytest.raises(FactDataError, match="415\\(c\\) must be above 402\\(g\\)"):
        await repo.change_facts(5, bad, 9, await facts.validator_for(5))
    assert await raw_rows(db_url, "SELECT count(*) FROM fact_changes") == [(0,)]
    assert await raw_rows(db_url, "SELECT count(*) FROM fact_overrides") == [(0,)]


async def test_a_year_that_must_be_complete_is_refused_while_a_figure_is_missing(repo):
    facts = GuildFacts(repo)
    with pytest.raises(FactDataError, match="missing"):
        await repo.change_facts(
            5, [write(2027, "deferral_limit_402g", 25000)], 9, await facts.validator_for(5, complete=(2027,))
        )
    assert await repo.history(5) == []


async def test_precedence_server_then_operator_then_bundled(repo):
    facts = GuildFacts(repo)
    await repo.change_facts(
        OPERATOR_GUILD,
        [write(2026, "hce_threshold_414q", 165000), write(2026, "ira_limit", 8000)],
        0,
        await facts.validator_for(OPERATOR_GUILD),
    )
    await repo.change_fact(
        5, 2026, "ira_limit", Decimal(8100), "Server's source", NOTICE, None, 9, await facts.validator_for(5)
    )
    facts.invalidate()
    mine, other = (await facts.get(5)).year(2026), (await facts.get(6)).year(2026)
    assert (mine["ira_limit"].value, mine["ira_limit"].origin) == (8100, "server")
    assert (other["ira_limit"].value, other["ira_limit"].origin) == (8000, "operator")
    assert (mine["hce_threshold_414q"].value, mine["hce_threshold_414q"].origin) == (165000, "operator")
    assert (mine["deferral_limit_402g"].value, mine["deferral_limit_402g"].origin) == (24500, "bundled")
    assert (await facts.get(None)).year(2026)["ira_limit"].origin == "operator"


async def test_an_operator_change_reaches_every_cached_server(repo):
    facts = GuildFacts(repo)
    assert (await facts.get(5)).year(2026).value("ira_limit") == 7500  # cached
    await repo.change_facts(
        OPERATOR_GUILD, [write(2026, "ira_limit", 8000)], 0, await facts.validator_for(OPERATOR_GUILD)
    )
    facts.invalidate(OPERATOR_GUILD)  # what the write path / the notification does
    assert (await facts.get(5)).year(2026).value("ira_limit") == 8000


async def test_claiming_an_announcement_succeeds_once(repo):
    assert await repo.claim_setting(5, "announced_year:2027", "1") is True
    assert await repo.claim_setting(5, "announced_year:2027", "1") is False
    assert await repo.claim_setting(6, "announced_year:2027", "1") is True
    await repo.set_setting(7, "announce_channel", "123")
    assert await repo.settings_with_key("announced_year:2027") == {5: "1", 6: "1"}
    assert await repo.settings_with_key("announce_channel") == {7: "123"}


# ------------------------------------------------------------------ the operator's CLI, a separate process
def test_the_bundled_2026_file_imports_as_no_difference(db_url):
    result = cli(db_url, "import", "knowledge/data/2026.toml", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No differences from the figures in force" in result.stdout


async def test_cli_import_a_2027_pack_for_every_server(db_url, tmp_path, repo):
    pack = tmp_path / "2027.toml"
    pack.write_text(pack_2027(deferral_limit_402g=25000, annual_additions_415c=74000))
    dry = cli(db_url, "import", str(pack), "--dry-run")
    assert dry.returncode == 0 and "13 difference(s)" in dry.stdout and "Dry run: nothing written" in dry.stdout
    assert await repo.history(OPERATOR_GUILD) == []
    done = cli(db_url, "import", str(pack), "--note", "Notice 2026-99 published")
    assert done.returncode == 0, done.stderr
    history = await repo.history(OPERATOR_GUILD, limit=50)
    assert len(history) == 13 and {c.actor_id for c in history} == {0}
    assert {c.note for c in history} == {"Notice 2026-99 published"}
    year = (await GuildFacts(repo).get(12345)).year(2027)
    assert year.value("annual_additions_415c") == 74000 and year["annual_additions_415c"].origin == "operator"
    listing = cli(db_url, "list")
    assert listing.returncode == 0
    assert any(
        line.split()[:3] == ["annual_additions_415c", "74,000", "operator"] for line in listing.stdout.splitlines()
    )
    assert any(
        line.split()[:3] == ["annual_additions_415c", "72,000", "bundled"] for line in listing.stdout.splitlines()
    )
    again = cli(db_url, "import", str(pack))
    assert again.returncode == 0 and "nothing to import" in again.stdout


async def test_cli_refuses_a_bad_pack_and_a_jump_without_yes(db_url, tmp_path, repo):
    bad = tmp_path / "bad.toml"
    bad.write_text(pack_2027(ira_catch_up=9000))  # within the sane range, but +718 % on 2026's 1,100
    refused = cli(db_url, "import", str(bad))
    assert refused.returncode == 1 and "IRA catch-up, age 50+: 1,100 → 9,000 (+718.2%)" in refused.stderr
    assert "--yes" in refused.stderr
    hostile = tmp_path / "hostile.toml"
    hostile.write_text(pack_2027().replace(f'url = "{NOTICE}"', 'url = "https://evil.example/n.pdf"', 1))
    refused = cli(db_url, "import", str(hostile), "--yes")
    assert refused.returncode == 1
    assert "figures.deferral_limit_402g.url: evil.example is not a trusted source" in refused.stderr
    assert await repo.history(OPERATOR_GUILD) == []
    assert cli(db_url, "import", str(hostile), "--yes", "--dry-run").returncode == 1  # --yes is no way round it
    env_ok = cli(db_url, "import", str(hostile), "--dry-run", TRUSTED_SOURCE_HOSTS="evil.example")
    assert env_ok.returncode == 0 and "13 difference(s)" in env_ok.stdout
    accepted = cli(db_url, "import", str(bad), "--yes")
    assert accepted.returncode == 0, accepted.stderr
    assert len(await repo.history(OPERATOR_GUILD, limit=50)) == 13


@pytest.mark.parametrize(
    "text, words",
    [
        ("year = 2027\n" + "x." * 30000 + "y = 1\n", "hostile.toml: line 2 is longer than 2000 characters"),
        ("year = 2027\nx = " + "[\n" * 3000 + "]\n" * 3000, "hostile.toml: nested more than 4 levels deep at line 6"),
        (
            pack_2027().replace("value = 7500,", "value = 1e30,"),
            "figures.ira_limit.value: is far outside the range of any IRS figure",
        ),
        (pack_2027().replace("value = 7500,", "value = nan,"), "figures.ira_limit.value: must be a finite number"),
        (
            pack_2027().replace('title = "IRS Notice 2026-99"', 'title = "IRS Notice \u202e99-6202"', 1),
            "title: must not contain invisible or text-direction characters",
        ),
    ],
)
def test_cli_refuses_a_hostile_pack_in_one_line_without_a_traceback(sqlite_url, tmp_path, text, words):
    hostile = tmp_path / "hostile.toml"
    hostile.write_text(text)
    refused = cli(sqlite_url, "import", str(hostile))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("facts import: refused, nothing written: ") and words in refused.stderr


def test_cli_imports_a_partial_year_as_a_draft_and_lists_it(sqlite_url, tmp_path):
    partial = tmp_path / "2027.toml"
    partial.write_text("\n".join(line for line in pack_2027().splitlines() if not line.startswith("ira_limit")))
    imported = cli(sqlite_url, "import", str(partial))
    assert imported.returncode == 0, imported.stderr
    assert "2027 stays a draft (no answer uses it until complete); still missing: ira_limit" in imported.stdout
    listing = cli(sqlite_url, "list")
    assert "2027 (draft, not in force; still missing: ira_limit)" in listing.stdout


def test_cli_checks_the_size_before_reading(sqlite_url, tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 5_000_000)
    refused = cli(sqlite_url, "import", str(big))
    assert refused.returncode == 1 and "4883 KB is too big for a fact pack (at most 64 KB)" in refused.stderr
    endless = cli(sqlite_url, "import", "/dev/zero")  # no size to check: the read itself is bounded
    assert endless.returncode == 1 and "/dev/zero: more than 64 KB" in endless.stderr


async def test_sqlite_bot_notices_an_operator_import_without_a_restart(sqlite_url, tmp_path):
    repo = await open_repository(sqlite_url)
    try:
        facts = GuildFacts(repo)
        facts.check_every = 3600  # only the explicit checks below
        heard = []
        facts.on_external_change.append(lambda: heard.append(1))
        assert 2027 not in (await facts.get(5)).years  # cached, and the file's version noted
        assert await facts.check_external_writes() is False
        pack = tmp_path / "2027.toml"
        pack.write_text(pack_2027())
        assert cli(sqlite_url, "import", str(pack)).returncode == 0
        assert 2027 not in (await facts.get(5)).years  # still the cached copy…
        assert await facts.check_external_writes() is True  # …until the data version moved
        assert heard == [1]
        assert (await facts.get(5)).year(2027)["deferral_limit_402g"].origin == "operator"
        facts.check_every = 0  # every answer checks: a second import is seen by the next get()
        pack.write_text(pack_2027(ira_limit=8000))
        assert cli(sqlite_url, "import", str(pack)).returncode == 0
        assert (await facts.get(5)).year(2027).value("ira_limit") == 8000
    finally:
        await repo.close()


async def test_cli_list_shows_where_each_figure_comes_from_for_a_server(db_url, repo):
    facts = GuildFacts(repo)
    await repo.change_facts(
        OPERATOR_GUILD, [write(2026, "ira_limit", 8000)], 0, await facts.validator_for(OPERATOR_GUILD)
    )
    await repo.change_fact(
        5, 2026, "hce_threshold_414q", Decimal(165000), "IRS x", NOTICE, None, 9, await facts.validator_for(5)
    )
    rows = {tuple(line.split()[:3]) for line in cli(db_url, "list", "--guild", "5").stdout.splitlines()}
    assert {
        ("ira_limit", "8,000", "operator"),
        ("hce_threshold_414q", "165,000", "this"),
        ("deferral_limit_402g", "24,500", "bundled"),
    } <= rows
    everyone = {tuple(line.split()[:3]) for line in cli(db_url, "list").stdout.splitlines()}
    assert ("hce_threshold_414q", "160,000", "bundled") in everyone
