#!/usr/bin/env bash
# Refresh the lock: uv.lock (every platform in pyproject's [tool.uv] environments, with the
# hash of every wheel) and the hashed requirement files that .ci/run, build.sh and build.ps1
# install with plain pip (`pip install --require-hashes -r …`), so no build needs uv.
#   installer/lock.sh              re-resolve only what pyproject.toml's ranges now require
#   installer/lock.sh --upgrade    take the newest releases the ranges allow
# uv comes from PyPI: `.venv/bin/pip install uv` (or UV=/path/to/uv installer/lock.sh).
# tests/installer/test_lock.py fails when these files disagree with pyproject.toml or uv.lock.
set -euo pipefail
cd "$(dirname "$0")/.."

UV="${UV:-}"
if [ -z "$UV" ]; then
  if [ -x .venv/bin/uv ]; then UV=.venv/bin/uv; else UV=uv; fi
fi

"$UV" lock "$@"
for extra in test build; do
  "$UV" export --frozen --no-dev --no-emit-project --extra "$extra" \
    --output-file "installer/requirements-$extra.txt" >/dev/null
done
echo "uv.lock, installer/requirements-test.txt and installer/requirements-build.txt written"
