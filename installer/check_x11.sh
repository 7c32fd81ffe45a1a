#!/usr/bin/env bash
# Start the built bundle in a real X server (Xvfb, Qt's xcb platform), type Japanese into the
# first-start window, and save a screenshot: proof that the slimmed bundle still opens a window,
# loads the X11 plugin with the system's libraries, and shows and takes Japanese text.
#   installer/check_x11.sh [screenshot.png]     (needs xvfb, xdotool, x11-apps, imagemagick)
set -euo pipefail
cd "$(dirname "$0")/.."
shot="${1:-dist/x11-check.png}"
bundle=dist/Tsunagu

home=$(mktemp -d)
display=":$(( 90 + RANDOM % 100 ))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=""
cleanup() {
  [ -n "$app" ] && kill "$app" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT
sleep 1

export DISPLAY="$display" QT_QPA_PLATFORM=xcb
export XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state"
export XDG_CACHE_HOME="$home/cache"
${TSUNAGU_CMD:-"$bundle/Tsunagu"} >"$home/out.txt" 2>&1 &
app=$!

# The main window and the first-start dialog (つなぐへようこそ) appear; wait for both.
if ! xdotool search --sync --onlyvisible --name "." >/dev/null; then
  echo "No window appeared" >&2
  cat "$home/out.txt" >&2
  exit 1
fi
sleep "${TSUNAGU_WAIT:-4}"
kill -0 "$app" || { echo "The program ended" >&2; cat "$home/out.txt" >&2; exit 1; }
windows=$(xdotool search --onlyvisible --name ".")
dialog=$(echo "$windows" | tail -n 1)
echo "Windows: $(for w in $windows; do printf '"%s" ' "$(xdotool getwindowname "$w")"; done)"
# "Set up my chapter", then the chapter-name field; Japanese typed as key events (Xvfb has no
# input method), which Qt turns into text like a committed IME string.
xdotool mousemove --window "$dialog" 22 102 click 1
sleep 0.5
xdotool mousemove --window "$dialog" 300 131 click 1
sleep 0.5
xdotool type --delay 60 "荒川まちづくり"
sleep 1
# Qt may give a dialog a 32-bit visual, which a plain root capture shows black: paste each
# window, bottom to top, onto the root picture at its place.
xwd -root -silent | convert xwd:- "$shot"
for w in $windows; do
  eval "$(xdotool getwindowgeometry --shell "$w")"
  xwd -id "$w" -silent | convert xwd:- "$home/w.png"
  convert "$shot" "$home/w.png" -geometry "+${X}+${Y}" -composite "$shot"
done
echo "Window opened under X11 ($display); screenshot: $shot"
grep -v "^$" "$home/out.txt" || true
