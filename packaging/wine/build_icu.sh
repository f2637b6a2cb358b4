#!/usr/bin/env bash
# For the Wine smoke test only; never shipped, never put into the installer.
#
# Qt 6 for Windows converts text encodings with the ICU that Windows 10 (1703 and later) ships
# as C:\Windows\System32\icuuc.dll: Qt6Core.dll imports 20 ucnv_* functions from it by their
# unversioned names. Wine 8 has no ICU, so the window cannot start under Wine. This builds that
# DLL from Debian's ICU source with gcc-mingw-w64: unversioned names (--disable-renaming, as
# Windows' own), the C++ runtime linked in, the posix thread model (ICU needs std::mutex) with its
# libwinpthread-1.dll beside it, and ICU's prebuilt data (Debian's source has no data sources to
# cut down), then prints the folder holding icuuc.dll and the DLLs it needs, for
# packaging/smoke_windows.sh to copy into its throw-away Wine prefix.
#
#   packaging/wine/build_icu.sh            prints the folder (builds it the first time)
#
# The result is kept in ~/.cache/kupang-desk/wine-icu-<version> (about 6 minutes to build on 2
# cores; later runs on the same machine take it from there). Needs: dpkg-dev's apt-get source
# with a deb-src entry (added here when missing), gcc/g++, g++-mingw-w64-x86-64-posix, python3.
set -euo pipefail
version=72.1
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kupang-desk/wine-icu-$version"
stamp="$version $(sha256sum "$0" | cut -c1-16)"
if [ -f "$cache/stamp" ] && [ "$(cat "$cache/stamp")" = "$stamp" ]; then
  echo "$cache/bin"
  exit 0
fi
log() { echo "build_icu: $*" >&2; }
work=$(mktemp -d /tmp/kupang-icu.XXXXXX)
trap 'rm -rf "$work"' EXIT
jobs=$(nproc)

# 1. Debian's ICU source (bookworm: 72.1).
log "fetching Debian's ICU source"
if ! grep -qs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; then
  sed -e 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
    > /etc/apt/sources.list.d/kupang-desk-src.sources
  apt-get update -qq
fi
(cd "$work" && apt-get source -qq --download-only "icu=$version*" >/dev/null 2>&1 \
  || apt-get source -qq --download-only icu >/dev/null)
tar -C "$work" -xzf "$work"/icu_"$version".orig.tar.gz
source="$work/icu/source"
common=(--disable-tests --disable-samples --disable-extras --disable-icuio --disable-layoutex)

# 2. The build machine's own ICU tools (makeconv, gencnval, pkgdata), which the cross build runs.
log "building the host tools"
mkdir -p "$work/native" && cd "$work/native"
CFLAGS=-O1 CXXFLAGS=-O1 "$source/configure" "${common[@]}" >configure.log
mkdir -p lib bin
for dir in stubdata common i18n tools; do make -s -j"$jobs" -C "$dir" >>make.log 2>&1; done
make -s config/icucross.mk config/icucross.inc >>make.log  # what --with-cross-build reads

# 3. icuuc.dll and its data, for Windows, with Windows' unversioned names.
log "building icuuc.dll with gcc-mingw-w64"
mkdir -p "$work/windows" && cd "$work/windows"
CC=x86_64-w64-mingw32-gcc-posix CXX=x86_64-w64-mingw32-g++-posix \
  CFLAGS=-O2 CXXFLAGS=-O2 LDFLAGS="-static-libgcc -static-libstdc++" \
  "$source/configure" --host=x86_64-w64-mingw32 --with-cross-build="$work/native" \
  --disable-renaming --disable-tools "${common[@]}" >configure.log
mkdir -p lib bin
for dir in stubdata common data; do make -s -j"$jobs" -C "$dir" >>make.log 2>&1; done

exports=$(x86_64-w64-mingw32-objdump -p lib/icuuc*.dll)  # the whole table: grep -q would cut objdump short
grep -q ' ucnv_open$' <<<"$exports" || { log "icuuc.dll does not export ucnv_open by its plain name"; exit 1; }
rm -rf "$cache" && mkdir -p "$cache/bin"
cp lib/icuuc*.dll "$cache/bin/icuuc.dll"
cp lib/icudt*.dll /usr/x86_64-w64-mingw32/lib/libwinpthread-1.dll "$cache/bin/"
echo "$stamp" >"$cache/stamp"
echo "$cache/bin"
