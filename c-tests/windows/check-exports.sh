#!/usr/bin/env bash
# Checks a DLL's export table against the functions the header declares: exactly the same
# names, nothing more (no Rust std symbols), nothing less (a lost #[no_mangle]), and the DLL's
# own name.   c-tests/windows/check-exports.sh OBJDUMP DLL HEADER
set -euo pipefail
objdump=$1 dll=$2 header=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$(dirname "$0")/../../packaging/header-functions.sh" "$header" > "$tmp/declared"
"$objdump" -p "$dll" > "$tmp/dump"
# The name table: lines such as "	[  12] bg_job_progress_validate", after "[Ordinal/Name Pointer] Table".
sed -n '/Ordinal\/Name Pointer\] Table/,/^$/p' "$tmp/dump" | sed -n 's/^\s*\[ *[0-9]*\] \(.*\)$/\1/p' \
  | sort -u > "$tmp/exported"
name=$(sed -n 's/^Name\s*[0-9a-f]* \(.*\)$/\1/p' "$tmp/dump" | head -n 1)
status=0
if [ "$name" != "bgprogress.dll" ]; then
  echo "check-exports: $dll calls itself '$name' in its export table, not bgprogress.dll"
  status=1
fi
if ! diff -u "$tmp/declared" "$tmp/exported" > "$tmp/diff"; then
  echo "check-exports: $dll does not export exactly the header's functions (- declared only, + exported only):"
  grep '^[-+]bg\|^[-+][^-+]' "$tmp/diff" || cat "$tmp/diff"
  status=1
fi
[ "$status" -eq 0 ] && echo "check-exports: ok: $dll ($name) exports the $(wc -l < "$tmp/exported") functions of $(basename "$header"), nothing else"
exit "$status"
