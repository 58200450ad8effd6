"""`python -m bot` as an operator runs it: no token, or a database it cannot open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_bot(tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    environ.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=environ, capture_output=True, text=True,
                          timeout=120)


def test_no_token_prints_guidance_and_exits_non_zero(tmp_path):
    out = run_bot(tmp_path)
    assert out.returncode == 2
    assert "DISCORD_TOKEN" in out.stderr and "discord.com/developers/applications" in out.stderr
    assert "console" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_unreachable_database_says_so(tmp_path):
    (tmp_path / "blocker").write_text("a file where a folder should be")
    out = run_bot(tmp_path, DISCORD_TOKEN="x" * 60, DATABASE_URL=f"sqlite:///{tmp_path}/blocker/sub/db.sqlite")
    assert out.returncode == 3, out.stderr
    assert "Cannot start: cannot create the database folder" in out.stderr
    assert "Traceback" not in out.stderr


def test_bad_setting_is_a_clear_configuration_error(tmp_path):
    out = run_bot(tmp_path, LOG_LEVEL="LOUD")
    assert out.returncode == 5 and "LOG_LEVEL" in out.stderr and "Traceback" not in out.stderr


def test_unreachable_postgres_says_so_without_the_password(tmp_path):
    out = run_bot(tmp_path, DISCORD_TOKEN="x" * 60, DATABASE_URL="postgresql://rothroom:s3cret@127.0.0.1:1/rothroom")
    assert out.returncode == 3, out.stderr  # systemd and compose restart on 3: the database may be starting
    assert "cannot connect to PostgreSQL at postgresql://rothroom:***@127.0.0.1:1/rothroom" in out.stderr
    assert "s3cret" not in out.stderr and "Traceback" not in out.stderr


def test_shard_settings_are_checked(tmp_path):
    out = run_bot(tmp_path, SHARD_COUNT="2", SHARD_IDS="0,2")
    assert out.returncode == 5 and "SHARD_IDS must be distinct numbers from 0 to 1" in out.stderr
    out = run_bot(tmp_path, SHARD_IDS="1")
    assert out.returncode == 5 and "SHARD_IDS needs SHARD_COUNT" in out.stderr


def test_malformed_database_urls_are_bad_settings_without_the_password(tmp_path):
    for url, says in [
        ("postgresql://rothroom:s3cret@db.example:99999/rr", "the port must be a number"),
        ("postgresql://rothroom:s3cret@::1:5432/rr", "IPv6 address must be in brackets"),
        ("postgresql://rothroom:s3cret@[::1/rr", "IPv6 address must be in brackets"),
        ("mysql://rothroom:s3cret@db.example/rr", "is not supported"),
    ]:
        out = run_bot(tmp_path, DISCORD_TOKEN="x" * 60, DATABASE_URL=url)
        assert out.returncode == 5, (url, out.stderr)
        assert says in out.stderr and "rothroom:***@" in out.stderr
        assert "s3cret" not in out.stderr + out.stdout and "Traceback" not in out.stderr


def test_query_string_passwords_are_redacted_in_start_up_and_migrate_data_errors(tmp_path):
    url = "postgresql://rothroom@127.0.0.1:1/rr?sslmode=disable&password=s3cret"
    out = run_bot(tmp_path, DISCORD_TOKEN="x" * 60, DATABASE_URL=url)
    assert out.returncode == 3 and "password=***" in out.stderr and "s3cret" not in out.stderr
    environ = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    environ.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite")
    for target, code in [(url, 3), ("mysql://u:s3cret@h/db", 5), ("postgresql://u:s3cret@h:0x1/db", 5)]:
        run = subprocess.run([sys.executable, "-m", "bot", "migrate-data", "--to", target], cwd=tmp_path,
                             env=environ, capture_output=True, text=True, timeout=120)
        assert run.returncode == code, run.stderr
        assert "s3cret" not in run.stderr + run.stdout and "Traceback" not in run.stderr
