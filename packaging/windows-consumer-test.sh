#!/usr/bin/env bash
# The staged Windows layout as Windows developers' builds use it, each program run under Wine:
#   packaging/windows-consumer-test.sh ARCH LAYOUT OUT     (ARCH: x86_64 or i686)
# - the layout holds every file it should, its .def lists exactly the header's functions and
#   its MSVC import library exactly the .def's;
# - CMake with a mingw toolchain file: find_package(bgprogress), the shared and the static
#   target (examples/c/progress.c), run and compared with each other;
# - pkg-config (relocatable: the prefix is the .pc file's own place), the same program;
# - for x86_64, CMake driving clang-cl and lld-link (an MSVC-ABI build): the package must
#   hand it bgprogress.lib (c-tests/windows/msvc/consumer.c).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
arch=$1 layout=$(realpath "$2") out=$3
run=$root/c-tests/windows/wine/run
fail() { echo "windows-consumer-test ($arch): FAILED: $*" >&2; exit 1; }
ok() { echo "windows-consumer-test ($arch): ok: $*"; }
rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")

for f in bin/bgprogress.dll lib/bgprogress.lib lib/bgprogress.def lib/libbgprogress.dll.a \
  lib/libbgprogress.a include/bgprogress.h lib/cmake/bgprogress/bgprogressConfig.cmake \
  lib/cmake/bgprogress/bgprogressConfigVersion.cmake lib/pkgconfig/bgprogress.pc; do
  [ -f "$layout/$f" ] || fail "$layout/$f is missing"
done
declared=$(packaging/header-functions.sh "$layout/include/bgprogress.h")
in_def=$(sed -n 's/^ *\(bg_[a-z0-9_]*\) *$/\1/p' "$layout/lib/bgprogress.def" | sort -u)
[ "$in_def" = "$declared" ] || fail "bgprogress.def does not list exactly the header's functions: $(diff <(echo "$declared") <(echo "$in_def") | grep '^[<>]' | xargs)"
# The import library's __imp_ symbols (i386: __imp__ with the cdecl underscore).
in_lib=$(llvm-nm "$layout/lib/bgprogress.lib" 2>/dev/null | sed -n 's/.* __imp__\{0,1\}\(bg_[a-z0-9_]*\)$/\1/p' | sort -u)
[ "$in_lib" = "$declared" ] || fail "bgprogress.lib does not import exactly the .def's functions: $(diff <(echo "$declared") <(echo "$in_lib") | grep '^[<>]' | xargs)"
ok "layout complete; bgprogress.def and bgprogress.lib: the $(echo "$declared" | wc -l) functions of the header"

cmake -S packaging/consumers/cmake -B "$out/cmake" -DCMAKE_TOOLCHAIN_FILE="$root/packaging/consumers/windows/mingw.cmake" \
  -DBGT_ARCH="$arch" -DCMAKE_PREFIX_PATH="$layout" -DEXAMPLE="$root/examples/c/progress.c" >/dev/null
cmake --build "$out/cmake" >/dev/null
cp "$layout/bin/bgprogress.dll" "$out/cmake/"
shared=$("$run" "$out/cmake/progress_shared.exe" | tr -d '\r')
static=$("$run" "$out/cmake/progress_static.exe" | tr -d '\r')
grep -q '^job: 1.50 MiB of 3.00 MiB (50%), 1 of 2 files$' <<<"$shared" || fail "CMake shared build printed: $shared"
[ "$shared" = "$static" ] || fail "the static build printed otherwise: $static"
# (The dumps are read whole: grep -q closing the pipe early would fail it under pipefail.)
imports() { "$arch-w64-mingw32-objdump" -p "$1" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z'; }
grep -qx bgprogress.dll <<<"$(imports "$out/cmake/progress_shared.exe")" ||
  fail "progress_shared.exe does not import bgprogress.dll"
! grep -qx bgprogress.dll <<<"$(imports "$out/cmake/progress_static.exe")" ||
  fail "progress_static.exe imports bgprogress.dll"
ok "CMake (mingw toolchain file): bgprogress::bgprogress and bgprogress::bgprogress_static build and run"

mkdir -p "$out/pkgconfig"
# shellcheck disable=SC2046
"$arch-w64-mingw32-gcc" -std=c11 -Wall -Werror "$root/examples/c/progress.c" -o "$out/pkgconfig/progress.exe" \
  $(PKG_CONFIG_LIBDIR="$layout/lib/pkgconfig" pkg-config --define-prefix --cflags --libs bgprogress)
cp "$layout/bin/bgprogress.dll" "$out/pkgconfig/"
[ "$("$run" "$out/pkgconfig/progress.exe" | tr -d '\r')" = "$shared" ] || fail "the pkg-config build printed otherwise"
ok "pkg-config --define-prefix: $(PKG_CONFIG_LIBDIR="$layout/lib/pkgconfig" pkg-config --define-prefix --libs bgprogress)"

if [ "$arch" = x86_64 ]; then
  ln -sf "$(command -v clang)" "$out/clang-cl"
  cmake -S packaging/consumers/windows -B "$out/cmake-msvc" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$root/packaging/consumers/windows/clang-cl.cmake" -DBGT_CLANG_CL="$out/clang-cl" \
    -DCMAKE_PREFIX_PATH="$layout" -DCONSUMER="$root/c-tests/windows/msvc/consumer.c" >/dev/null
  cmake --build "$out/cmake-msvc" >/dev/null
  cp "$layout/bin/bgprogress.dll" "$out/cmake-msvc/"
  "$run" "$out/cmake-msvc/consumer.exe"
  ok "CMake driving clang-cl and lld-link (MSVC ABI): linked bgprogress.lib, ran"
fi
