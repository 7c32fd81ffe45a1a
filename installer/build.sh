#!/usr/bin/env bash
# Build the one-folder bundle dist/Tsunagu (Linux or macOS) with PyInstaller.
#   installer/build.sh            uses .venv (created when missing)
#   PYTHON=/path/python installer/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PYTHON:-}" ]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  PYTHON=.venv/bin/python
fi

# The program, its run-time dependencies, and PyInstaller (the "build" extra).
"$PYTHON" -m pip install -q -e ".[build]"

rm -rf dist/Tsunagu
"$PYTHON" -m PyInstaller --noconfirm --clean \
  --distpath dist --workpath build/pyinstaller installer/tsunagu.spec

echo "Bundle: dist/Tsunagu ($(du -sh dist/Tsunagu | cut -f1))"
