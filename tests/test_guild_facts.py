"""Each server's fact base: its overrides layered over the bundle, cached, invalidated, and robust."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.facts import GuildFacts
from bot.storage import open_repository
from knowledge.errors import FactDataError

URL = "https://www.irs.gov/pub/irs-drop/n-26-99.pdf"


@pytest.fixture
async def repo(db_url):
    r = await open_repository(db_url)
    yield r
    await r.close()


async def test_overrides_apply_to_their_server_after_invalidation(repo):
    facts = GuildFacts(repo)
    assert (await facts.get(1)).year(2026).value("deferral_limit_402g") == 24500
    await repo.change_fact(
        1, 2026, "deferral_limit_402g", Decimal(25000), "IRS Notice 2026-99", URL, None, 7, facts.validator()
    )
    assert (await facts.get(1)).year(2026).value("deferral_limit_402g") == 24500  # cached until invalidated
    facts.invalidate(1)
    fig = (await facts.get(1)).year(2026)["deferral_limit_402g"]
    assert fig.value == 25000 and fig.origin == "server" and fig.updated_by == 7
    assert (await facts.get(2)).year(2026).value("deferral_limit_402g") == 24500
    assert (await facts.get(None)).year(2026).value("deferral_limit_402g") == 24500


async def test_the_validator_refuses_inconsistent_overrides(repo):
    facts = GuildFacts(repo)
    with pytest.raises(FactDataError, match="415\\(c\\) must be above 402\\(g\\)"):
        await repo.change_fact(1, 2026, "deferral_limit_402g", Decimal(80000), "t-t", URL, None, 7, facts.validator())
    assert await repo.history(1) == []


async def test_an_override_that_no_longer_fits_is_skipped_not_fatal(repo, caplog):
    # Written when it fitted (no validation here), e.g. before a new bundled release moved the other figure.
    await repo.change_fact(1, 2026, "deferral_limit_402g", Decimal(80000), "t-t", URL, None, 7, lambda _: None)
    await repo.change_fact(1, 2026, "hce_threshold_414q", Decimal(165000), "t-t", URL, None, 7, lambda _: None)
    year = (await GuildFacts(repo).get(1)).year(2026)
    assert year.value("deferral_limit_402g") == 24500 and year.value("hce_threshold_414q") == 165000
    assert "skipping override 2026 deferral_limit_402g" in caplog.text


async def test_an_override_whose_link_is_no_longer_accepted_is_skipped_and_blocks_nothing(repo, caplog):
    # Stored before line breaks and quotes were refused in source links (no validation here).
    await repo.change_fact(
        1, 2026, "ira_limit", Decimal(8000), "t-t", URL + "\nhttps://evil.example", None, 7, lambda _: None
    )
    facts = GuildFacts(repo)
    assert (await facts.get(1)).year(2026).value("ira_limit") == 7500  # the bundled figure again
    assert "skipping override 2026 ira_limit" in caplog.text
    # and the server's next change is still accepted
    await repo.change_fact(
        1, 2026, "hce_threshold_414q", Decimal(165000), "t-t", URL, None, 7, await facts.validator_for(1)
    )
    facts.invalidate(1)
    assert (await facts.get(1)).year(2026).value("hce_threshold_414q") == 165000


async def test_simultaneous_misses_share_one_read_and_an_invalidation_starts_a_new_one(repo):
    import asyncio

    facts = GuildFacts(repo)
    reads: list[int] = []
    real = repo.list_overrides

    async def counted(guild_id):
        reads.append(guild_id)
        await asyncio.sleep(0.01)
        return await real(guild_id)

    repo.list_overrides = counted
    bases = await asyncio.gather(*(facts.get(1) for _ in range(100)))
    assert reads == [0, 1] and all(b is bases[0] for b in bases)  # the operator's figures, then the server's
    reads.clear()
    await repo.change_fact(
        1, 2026, "deferral_limit_402g", Decimal(25000), "IRS Notice 2026-99", URL, None, 7, facts.validator()
    )
    facts.invalidate(1)
    before = asyncio.ensure_future(facts.get(1))
    await asyncio.sleep(0)  # its read is under way
    facts.invalidate(1)  # a change lands meanwhile: later askers must not join the older read
    after = await facts.get(1)
    await before
    assert reads == [1, 1] and after.year(2026).value("deferral_limit_402g") == 25000
