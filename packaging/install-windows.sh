#!/usr/bin/env bash
# `make install-windows`: copies a staged Windows layout (packaging/stage-windows.sh) into
# DESTDIR/PREFIX, as it is: its CMake and pkg-config files find everything from their own
# place, so the copy works wherever it lands (a Windows drive, a share, a package).
#   packaging/install-windows.sh LAYOUT      (with PREFIX, and DESTDIR if any)
set -euo pipefail
layout=$1
: "${PREFIX:?}"
case $PREFIX in
  /*) ;;
  *) echo "install-windows: PREFIX must be an absolute path, not '$PREFIX'" >&2; exit 1 ;;
esac
[ -f "$layout/bin/bgprogress.dll" ] ||
  { echo "install-windows: nothing staged in $layout: run make windows first" >&2; exit 1; }
dest=${DESTDIR:-}$PREFIX
for d in bin lib include; do
  install -d "$dest/$d"
  cp -R "$layout/$d/." "$dest/$d/"
done
echo "install-windows: $(cd "$layout" && find bin lib include -type f | wc -l) files into $dest"
