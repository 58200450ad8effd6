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

# 4: one name per idea in saved profiles (after_tax_contributed → ytd_after_tax, pay_periods_remaining →
# paychecks_left), and the paystub's figures tied to the year they were saved in (paystub_year). A profile holding
# both after-tax fields keeps the paystub's (ytd_after_tax), the newer of the two ideas.
MIGRATIONS.append(
    (
        4,
        """
        UPDATE profiles
            SET data = json_set(data, '$.ytd_after_tax', json_extract(data, '$.after_tax_contributed'))
            WHERE json_extract(data, '$.after_tax_contributed') IS NOT NULL
              AND json_extract(data, '$.ytd_after_tax') IS NULL;
        UPDATE profiles
            SET data = json_set(data, '$.paychecks_left', json_extract(data, '$.pay_periods_remaining'))
            WHERE json_extract(data, '$.pay_periods_remaining') IS NOT NULL;
        UPDATE profiles SET data = json_remove(data, '$.after_tax_contributed', '$.pay_periods_remaining');
        UPDATE profiles
            SET data = json_set(data, '$.paystub_year', CAST(substr(updated_at, 1, 4) AS INTEGER))
            WHERE json_extract(data, '$.paystub_year') IS NULL
              AND (json_extract(data, '$.ytd_deferrals') IS NOT NULL OR json_extract(data, '$.ytd_employer') IS NOT NULL
                   OR json_extract(data, '$.ytd_after_tax') IS NOT NULL
                   OR json_extract(data, '$.paychecks_left') IS NOT NULL);
        """,
        """
        UPDATE profiles
            SET data = (data::jsonb
                || jsonb_build_object('ytd_after_tax', data::jsonb -> 'after_tax_contributed'))::text
            WHERE data::jsonb ? 'after_tax_contributed' AND NOT data::jsonb ? 'ytd_after_tax';
        UPDATE profiles
            SET data = (data::jsonb
                || jsonb_build_object('paychecks_left', data::jsonb -> 'pay_periods_remaining'))::text
            WHERE data::jsonb ? 'pay_periods_remaining';
        UPDATE profiles SET data = (data::jsonb - 'after_tax_contributed' - 'pay_periods_remaining')::text;
        UPDATE profiles
            SET data = (data::jsonb || jsonb_build_object('paystub_year', extract(year FROM updated_at)::int))::text
            WHERE NOT data::jsonb ? 'paystub_year'
              AND data::jsonb ?| array['ytd_deferrals', 'ytd_employer', 'ytd_after_tax', 'paychecks_left'];
        """,
    )
)

LATEST = MIGRATIONS[-1][0]
