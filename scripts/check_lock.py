"""Fail loudly when a lock file lacks (or pins outside the range of) something pyproject.toml asks for.

    python3 scripts/check_lock.py [requirements/runtime.txt | requirements/test.txt ...]   (default: both)

Run by scripts/_venv.sh before it installs, by scripts/lock after it writes, and by the tests: a dependency added
to pyproject.toml without re-running scripts/lock stops here with its name, not later as an ImportError.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # a bare interpreter: pip always carries a copy
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
# Which pyproject extras (and extra input files) each lock file covers; scripts/lock writes them so.
LOCKS = {
    "requirements/runtime.txt": (["postgres"], []),
    "requirements/test.txt": (["postgres", "test", "docs"], ["requirements/build.in"]),
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def pins(lock: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for line in lock.read_text().splitlines():
        if m := PIN.match(line):
            found.setdefault(canonicalize_name(m[1]), set()).add(m[2])
    return found


def wanted(extras: list[str], inputs: list[str], root: Path = ROOT) -> list[Requirement]:
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    lines = list(project.get("dependencies", []))
    for extra in extras:
        lines += project.get("optional-dependencies", {}).get(extra, [])
    for name in inputs:
        lines += [s for s in (ln.split("#", 1)[0].strip() for ln in (root / name).read_text().splitlines()) if s]
    reqs = [Requirement(line) for line in lines]
    # Only what applies to the Python we deploy on (3.11, Linux).
    env = {
        "python_version": "3.11",
        "python_full_version": "3.11.0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "extra": "",
    }
    return [r for r in reqs if r.marker is None or r.marker.evaluate(env)]


def problems(lock_name: str, root: Path = ROOT) -> list[str]:
    extras, inputs = LOCKS[lock_name]
    lock = root / lock_name
    if not lock.exists():
        return [f"{lock_name} is missing"]
    have = pins(lock)
    out = []
    for req in wanted(extras, inputs, root):
        versions = have.get(canonicalize_name(req.name))
        if not versions:
            out.append(f"{lock_name} lacks {req.name} (pyproject asks for {req})")
        elif not any(req.specifier.contains(v, prereleases=True) for v in versions):
            out.append(f"{lock_name} pins {req.name}=={', '.join(sorted(versions))}, outside {req}")
    return out


def main(argv: list[str]) -> int:
    found = [p for name in (argv or list(LOCKS)) for p in problems(name)]
    for p in found:
        print(f"check_lock: {p}", file=sys.stderr)
    if found:
        print("check_lock: the lock files are out of date: run scripts/lock and commit requirements/", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
