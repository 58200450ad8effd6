"""The lock files cover everything pyproject.toml asks for, and scripts/check_lock.py says so when they do not."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import check_lock  # noqa: E402


def test_both_lock_files_pin_every_dependency_within_its_range():
    assert check_lock.problems("requirements/runtime.txt") == []
    assert check_lock.problems("requirements/test.txt") == []


def test_every_pin_has_hashes():
    for name in check_lock.LOCKS:
        text = (ROOT / name).read_text()
        blocks = [b for b in text.split("\n") if "==" in b and not b.startswith("#")]
        assert blocks and all(line.rstrip().endswith("\\") for line in blocks)  # each pin continues with hashes
        assert text.count("--hash=sha256:") >= len(blocks)


def test_a_dependency_missing_from_the_lock_is_named(tmp_path):
    for name in ("pyproject.toml", "requirements/build.in", "requirements/runtime.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    pyproject = tmp_path / "pyproject.toml"
    added = "a-dependency-nobody-locked>=1.0,<2"  # a helper adds a library and forgets scripts/lock
    pyproject.write_text(pyproject.read_text().replace("dependencies = [\n", f'dependencies = [\n    "{added}",\n'))
    assert check_lock.problems("requirements/runtime.txt", tmp_path) == [
        "requirements/runtime.txt lacks a-dependency-nobody-locked "
        "(pyproject asks for a-dependency-nobody-locked<2,>=1.0)"
    ]
    pyproject.write_text(pyproject.read_text().replace(f'"{added}"', '"babel>=99"'))
    assert check_lock.problems("requirements/runtime.txt", tmp_path)[0].startswith(
        "requirements/runtime.txt pins babel=="
    )
