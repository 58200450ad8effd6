"""The SQLite file deleted under the running bot: members are told nothing was saved, never "Saved"."""

from __future__ import annotations

import logging
import os

import pytest


@pytest.fixture
def db_url(sqlite_url) -> str:
    return sqlite_url  # only SQLite has a file to lose


async def test_profile_set_after_the_file_vanished_says_nothing_was_saved(world, caplog):
    await world.alice.slash(world.channel, "profile set", compensation="100000")
    os.unlink(world.db_url.removeprefix("sqlite:///"))
    with caplog.at_level(logging.ERROR):
        result = await world.alice.slash(world.channel, "profile set", compensation="120000")
    assert result.response.content == "The bot's database is unavailable; nothing was saved — try again in a minute."
    assert [type(e).__name__ for e in world.acknowledge_errors()] == ["StorageError"]
    assert any("was deleted while the bot was running" in r.getMessage() for r in caplog.records)
    assert all(r.exc_info is None for r in caplog.records if r.name == "bot.errors")  # one line, no traceback
    shown = await world.alice.slash(world.channel, "profile show")
    assert "$100,000" in shown.response.embeds[0].description  # not the refused 120,000
