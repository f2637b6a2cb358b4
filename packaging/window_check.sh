#!/usr/bin/env bash
# Opens the real window on an X display as a clerk would and proves it: demo data, the
# sign-in window mapped, the demo administrator typed in with the keyboard, the main
# window mapped, a screenshot of the screen, Ctrl+Q, and a clean exit.
#
#   packaging/window_check.sh SCREENSHOT.png COMMAND...
#
# COMMAND starts Kupang Desk (.venv/bin/kupang-desk, or a frozen build). Uses $DISPLAY, or
# starts Xvfb on :77 when there is none. Needs xdotool; the screenshot is taken by Qt
# (.venv/bin/python by default, $SCREENSHOT_PYTHON otherwise) from a second X client.
set -euo pipefail
shot="$1"; shift
command=("$@")
python="${SCREENSHOT_PYTHON:-.venv/bin/python}"
work=$(mktemp -d)
xvfb_pid=""
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:77
  Xvfb "$DISPLAY" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 50); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done
fi
unset QT_QPA_PLATFORM
export QT_QPA_PLATFORM=xcb
database="sqlite:///$work/kupang-desk.sqlite"
export KUPANG_DESK_BACKUP_PASSPHRASE="${KUPANG_DESK_BACKUP_PASSPHRASE:-kupang-demo}"
"${command[@]}" --database "$database" demo --if-empty --patients 200 --visits 2000 --students 50 --quiet
started=$(date +%s%N)
"${command[@]}" --database "$database" >"$work/window.log" 2>&1 &
app_pid=$!
if ! signin=$(timeout 90 xdotool search --sync --onlyvisible --name "^Masuk — Kupang Desk$" | head -n 1); then
  echo "The sign-in window did not appear; the program said:" >&2
  cat "$work/window.log" >&2
  exit 1
fi
echo "sign_in_window_ms=$(( ($(date +%s%N) - started) / 1000000 ))"
xdotool windowfocus --sync "$signin"
xdotool type --delay 20 admin
xdotool key Tab
xdotool type --delay 20 kupang-demo
xdotool key Return
if ! main=$(timeout 60 xdotool search --sync --onlyvisible --name "\(DEMO\) — Kupang Desk$" | head -n 1); then
  echo "The main window did not appear after signing in; the program said:" >&2
  cat "$work/window.log" >&2
  exit 1
fi
echo "main_window=$(xdotool getwindowname "$main") geometry=$(xdotool getwindowgeometry "$main" | awk '/Geometry/{print $2}')"
sleep "${SETTLE_SECONDS:-2}"  # the section pages fill from a background count (Wine: slower)
"$python" - "$shot" <<'PY'
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
picture = QGuiApplication.primaryScreen().grabWindow(0)
if picture.isNull() or not picture.save(sys.argv[1]):
    raise SystemExit("screenshot failed")
print(f"screenshot={sys.argv[1]} {picture.width()}x{picture.height()}")
PY
xdotool windowfocus --sync "$main"
# Ctrl held a moment before Q: Wine reads the modifier from its own key state, which a
# one-shot ctrl+q reaches too late.
xdotool keydown Control_L; sleep 0.2; xdotool key q; sleep 0.2; xdotool keyup Control_L
for _ in $(seq 1 600); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done  # the closing backup first
if kill -0 "$app_pid" 2>/dev/null; then
  echo "The window did not close after Ctrl+Q" >&2
  exit 1
fi
wait "$app_pid" && code=0 || code=$?
app_pid=""
if [ "$code" -ne 0 ]; then
  echo "Kupang Desk exited with $code; it said:" >&2
  cat "$work/window.log" >&2
  exit 1
fi
echo "window check passed"
