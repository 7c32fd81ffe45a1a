#!/usr/bin/env bash
# Compile installer/tsunagu.iss with Inno Setup under wine, then install, check and uninstall the
# setup program silently in a throw-away wine prefix. Exits non-zero when any check fails.
#
#   TSUNAGU_ISCC=/path/to/ISCC.exe installer/check_windows_installer.sh [--bundle DIR] [--out DIR]
#                                                                         [--iss FILE]
#
# --bundle: the PyInstaller folder to pack (default dist/Tsunagu). It is copied first, so a rebuild
#   running at the same time does not matter. A Linux or macOS bundle stands in for the Windows one:
#   its launcher is copied as Tsunagu.exe (the setup program never runs it).
# --out: keep the setup program there (default: a temporary folder, removed at the end).
# --iss: another script to compile instead of installer/tsunagu.iss (the tests use a broken copy).
#
# Needs: wine with 32-bit support (Debian: dpkg --add-architecture i386; apt-get install wine wine32),
# Xvfb (xvfb-run) unless DISPLAY is set, and ISCC.exe from Inno Setup 6 with its Languages folder
# (for instance from the npm package innosetup-compiler: node_modules/innosetup-compiler/bin/ISCC.exe).
# Exit codes: 0 all checks passed, 1 a check failed, 2 a tool is missing.
#
# Wine 8 has no FOLDERID_UserProgramFiles, so a per-user install ({autopf} = %LOCALAPPDATA%\Programs)
# stops there with "Failed to expand shell folder constant". The checks therefore install for all
# users (/ALLUSERS); the per-user run is attempted too and reported as unverifiable when wine fails so.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUNDLE="$ROOT/dist/Tsunagu"
OUT=""
ISS="$ROOT/installer/tsunagu.iss"
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) BUNDLE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --iss) ISS="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    *) echo "usage: $0 [--bundle DIR] [--out DIR] [--iss FILE]" >&2; exit 2 ;;
  esac
done

missing() { echo "MISSING: $*" >&2; exit 2; }
command -v wine >/dev/null || missing "wine (apt-get install wine wine32)"
command -v winepath >/dev/null || missing "winepath (part of wine)"
[ -n "${TSUNAGU_ISCC:-}" ] || missing "TSUNAGU_ISCC, the path of Inno Setup's ISCC.exe"
[ -f "$TSUNAGU_ISCC" ] || missing "ISCC.exe at TSUNAGU_ISCC=$TSUNAGU_ISCC"
[ -d "$BUNDLE" ] || missing "the bundle folder $BUNDLE (installer/build.sh builds it)"

# Everything below runs inside one virtual display: Inno Setup creates (hidden) windows even when silent.
if [ -z "${DISPLAY:-}" ]; then
  command -v xvfb-run >/dev/null || missing "xvfb-run (apt-get install xvfb) or a DISPLAY"
  exec xvfb-run -a "$0" --bundle "$BUNDLE" --iss "$ISS" ${OUT:+--out "$OUT"}
fi

WORK="$(mktemp -d /tmp/tsunagu-iss-check.XXXXXX)"
export WINEPREFIX="$WORK/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# Wine links the prefix's Desktop and Documents to $HOME: keep them inside the work folder.
export HOME="$WORK/home"
mkdir -p "$HOME" "$WORK/out"
cleanup() { wineserver -k >/dev/null 2>&1; rm -rf "$WORK"; }
trap cleanup EXIT

FAILURES=0
ok() { echo "ok:   $*"; }
fail() { echo "FAIL: $*"; FAILURES=$((FAILURES + 1)); }
check() {  # check "what" command...
  local what="$1"; shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}
win() { winepath -w "$1" 2>/dev/null; }
seconds_since() { local ms=$((($(date +%s%N) - $1) / 1000000)); printf "%d.%01d" $((ms / 1000)) $((ms % 1000 / 100)); }
wine_quiet() { wine "$@" >>"$WORK/wine.out" 2>&1; local rc=$?; wineserver -w; return $rc; }

echo "== wine prefix ($(wine --version))"
wine_quiet wineboot -i || { echo "FAIL: wineboot"; exit 1; }
wine_quiet reg add 'HKCU\Software\Wine' /v Version /d win10 /f
C="$WINEPREFIX/drive_c"

