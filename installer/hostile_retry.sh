#!/usr/bin/env bash
# Hostile retry (issue 11.2-3): aim bad values at each command; each must exit 1 with one line
# on stderr, never a crash report. same=y: the database file is byte-identical (a refusal
# after log-in still changes it: opening records the log-in). Usage: installer/hostile_retry.sh [PYTHON]
set -u
PY=${1:-/work/main/.venv/bin/python}
cd "$(dirname "$0")/.."
W=$(mktemp -d)
export TSUNAGU_LANG=en TSUNAGU_TEST_FAST_KDF=1 TSUNAGU_USER=coord TSUNAGU_PASSPHRASE=correct-horse-9
export XDG_DATA_HOME=$W/data XDG_CONFIG_HOME=$W/cfg XDG_STATE_HOME=$W/state XDG_CACHE_HOME=$W/cache
DB=$W/demo.sqlite
$PY main.py --db "$DB" demo >/dev/null 2>&1 || { echo "demo failed"; exit 2; }
BAD=$'\xff\xfe'
printf 'a,b\n' >"$W/ok.csv"
printf '姓,名,備考\n山田,太郎,x\n' >"$W/nul.csv"; printf '\x00' >>"$W/nul.csv"
printf '姓,名\n\xe2\x80\xae山田,太郎\n' >"$W/bidi.csv"
"$PY" - "$W" <<'PYEOF'
import sys, zipfile
w = sys.argv[1]
with zipfile.ZipFile(f"{w}/bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("xl/worksheets/sheet1.xml", "<" + " " * (300 * 1024 * 1024) + "/>")
open(f"{w}/long.csv", "w", encoding="utf-8").write("姓,名,備考\n山田,太郎," + "x" * 40000 + "\n")
open(f"{w}/wide.csv", "w", encoding="utf-8").write("姓,名," + ",".join(f"c{i}" for i in range(300)) + "\n")
open(f"{w}/events.csv", "w", encoding="utf-8").write("kind,title,capacity,fee\nlecture,T,99999999999999999999999,5\n")
open(f"{w}/events2.csv", "w", encoding="utf-8").write("kind,title,capacity,fee\nlecture,T,5,-3\n")
open(f"{w}/events3.csv", "w", encoding="utf-8").write("kind,title,capacity,fee\nlecture,T,1e400,5\n")
PYEOF
sha() { sha256sum "$DB" | cut -c1-64; }
pass=0; fail=0
try() {
  local before after code lines
  before=$(sha)
  "$PY" main.py --db "$DB" "$@" >"$W/out" 2>"$W/err"; code=$?
  after=$(sha); lines=$(grep -c . "$W/err")
  if [[ $code == 1 && $lines == 1 ]] && ! grep -q "Unexpected error" "$W/err"; then pass=$((pass+1)); s=ok; else fail=$((fail+1)); s=FAIL; fi
  printf '%-4s exit=%s lines=%s same=%s  %q\n      %s\n' "$s" "$code" "$lines" "$([[ $before == "$after" ]] && echo y || echo n)" "$*" "$(head -c 160 "$W/err" | head -1)"
}
for fy in 0 -5 10000 99999999999999999999 1e400 nan "$BAD"; do
  try events list --fiscal-year "$fy"
  try reports stats --fiscal-year "$fy" -o "$W/s.xlsx"
  try print annual-report --fiscal-year "$fy" -o "$W/a.pdf"
done
for n in -1 0 18446744073709551616 1e400 nan "$BAD"; do try audit --limit "$n"; done
try members list --search "$BAD"
try members list --chapter "$BAD"
try events show "$BAD"
try events list --chapter "$BAD"
try visits due --chapter "$BAD"
try print flyer "$BAD" -o "$W/f.pdf"
try print flyer "$(printf 'x\x01y')" -o "$W/f.pdf"
try print visit-forms --volunteer "$BAD" -o "$W/v.pdf"
try members export "$W/$BAD.csv"
try members import "$W/$BAD.csv"
try members import "$W/nul.csv"
try members import "$W/bidi.csv"
try members import "$W/bomb.xlsx"
try members import "$W/long.csv"
try members import "$W/wide.csv"
try events import "$W/events.csv"
try events import "$W/events2.csv"
try events import "$W/events3.csv"
try events import "$W/nul.csv"
try events import "$W/bomb.xlsx"
try backup -o "$W/$BAD.bak"
try sync export -o "$W/$BAD.pkg"
try users add "$BAD"
try users add "$(printf 'Eve\u202e')"
TSUNAGU_USER=$BAD try members list
TSUNAGU_PASSPHRASE=$BAD try members list
echo "passed $pass, failed $fail"
rm -rf "$W"
