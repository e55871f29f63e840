#!/usr/bin/env bash
# `make man`: the man3 pages of the header, made by Doxygen from its doc comments, in
# BUILD/man/man3: bgprogress(3) for the library (the header's page, with a SYNOPSIS that
# includes it) and one page per function, type and constant that leads to it.
#   packaging/man/man.sh BUILD
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$1
command -v doxygen >/dev/null || { echo "man: doxygen is not installed (apt-get install doxygen)" >&2; exit 1; }
out=$build/man
rm -rf "$out"
mkdir -p "$out"
( cat packaging/man/Doxyfile; echo "OUTPUT_DIRECTORY = $out" ) | doxygen -
man3=$out/man3
[ -f "$man3/bgprogress.h.3" ] || { echo "man: doxygen made no bgprogress.h.3" >&2; exit 1; }
# Only the header's own names get a page (struct members and the directory do not).
for page in "$man3"/*.3; do
  case $(basename "$page") in bg_* | BG_* | BGPROGRESS_* | bgprogress.h.3) ;; *) rm "$page" ;; esac
done
# The library's page is bgprogress(3), whose SYNOPSIS includes the header; every link page
# points at it.
mv "$man3/bgprogress.h.3" "$man3/bgprogress.3"
python3 - "$man3/bgprogress.3" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
text = text.replace('.TH "bgprogress.h"', '.TH "bgprogress"', 1)
text = text.replace(".SH NAME\nbgprogress.h\n",
    ".SH NAME\nbgprogress \\- the BITS job-progress structures, their rules, and a live tracker\n", 1)
# The SYNOPSIS: the one include a program writes, not the header's own.
text = re.sub(r"(\.SH SYNOPSIS\n\.br\n\.PP\n)(?:\\fC#include <[^>]*>\\fP\n\.br\n)+",
              r"\1\\fC#include <bgprogress\\&.h>\\fP\n.br\n", text, count=1)
open(path, "w").write(text)
PY
# (as symbolic links, which `man -l` follows from anywhere, unlike a relative .so request).
for page in "$man3"/*.3; do
  if grep -q '^\.so man3/bgprogress\.h\.3' "$page"; then
    ln -sf bgprogress.3 "$page"
  fi
done
echo "man: $(ls "$man3" | wc -l) pages in $man3"
