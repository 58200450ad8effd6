"""Messages an operator gets when the set-up is wrong name the cause and the fix, and the deploy files do not need
what a fresh clone lacks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def unwritable(tmp_path):
    """A folder this process may not write: read-only for an ordinary user; immutable for root, whom permissions do
    not stop (as a bind-mounted host folder owned by another user stops the container's uid 10001)."""
    folder = tmp_path / "data"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"running as root and chattr +i is refused here ({made.stderr.strip()}): no unwritable folder")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_data_folder_the_bot_may_not_write_names_the_user_and_the_chown(unwritable, tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    environ.update(
        DISCORD_TOKEN="never-used", DATABASE_URL=f"sqlite:///{unwritable / 'roth-room.db'}", PYTHONPATH=str(ROOT)
    )
    out = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 3, out.stderr  # storage unusable, before any network
    assert f"cannot create the database file {unwritable / 'roth-room.db'}" in out.stderr
    assert f"This process runs as uid {os.getuid()}, which may not write {unwritable}" in out.stderr
    assert f"`chown -R {os.getuid()}:{os.getgid()} {unwritable}`" in out.stderr


def test_compose_starts_without_a_dotenv_file_and_the_bot_then_says_what_is_missing():
    # `docker compose up` with no ../.env would refuse to start at all; the bot's own guidance is more useful.
    for name in ("compose.yaml", "compose.postgres.yaml"):
        text = (ROOT / "deploy" / name).read_text()
        assert "env_file: ../.env" not in text, name
        assert re.search(r"- path: \.\./\.env\n +required: false\n", text), name


def test_the_dockerfile_takes_the_base_image_as_a_build_argument_and_the_docs_say_so():
    assert "ARG PYTHON_IMAGE=" in (ROOT / "deploy" / "Dockerfile").read_text()
    assert "--build-arg PYTHON_IMAGE=" in (ROOT / "docs" / "operators" / "deploy.md").read_text()
