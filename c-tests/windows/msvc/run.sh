#!/usr/bin/env bash
# MSVC-ABI consumers of a staged Windows layout, built the way an MSVC user's build would
# link them and run under Wine:
#   c-tests/windows/msvc/run.sh ARCH LAYOUT OUT      (ARCH: x86_64 or i686)
# consumer.c and consumer.cpp are compiled by clang for ARCH-pc-windows-msvc against Wine's
# SDK and CRT headers (package libwine-dev; <windows.h> and <bits.h> first), linked by
# lld-link against LAYOUT/lib/bgprogress.lib and Wine's import libraries (libwine-dev, and
# libwine-dev:i386 for i686), and run beside LAYOUT/bin/bgprogress.dll.
# Wine's headers define some Interlocked* functions that clang treats as builtins when it
# compiles C++ for this target: for C++ they are renamed away (C needs nothing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
arch=$1 layout=$2 out=$3
case $arch in
  x86_64) machine=x64 wine_lib=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows ;;
  i686) machine=x86 wine_lib=/usr/lib/i386-linux-gnu/wine/i386-windows ;;
  *) echo "msvc/run: ARCH is x86_64 or i686, not '$arch'" >&2; exit 2 ;;
esac
wine_inc=/usr/include/wine/wine
for need in "$wine_inc/windows/bits.h" "$wine_lib/libucrtbase.a" "$layout/lib/bgprogress.lib" \
  "$layout/bin/bgprogress.dll"; do
  [ -e "$need" ] || { echo "msvc/run: $need is missing" >&2; exit 1; }
done
command -v lld-link >/dev/null || { echo "msvc/run: lld-link not found (package lld)" >&2; exit 1; }
mkdir -p "$out"
cp "$layout/bin/bgprogress.dll" "$out/"
cxx_renames=""
for f in InterlockedAnd64 InterlockedCompareExchangePointer InterlockedDecrement64 \
  InterlockedExchangeAdd64 InterlockedExchangePointer InterlockedIncrement64 InterlockedOr64 \
  InterlockedXor64 InterlockedCompareExchange128; do
  cxx_renames+=" -D_$f=wine_$f"
done
for lang in c cpp; do
  if [ "$lang" = c ]; then std="-std=c11"; extra=""; else std="-std=c++11"; extra="-fno-builtin $cxx_renames"; fi
  # shellcheck disable=SC2086
  clang --target="$arch-pc-windows-msvc" $std $extra -O1 -Wall -Wextra -Werror -nostdinc \
    -isystem "$(clang -print-resource-dir)/include" -isystem "$wine_inc/msvcrt" \
    -isystem "$wine_inc/windows" -I"$layout/include" -c "$here/consumer.$lang" -o "$out/consumer-$lang.obj"
  # No CRT start-up object exists outside the MSVC CRT: the program starts at main.
  lld-link /nologo /safeseh:no /machine:$machine /subsystem:console /entry:main \
    /out:"$out/consumer-$lang.exe" "$out/consumer-$lang.obj" "$layout/lib/bgprogress.lib" \
    "$wine_lib/libucrtbase.a" "$wine_lib/libkernel32.a" "$wine_lib/libntdll.a"
  "$root/c-tests/windows/wine/run" "$out/consumer-$lang.exe"
done
