#!/usr/bin/env bash
# `make abi-matrix`: the header's types against the documented declarations on every target,
# compiled with clang (syntax only, freestanding: clang's own stdint.h/stddef.h/stdbool.h),
# then next to mingw-w64's real <bits.h> for the two Windows targets.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang >/dev/null; then
  echo "abi-matrix: SKIPPED: clang is not installed (apt-get install clang); nothing was checked"
  exit 0
fi
targets="x86_64-linux-gnu i686-linux-gnu aarch64-linux-gnu armv7-linux-gnueabihf
riscv64-linux-gnu s390x-linux-gnu powerpc-linux-gnu x86_64-pc-windows-msvc i686-pc-windows-msvc
wasm32-unknown-unknown"
flags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -Iinclude)
passed=0 failed=0
report() { # name, status
  if [ "$2" -eq 0 ]; then echo "abi-matrix: ok: $1"; passed=$((passed + 1));
  else echo "abi-matrix: FAILED: $1"; failed=$((failed + 1)); fi
}
for t in $targets; do
  clang --target="$t" -ffreestanding -fsyntax-only "${flags[@]}" c-tests/c/layout_static.c
  report "$t: layout equals the documented declaration" $?
done
mingw=/usr/share/mingw-w64/include
if [ -f "$mingw/bits.h" ]; then
  for t in x86_64-w64-mingw32 i686-w64-mingw32; do
    clang --target="$t" -fsyntax-only "${flags[@]}" -Wno-pedantic -isystem "$mingw" c-tests/windows/sdk_first.c
    report "$t: <bits.h> first, helpers on the SDK's structs" $?
    clang --target="$t" -fsyntax-only "${flags[@]}" -isystem "$mingw" c-tests/c/layout_static.c
    report "$t: bgprogress.h alone" $?
  done
else
  echo "abi-matrix: SKIPPED: the mingw-w64 part: $mingw/bits.h is missing (apt-get install mingw-w64-common)"
fi
# The header's language floor, as its top says: C99 and C++11, strictly.
clang -std=c99 -fsyntax-only "${flags[@]/-std=c11/}" -Wpedantic c-tests/c/header_c99.c
report "the header as strict C99" $?
clang++ -std=c++11 -fsyntax-only -Wall -Wextra -Wpedantic -Werror -Iinclude c-tests/c/header_cxx.cpp
report "the header as strict C++11" $?
echo "abi-matrix: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
