"""Shared fixtures. `simcord_bot` builds the real bot through create_bot() on a temporary SQLite file."""

from __future__ import annotations

import os
import uuid

import pytest
import pytest_asyncio

from bot import create_bot
from bot.settings import Settings


def make_settings(**overrides) -> Settings:
    # _env_file=None: a developer's .env never leaks into the tests.
    return Settings(_env_file=None, discord_token=None, **overrides)


PG_ENV = "ROTH_ROOM_TEST_POSTGRES"
PG_MISSING = (
    f"PostgreSQL half skipped: {PG_ENV} is not set. `source .ci/postgres.sh` starts a throwaway server and sets it "
    "(CI always runs this half)."
)


def with_database(url: str, name: str) -> str:
    base, _, _old = url.rpartition("/")
    return f"{base}/{name}"


@pytest_asyncio.fixture
async def pg_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    admin = os.environ.get(PG_ENV)
    if not admin:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{PG_ENV} must be set in CI (.ci/run sources .ci/postgres.sh)")
        pytest.skip(PG_MISSING)
    import asyncpg

    name = f"rr_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield with_database(admin, name)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'roth-room.db'}"


@pytest.fixture
def db_url(sqlite_url) -> str:
    """SQLite here; storage and end-to-end tests override it to run on both backends."""
    return sqlite_url


@pytest.fixture(params=["sqlite", "postgres"])
def both_backends(request) -> str:
    """A database URL for each backend: the same test runs on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest_asyncio.fixture
async def simcord_bot(db_url):
    bot = create_bot(make_settings(), database_url=db_url)
    yield bot
    # SimCord never calls bot.close(); close storage so aiosqlite's worker thread ends with the test.
    await bot.close_storage()
