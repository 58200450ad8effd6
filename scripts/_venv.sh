# Shared by scripts/run, scripts/test and .ci/run: a project virtual environment with exactly the locked
# dependencies (requirements/*.txt, hashes checked), reinstalled whenever the lock or pyproject.toml changes.
# `source scripts/_venv.sh test` for the test lock; anything else gets the runtime lock (bot + postgres).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
extra="${1:-}"
lock=requirements/runtime.txt
[ "$extra" = test ] && lock=requirements/test.txt
stamp=".venv/.installed${extra:+-$extra}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
want="$(cat "$lock" pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  echo "Installing Roth Room into .venv from $lock ..." >&2
  # A dependency in pyproject.toml but not in the lock stops here, by name (re-run scripts/lock).
  .venv/bin/python scripts/check_lock.py "$lock"
  # --require-hashes: every package, dependencies included, must be pinned with a matching hash in the lock.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
  # The project itself, without touching what the lock installed (the build tools come from the lock too when
  # it has them; otherwise pip fetches setuptools for the build only).
  isolation=()
  grep -q '^setuptools==' "$lock" && isolation=(--no-build-isolation)
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps "${isolation[@]}" -e .
  echo "$want" > "$stamp"
fi
