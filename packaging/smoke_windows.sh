#!/usr/bin/env bash
# Smoke test of the Windows installer under Wine (no Windows machine here):
#   packaging/smoke_windows.sh [dist/KupangDesk-<version>-setup.exe]
# installs it silently into a fresh Wine prefix, runs the installed program's command line
# (info, demo, an LB1 report as Excel and PDF, a backup), tries the window, installs the
# same setup again over it (an upgrade keeps the data), uninstalls, and checks that the
# program is gone and the data is still there. Prints the figures for the issue note.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
setup=$(realpath "${1:-dist/KupangDesk-$version-setup.exe}")
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
[ -x "$wine" ] || { echo "wine64 is not installed (apt-get install wine64)" >&2; exit 1; }
wineserver=$(command -v wineserver || echo "$(dirname "$(realpath "$wine")")/wineserver")
export WINEPREFIX; WINEPREFIX=$(mktemp -d /tmp/kupang-wine.XXXXXX)
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="  # no Mono/Gecko download prompts
xvfb_pid=""
finish() {
  code=$?
  if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
  if [ "$code" -ne 0 ] && [ -f "$data/Logs/kupang-desk.log" ]; then
    echo "--- the program's log:" >&2; tail -n 30 "$data/Logs/kupang-desk.log" >&2
  fi
  "$wineserver" -k >/dev/null 2>&1 || true
  rm -rf "$WINEPREFIX"
}
trap finish EXIT
ms() { date +%s%N | cut -c1-13; }
fail() { echo "FAIL: $*" >&2; exit 1; }

"$wine" wineboot -i >/dev/null 2>&1
"$wineserver" -w
# Windows 10 has bcryptprimitives.dll, Wine 8 not yet: a stand-in for the test prefix only
# (packaging/wine/bcryptprimitives.c; needs gcc-mingw-w64-x86-64).
system32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -e "$system32/bcryptprimitives.dll" ]; then
  x86_64-w64-mingw32-gcc -shared -O2 -Wl,--kill-at -o "$system32/bcryptprimitives.dll" \
    packaging/wine/bcryptprimitives.c -ladvapi32
fi
user=$(id -un)
home="$WINEPREFIX/drive_c/users/$user"
program="$home/AppData/Local/Programs/KupangDesk"
data="$home/AppData/Local/KupangDesk"
# Wine's console needs a pipe: Python cannot open its standard streams on a plain file.
kd() { "$wine" "$program/python.exe" -m kupang_desk "$@" 2>&1 | tr -d '\r'; }

# Wine 8 makes a Windows 7 prefix: the installer must refuse it in words (Qt 6 needs Windows 10
# 1903's ICU), then the prefix is turned into the Windows 10 (build 18362) the program is for.
echo "== an older Windows is refused"
set +e
"$wine" "$setup" /S
refused=$?
set -e
"$wineserver" -w
[ "$refused" -eq 2 ] || fail "the installer on Windows 7 ended with $refused, not 2 (refused)"
[ ! -e "$home/AppData/Local/Programs/KupangDesk" ] || fail "the installer on Windows 7 installed files"
echo "windows7_refused=yes"
"$wine" winecfg -v win10 >/dev/null 2>&1
"$wineserver" -w
echo "== install (silent, per user)"
start=$(ms)
"$wine" "$setup" /S
"$wineserver" -w
echo "install_ms=$(( $(ms) - start ))"
[ -f "$program/python.exe" ] || fail "python.exe not installed in $program"
[ -f "$program/uninstall.exe" ] || fail "no uninstaller"
find "$program" -iname 'pdfium.dll' | grep -q . || fail "pdfium.dll (the print preview's renderer) not installed"
lnk=$(find -L "$home" -name "Kupang Desk.lnk" 2>/dev/null | wc -l)
[ "$lnk" -ge 2 ] || fail "Start-menu and desktop shortcuts: $lnk found"
"$wine" reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\KupangDesk' 2>/dev/null \
  | tr -d '\r' | grep -q "DisplayVersion.*$version" || fail "no uninstall entry with version $version"
echo "installed_mb=$(du -sm "$program" | cut -f1) setup_mb=$(du -sm "$setup" | cut -f1)"

