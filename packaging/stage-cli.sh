#!/usr/bin/env bash
# `make cli`: builds the bgprogress command (crates/bgprogress-cli) with cargo and stages it
# as BUILD/bin/bgprogress, wherever cargo put it (its JSON messages say where).
#   packaging/stage-cli.sh BUILD
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1
cargo=${CARGO:-cargo}
exe=$("$cargo" build --release -p bgprogress-cli --message-format=json-render-diagnostics |
  python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "bgprogress":
        print(m["executable"])')
[ -n "$exe" ] || { echo "stage-cli: cargo reported no bgprogress executable" >&2; exit 1; }
mkdir -p "$build/bin"
cp "$exe" "$build/bin/bgprogress"
echo "stage-cli: $build/bin/bgprogress ($("$build/bin/bgprogress" --version))"
