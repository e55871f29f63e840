#!/usr/bin/env bash
# docs/testing.md lists the targets of the Makefile's `test:` line, in the same order.
set -euo pipefail
cd "$(dirname "$0")/.."
makefile=$(sed -n 's/^test: *//p' Makefile | tr -s ' ' '\n')
documented=$(sed -n 's/^- `make \([a-z0-9-]*\)`.*/\1/p' docs/testing.md)
if [ "$makefile" != "$documented" ]; then
  echo "check-testing-doc: docs/testing.md and the Makefile's test: line differ:" >&2
  diff <(echo "$makefile") <(echo "$documented") >&2 || true
  exit 1
fi
echo "check-testing-doc: docs/testing.md lists the $(echo "$makefile" | wc -l) targets of make test in order"
