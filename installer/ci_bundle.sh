#!/usr/bin/env bash
# CI: build the Linux one-folder bundle, print its size, and run it with --self-test.
# Exits non-zero when the build, the size goal or the self-test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
# The 150 MB goal is for the Windows folder (installer/estimate_windows_size.py puts it near
# 123 MB). The Linux folder measured 139 MB when this was written (desktop libraries left to
# the system, ICU's data slimmed); the limit is a guard about 12 % above that against a sudden
# growth, and the goal is reported beside it.
GOAL_MB=150
LIMIT_MB="${TSUNAGU_BUNDLE_LIMIT_MB:-155}"

installer/build.sh

bundle=dist/Tsunagu
size_kb=$(du -sk "$bundle" | cut -f1)
size_mb=$(( (size_kb + 1023) / 1024 ))
echo "Bundle size: ${size_mb} MB (${size_kb} KB) in ${bundle}; goal for Windows ${GOAL_MB} MB, limit here ${LIMIT_MB} MB"

# A private home so the self-test writes nothing into the CI user's folders.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state"
export XDG_CACHE_HOME="$home/cache"

start=$(date +%s%N)
"$bundle/Tsunagu" --self-test
echo "Self-test of the bundle: passed in $(( ($(date +%s%N) - start) / 1000000 )) ms"
"$bundle/Tsunagu" --smoke

if [ "$size_mb" -ge "$LIMIT_MB" ]; then
  echo "The bundle is ${size_mb} MB, over the ${LIMIT_MB} MB limit." >&2
  exit 1
fi
