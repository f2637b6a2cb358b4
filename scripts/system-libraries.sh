#!/bin/sh
# Installs the system libraries Qt's window needs on Debian/Ubuntu, when any is missing.
# The README's run command calls it after the venv is made; .ci/run calls it too.
# Which ones: the libraries the dynamic loader cannot find for Qt's xcb plugin
# (python -m kupang_desk.display asks ldd), and one font when the machine has none.
set -eu
python="${1:-.venv/bin/python}"
packages=$("$python" -m kupang_desk.display)
if command -v fc-list >/dev/null 2>&1; then
  fc-list | grep -q . || packages="$packages fonts-dejavu-core"
else
  packages="$packages fontconfig fonts-dejavu-core"
fi
packages=$(echo $packages)
[ -z "$packages" ] && exit 0
echo "Memasang pustaka sistem untuk jendela Qt: $packages"
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends $packages
