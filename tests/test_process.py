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
    return subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120
    )


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
        run = subprocess.run(
            [sys.executable, "-m", "bot", "migrate-data", "--to", target],
            cwd=tmp_path,
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == code, run.stderr
        assert "s3cret" not in run.stderr + run.stdout and "Traceback" not in run.stderr


def test_version(tmp_path):
    from bot.version import __version__

    out = subprocess.run(
        [sys.executable, "-m", "bot", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert out.returncode == 0 and out.stdout.strip() == f"roth-room {__version__}"


def test_pool_size_from_dot_env_is_checked(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_POOL_SIZE=abc\n")
    out = run_bot(tmp_path)
    assert out.returncode == 5 and "Configuration error: DATABASE_POOL_SIZE" in out.stderr
    assert "Traceback" not in out.stderr
    (tmp_path / ".env").write_text("DATABASE_POOL_SIZE=0\n")
    out = run_bot(tmp_path)
    assert out.returncode == 5 and "DATABASE_POOL_SIZE: Input should be greater than or equal to 1" in out.stderr


def test_pool_size_reaches_the_postgres_pool(tmp_path):
    from bot.settings import Settings

    (tmp_path / ".env").write_text("DATABASE_POOL_SIZE=3\n")
    assert Settings(_env_file=tmp_path / ".env").database_pool_size == 3


def test_no_token_guidance_in_the_container_names_commands_that_exist_there(tmp_path):
    out = run_bot(tmp_path, ROTH_ROOM_CONTAINER="1")
    assert out.returncode == 2
    assert "./scripts/run" not in out.stderr
    assert "docker compose -f deploy/compose.yaml run --rm bot console" in out.stderr
    # The service is called bot in both compose files, and the image's entry point takes `console`.
    for compose in ("compose.yaml", "compose.postgres.yaml"):
        assert "\n  bot:\n" in (ROOT / "deploy" / compose).read_text()
    assert 'ENTRYPOINT ["python", "-m", "bot"]' in (ROOT / "deploy" / "Dockerfile").read_text()


def test_operator_exit_codes_wait_instead_of_spinning_and_sigterm_ends_the_wait(tmp_path):
    import signal

    environ = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    environ.update(PYTHONPATH=str(ROOT), ROTH_ROOM_FATAL_WAIT="600")
    proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=tmp_path, env=environ, stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if "needs an operator" in line:
                break
        assert "Exit code 2 needs an operator: waiting 600 s" in "".join(seen)
        assert proc.poll() is None  # still waiting, not exited (so no restart loop)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 2
    finally:
        proc.kill()
        proc.stderr.close()


def test_health_command_reads_the_heartbeat_file(tmp_path):
    beat = tmp_path / "heartbeat"

    def health(*args):
        return subprocess.run(
            [sys.executable, "-m", "bot", "health", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "HEARTBEAT_FILE": str(beat)},
            timeout=60,
        )

    out = health()
    assert out.returncode == 1 and "no heartbeat at" in out.stderr
    beat.write_text("ok servers=3 latency_ms=41\n")
    out = health()
    assert out.returncode == 0 and out.stdout.startswith("healthy: heartbeat ")
    assert out.stdout.rstrip().endswith("s ago, ok servers=3 latency_ms=41")
    old = beat.stat().st_mtime - 3600
    os.utime(beat, (old, old))
    out = health()
    assert out.returncode == 1 and out.stderr.startswith("heartbeat is 36") and "s old (limit 60 s)" in out.stderr
    assert health("--max-age", "86400").returncode == 0
