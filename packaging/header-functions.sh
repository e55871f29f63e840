#!/usr/bin/env bash
# The functions a bgprogress header declares, one a line, sorted: the one list of exports that
# the static library keeps global (stage-lib.sh), the ABI probe covers (abi/abi.sh) and the
# DLL must export (c-tests/windows/check-exports.sh).
#   packaging/header-functions.sh [HEADER]   (default include/bgprogress.h)
set -euo pipefail
header=${1:-$(dirname "$0")/../include/bgprogress.h}
# Doc comment lines (" * ...", " */", "/**") name functions too: only declarations count.
grep -v '^ *\*\|^ */\|^ *//' "$header" | grep -o '\bbg_[a-z0-9_]*(' | tr -d '(' | sort -u