echo "== command line"
start=$(ms)
out=$(kd --version); echo "$out"
echo "first_version_ms=$(( $(ms) - start ))"
grep -q "Kupang Desk $version, dibangun" <<<"$out" || fail "--version: $out"
start=$(ms)
out=$(kd info); echo "$out"
echo "first_info_ms=$(( $(ms) - start ))"
grep -q 'AppData\\Local\\KupangDesk\\kupang-desk.sqlite' <<<"$out" || fail "info does not use the data folder"
export KUPANG_DESK_BACKUP_PASSPHRASE=kupang-demo
start=$(ms)
kd demo --patients 200 --visits 2000 --students 50 --quiet
echo "demo_ms=$(( $(ms) - start ))"
[ -f "$data/kupang-desk.sqlite" ] || fail "no database in $data"
month=$(python3 - <<'PY'
import datetime as dt
today = dt.date.today().replace(day=1)
print((today - dt.timedelta(days=1)).strftime("%Y-%m"))
PY
)
export KUPANG_DESK_PASSWORD=kupang-demo
start=$(ms)
kd --user admin report lb1 --month "$month" --xlsx 'C:\lb1.xlsx' --pdf 'C:\lb1.pdf' --quiet
echo "report_ms=$(( $(ms) - start ))"
for file in lb1.xlsx lb1.pdf; do
  [ -s "$WINEPREFIX/drive_c/$file" ] || fail "report $file not written"
done
head -c 5 "$WINEPREFIX/drive_c/lb1.pdf" | grep -q '%PDF-' || fail "lb1.pdf is not a PDF"
python3 - "$WINEPREFIX/drive_c/lb1.xlsx" <<'PY' || fail "lb1.xlsx is not a workbook with LB1 rows"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as book:
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    strings = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
    assert "LB1" in sheet + strings and sheet.count("<row") > 10, "too few rows"
PY
mkdir -p "$WINEPREFIX/drive_c/flashdisk"
kd --user admin backup --to 'C:\flashdisk' --quiet
ls "$WINEPREFIX/drive_c/flashdisk" | grep -q '\.kdbackup$' || fail "no backup on the flash disk"

echo "== window"
# Qt 6 for Windows takes its text converters from the icuuc.dll of Windows 10; Wine 8 has none.
# A build of it goes into this throw-away prefix only (packaging/wine/build_icu.sh), never into
# the installer: the window then starts as on Windows.
icu=$(packaging/wine/build_icu.sh)
cp "$icu"/*.dll "$system32/"
"$wineserver" -w  # the command line's Wine processes gone first: the window starts as on a PC just switched on
# Qt's own Windows platform on an X display (Wine draws the windows there), not Qt's offscreen
# platform, which is not what a Windows PC runs (under Wine it hangs on closing).
if [ -z "${DISPLAY:-}" ]; then
  export DISPLAY=:78
  Xvfb "$DISPLAY" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 50); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done
fi
# The signed-in main window on an X display, as a clerk sees it, with Wine's own window system.
launcher="$WINEPREFIX/kupang-desk"  # the Windows program as window_check.sh starts one (a pipe for Wine's console)
cat >"$launcher" <<EOF
#!/usr/bin/env bash
set -o pipefail
env -u QT_QPA_PLATFORM "$wine" "$program/python.exe" -m kupang_desk "\$@" 2>&1 | tr -d '\\r'
EOF
chmod +x "$launcher"
SETTLE_SECONDS=5 packaging/window_check.sh "${WINDOW_SCREENSHOT:-dist/window-wine.png}" "$launcher" \
  || fail "the signed-in window under Wine"

echo "== portable zip (unpacked as onto a USB stick)"
portable="$(dirname "$setup")/KupangDesk-$version-portable.zip"
if [ -f "$portable" ]; then
  python3 -m zipfile -e "$portable" "$WINEPREFIX/drive_c/usb"
  out=$("$wine" "$WINEPREFIX/drive_c/usb/KupangDesk-$version/python.exe" -m kupang_desk info 2>&1 | tr -d '\r')
  grep -q "Pasien *: *200" <<<"$out" || fail "the portable copy does not open the same data: $out"
  echo "portable copy runs and opens the same data folder"
else
  echo "no $portable: skipped"
fi

echo "== upgrade (the same setup over the installed one)"
patients_before=$(kd info | sed -n 's/^Pasien *: *//p')
"$wine" "$setup" /S
"$wineserver" -w
patients_after=$(kd info | sed -n 's/^Pasien *: *//p')
[ -n "$patients_before" ] && [ "$patients_before" = "$patients_after" ] \
  || fail "patients before/after reinstall: $patients_before / $patients_after"
echo "patients kept over the upgrade: $patients_after"

echo "== uninstall"
"$wine" "$program/uninstall.exe" /S
"$wineserver" -w
sleep 1; "$wineserver" -w
[ ! -e "$program/python.exe" ] || fail "the program is still there after uninstall"
[ -z "$(find -L "$home" -name "Kupang Desk.lnk" 2>/dev/null)" ] || fail "shortcuts left after uninstall"
[ -f "$data/kupang-desk.sqlite" ] || fail "uninstall removed the database"
ls "$data"
echo "Windows smoke test passed"