# The bundle, copied; a non-Windows bundle gets its launcher as a stand-in Tsunagu.exe.
mkdir -p "$WORK/bundle"
cp -a "$BUNDLE" "$WORK/bundle/Tsunagu"
PAYLOAD="$WORK/bundle/Tsunagu"
if [ ! -f "$PAYLOAD/Tsunagu.exe" ]; then
  if [ -f "$PAYLOAD/Tsunagu" ]; then
    cp "$PAYLOAD/Tsunagu" "$PAYLOAD/Tsunagu.exe"
    echo "note: $BUNDLE is not a Windows bundle; its launcher stands in as Tsunagu.exe"
  else
    echo "FAIL: $BUNDLE has neither Tsunagu.exe nor Tsunagu"; exit 1
  fi
fi

VERSION="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$ROOT/pyproject.toml" | head -1)"
ISCC_DIR="$(dirname "$TSUNAGU_ISCC")"
echo "== compile $ISS ($TSUNAGU_ISCC, AppVersion $VERSION)"
check "compiler has Languages/Japanese.isl" test -f "$ISCC_DIR/Languages/Japanese.isl"
START=$(date +%s%N)
wine "$TSUNAGU_ISCC" "/DAppVersion=$VERSION" "/DBundleDir=$(win "$PAYLOAD")" "/O$(win "$WORK/out")" \
  "$(win "$ISS")" >"$WORK/iscc.log" 2>&1
RC=$?
COMPILE_S=$(seconds_since "$START")
wineserver -w
if [ $RC -ne 0 ]; then
  grep -v '^ *Compressing' "$WORK/iscc.log" | tail -20
  echo "FAIL: ISCC exited $RC"; exit 1
fi
ok "ISCC compiled the script ($COMPILE_S s)"
WARNINGS="$(grep -E '^[[:space:]]*Warning' "$WORK/iscc.log" || true)"
check "no compiler warnings${WARNINGS:+: $WARNINGS}" test -z "$WARNINGS"
SETUP="$WORK/out/Tsunagu-Setup-$VERSION.exe"
check "output named Tsunagu-Setup-$VERSION.exe" test -f "$SETUP"
[ -f "$SETUP" ] || exit 1
SIZE=$(stat -c %s "$SETUP")
echo "      setup program: $((SIZE / 1024 / 1024)) MiB ($SIZE bytes), from $(du -sh "$PAYLOAD" | cut -f1) bundle"

LOCALAPPDATA_W="$(wine cmd /c 'echo %LOCALAPPDATA%' 2>/dev/null | tr -d '\r')"
DATA="$(winepath -u "$LOCALAPPDATA_W\\Tsunagu" 2>/dev/null)"
START_MENU="$C/ProgramData/Microsoft/Windows/Start Menu/Programs/Tsunagu"
DESKTOP="$C/users/Public/Desktop"
# 64-bit install mode: the entry is in the 64-bit view, which wine's reg.exe reads only with /reg:64.
UNINSTALL_KEY='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\{5C0A6E2D-9B1F-4E57-A3C4-7D2B8F61E0A9}_is1'

echo "== refused below Windows 10 1809 (MinVersion)"
wine_quiet reg add 'HKCU\Software\Wine' /v Version /d win7 /f
wine_quiet "$SETUP" /ALLUSERS /VERYSILENT /SUPPRESSMSGBOXES /NORESTART '/DIR=C:\Tsunagu-old' "/LOG=C:\\old.log"
check "setup refuses Windows 7" grep -q "does not support the version of Windows" "$C/old.log"
check "nothing installed on Windows 7" test ! -e "$C/Tsunagu-old"
wine_quiet reg add 'HKCU\Software\Wine' /v Version /d win10 /f

# install LANG DIR: silent all-users install, timed.
install() {
  local lang="$1" dir="$2"
  local t0; t0=$(date +%s%N)
  wine_quiet "$SETUP" /ALLUSERS "/LANG=$lang" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART \
    "/DIR=C:\\$dir" "/LOG=C:\\install-$lang.log"
  local rc=$?
  INSTALL_S=$(seconds_since "$t0")
  return $rc
}
uninstall() {
  wine_quiet "C:\\$1\\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART "/LOG=C:\\uninstall-$1.log"
  # The uninstaller hands over to a copy of itself in %TEMP%; wait for that copy too.
  wineserver -w
}
same_files() {  # every file of the bundle is installed, and nothing else but the known extras
  diff <(cd "$PAYLOAD" && find -L . -type f | sort) \
       <(cd "$C/$1" && find . -type f ! -name 'unins000.*' ! -path './licenses/*' | sort) >"$WORK/diff" \
    || { head -5 "$WORK/diff"; return 1; }
}

