"""Shared fixtures. `simcord_bot` builds the real bot through create_bot() on a temporary SQLite file."""

from __future__ import annotations

import pytest
import pytest_asyncio

from bot import create_bot
from bot.settings import Settings


def make_settings(**overrides) -> Settings:
    # _env_file=None: a developer's .env never leaks into the tests.
    return Settings(_env_file=None, discord_token=None, **overrides)


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'roth-room.db'}"


@pytest_asyncio.fixture
async def simcord_bot(db_url):
    bot = create_bot(make_settings(), database_url=db_url)
    yield bot
    # SimCord never calls bot.close(); close storage so aiosqlite's worker thread ends with the test.
    await bot.close_storage()
