#!/usr/bin/env bash
# Smoke test of the frozen Linux build (packaging/build_linux.py):
#   packaging/smoke_linux.sh [dist/kupang-desk-linux/kupang-desk]
# --version, info, demo data, an LB1 report as Excel and PDF, the window on an X display
# (packaging/window_check.sh), and the start-up time beside the venv's, measured in this run.
set -euo pipefail
cd "$(dirname "$0")/.."
frozen=$(realpath "${1:-dist/kupang-desk-linux/kupang-desk}")
venv=.venv/bin/kupang-desk
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
version=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
export KUPANG_DESK_BACKUP_PASSPHRASE=kupang-demo KUPANG_DESK_PASSWORD=kupang-demo
database="sqlite:///$work/kupang-desk.sqlite"

find "$(dirname "$frozen")" -name 'libpdfium*' | grep -q . || fail "pdfium (the print preview's renderer) is not in the folder"
out=$("$frozen" --version); echo "$out"
grep -q "Kupang Desk $version, dibangun" <<<"$out" || fail "--version: $out"
"$frozen" --database "$database" info
"$frozen" --database "$database" demo --patients 200 --visits 2000 --students 50 --quiet
month=$(python3 -c 'import datetime as d; t = d.date.today().replace(day=1); print((t - d.timedelta(days=1)).strftime("%Y-%m"))')
"$frozen" --database "$database" --user admin report lb1 --month "$month" --xlsx "$work/lb1.xlsx" --pdf "$work/lb1.pdf" --quiet
[ -s "$work/lb1.xlsx" ] && head -c 5 "$work/lb1.pdf" | grep -q '%PDF-' || fail "LB1 report not written"
# A visit's SATUSEHAT bundle: the FHIR models are loaded by name, so the folder must hold them.
# The demo has no SATUSEHAT master data: the bundle is written with placeholders and the exit is 3.
set +e
"$frozen" --database "$database" --user admin satusehat bundle 1 --out "$work/bundle.json" 2>"$work/bundle.err"
code=$?
set -e
[ "$code" -eq 3 ] && grep -q '"resourceType": "Bundle"' "$work/bundle.json" || fail "satusehat bundle: exit $code, $(cat "$work/bundle.err")"
"$frozen" --database "$database" --user admin backup --to "$work" --quiet
ls "$work" | grep -q '\.kdbackup$' || fail "no backup written"

echo "== window"
packaging/window_check.sh "${SCREENSHOT:-$work/frozen-window.png}" "$frozen"

echo "== start-up (main window on the offscreen platform, median of 5; first run not counted)"
# One series of runs per program: the window-ready time it prints and the whole process's wall time.
measure() {
  local ready=() wall=() start out
  for run in 1 2 3 4 5 6; do
    start=$(date +%s%N)
    out=$(QT_QPA_PLATFORM=offscreen "$@" --database "$database" --exit-after-start 2>/dev/null)
    [ "$run" -eq 1 ] && continue  # the first run fills the disk cache
    wall+=($(( ($(date +%s%N) - start) / 1000000 )))
    ready+=("$(sed -n 's/.*startup_seconds=\([0-9.]*\).*/\1/p' <<<"$out")")
  done
  median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
  echo "window_ready_s=$(median "${ready[@]}") process_ms=$(median "${wall[@]}")"
}
echo "frozen: $(measure "$frozen")"
echo "venv:   $(measure "$venv")"
echo "Linux smoke test passed"