echo "== English install (/LANG=en)"
install en Tsunagu-test
check "setup logged success ($INSTALL_S s)" grep -q "Installation process succeeded" "$C/install-en.log"
check "program installed: Tsunagu.exe" test -f "$C/Tsunagu-test/Tsunagu.exe"
check "all $(cd "$PAYLOAD" && find -L . -type f | wc -l) bundle files installed" same_files Tsunagu-test
check "uninstaller installed" test -f "$C/Tsunagu-test/unins000.exe"
check "fonts' licence in licenses/BIZ-UDGothic-OFL.txt" \
  cmp -s "$ROOT/resources/fonts/OFL.txt" "$C/Tsunagu-test/licenses/BIZ-UDGothic-OFL.txt"
check "Start-menu shortcut Tsunagu.lnk" test -f "$START_MENU/Tsunagu.lnk"
check "Start-menu shortcut 'Uninstall Tsunagu.lnk'" test -f "$START_MENU/Uninstall Tsunagu.lnk"
check "desktop shortcut Tsunagu.lnk" test -f "$DESKTOP/Tsunagu.lnk"
wine reg query "$UNINSTALL_KEY" /reg:64 >"$WORK/reg.txt" 2>/dev/null
check "Apps & features entry under the AppId, version $VERSION" \
  grep -q "DisplayVersion.*REG_SZ.*$VERSION" "$WORK/reg.txt"

echo "== uninstall keeps the data folder ($LOCALAPPDATA_W\\Tsunagu)"
mkdir -p "$DATA/backups" "$DATA/Logs"
echo "database" >"$DATA/tsunagu.db"
echo "key" >"$DATA/tsunagu.key"
echo "backup" >"$DATA/backups/tsunagu-backup.zip"
echo "log" >"$DATA/Logs/crash.log"
BEFORE="$(cd "$DATA" && find . -type f -exec sha256sum {} + | sort)"
uninstall Tsunagu-test
check "uninstaller logged success" grep -q "Uninstallation process succeeded" "$C/uninstall-Tsunagu-test.log"
check "program folder removed" test ! -e "$C/Tsunagu-test"
check "Start-menu folder removed" test ! -e "$START_MENU"
check "desktop shortcut removed" test ! -e "$DESKTOP/Tsunagu.lnk"
check "Apps & features entry removed" bash -c "! wine reg query '$UNINSTALL_KEY' /reg:64 >/dev/null 2>&1"
check "data folder kept, every file unchanged" \
  test "$BEFORE" = "$(cd "$DATA" 2>/dev/null && find . -type f -exec sha256sum {} + | sort)"

echo "== Japanese install (/LANG=ja)"
install ja Tsunagu-ja
check "setup logged success ($INSTALL_S s)" grep -q "Installation process succeeded" "$C/install-ja.log"
check "Start-menu shortcut つなぐ.lnk" test -f "$START_MENU/つなぐ.lnk"
check "Start-menu shortcut 'Tsunagu をアンインストールする.lnk'" \
  test -f "$START_MENU/Tsunagu をアンインストールする.lnk"
check "desktop shortcut つなぐ.lnk" test -f "$DESKTOP/つなぐ.lnk"
uninstall Tsunagu-ja
check "Japanese install removed, data kept" \
  bash -c "test ! -e '$C/Tsunagu-ja' && test ! -e '$START_MENU' && test -f '$DATA/tsunagu.db'"

echo "== per-user install (no /ALLUSERS)"
wine_quiet "$SETUP" /CURRENTUSER /VERYSILENT /SUPPRESSMSGBOXES /NORESTART "/LOG=C:\\user.log"
if grep -q 'Failed to expand shell folder constant "autopf"' "$C/user.log"; then
  echo "note: not verifiable here: this wine cannot resolve {autopf} for one user" \
       "(FOLDERID_UserProgramFiles); Windows can"
else
  USER_PROGRAMS="$(winepath -u "$LOCALAPPDATA_W\\Programs\\Tsunagu" 2>/dev/null)"
  check "per-user install in %LOCALAPPDATA%\\Programs\\Tsunagu" test -f "$USER_PROGRAMS/Tsunagu.exe"
  wine_quiet "$(win "$USER_PROGRAMS/unins000.exe")" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
  wineserver -w
  check "per-user uninstall" test ! -e "$USER_PROGRAMS/Tsunagu.exe"
fi

if [ -n "$OUT" ]; then
  mkdir -p "$OUT" && cp "$SETUP" "$OUT/" && echo "kept: $OUT/$(basename "$SETUP")"
fi
echo "figures: setup $SIZE bytes; compile ${COMPILE_S} s; last install ${INSTALL_S} s (under wine)"
if [ $FAILURES -ne 0 ]; then
  echo "$FAILURES check(s) failed"; exit 1
fi
echo "all checks passed"
