"""Schema migrations, one ordered list for every backend: (version, SQLite SQL, PostgreSQL SQL)."""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        """
        CREATE TABLE profiles (
            user_id INTEGER PRIMARY KEY,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
        """
        CREATE TABLE profiles (
            user_id BIGINT PRIMARY KEY,
            data TEXT NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL
        );
        """,
    ),
    (
        2,
        """
        CREATE TABLE fact_changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            guild_id INTEGER NOT NULL,
            year INTEGER NOT NULL,
            figure TEXT NOT NULL,
            old_value TEXT,
            old_title TEXT,
            old_url TEXT,
            old_note TEXT,
            old_by INTEGER,
            old_at TEXT,
            new_value TEXT,
            title TEXT,
            url TEXT,
            note TEXT,
            actor_id INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            reverts INTEGER REFERENCES fact_changes(id)
        );
        CREATE INDEX fact_changes_guild ON fact_changes (guild_id, year, figure, id);
        CREATE TABLE fact_overrides (
            guild_id INTEGER NOT NULL,
            year INTEGER NOT NULL,
            figure TEXT NOT NULL,
            value TEXT NOT NULL,
            title TEXT NOT NULL,
            url TEXT NOT NULL,
            note TEXT,
            updated_by INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            change_id INTEGER NOT NULL REFERENCES fact_changes(id),
            PRIMARY KEY (guild_id, year, figure)
        );
        CREATE TABLE guild_settings (
            guild_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (guild_id, key)
        );
        """,
        """
        CREATE TABLE fact_changes (
            id BIGSERIAL PRIMARY KEY,
            guild_id BIGINT NOT NULL,
            year INTEGER NOT NULL,
            figure TEXT NOT NULL,
            old_value NUMERIC,
            old_title TEXT,
            old_url TEXT,
            old_note TEXT,
            old_by BIGINT,
            old_at TIMESTAMPTZ,
            new_value NUMERIC,
            title TEXT,
            url TEXT,
            note TEXT,
            actor_id BIGINT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            reverts BIGINT REFERENCES fact_changes(id)
        );
        CREATE INDEX fact_changes_guild ON fact_changes (guild_id, year, figure, id);
        CREATE TABLE fact_overrides (
            guild_id BIGINT NOT NULL,
            year INTEGER NOT NULL,
            figure TEXT NOT NULL,
            value NUMERIC NOT NULL,
            title TEXT NOT NULL,
            url TEXT NOT NULL,
            note TEXT,
            updated_by BIGINT NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            change_id BIGINT NOT NULL REFERENCES fact_changes(id),
            PRIMARY KEY (guild_id, year, figure)
        );
        CREATE TABLE guild_settings (
            guild_id BIGINT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (guild_id, key)
        );
        """,
    ),
    (
        3,
        # Profile versions for the caches (bot/storage/cache.py): every write, deletes included, takes the next
        # value of one database-wide counter, so a member's newer state always has the higher version.
        """
        ALTER TABLE profiles ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE profile_clock (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
        INSERT INTO profile_clock (id, value) VALUES (1, 0);
        """,
        """
        ALTER TABLE profiles ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
        CREATE SEQUENCE profile_versions;
        """,
    ),
]

LATEST = MIGRATIONS[-1][0]
