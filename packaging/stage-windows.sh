#!/usr/bin/env bash
# `make windows` / `make windows-i686`: cross-builds the FFI crate with mingw-w64 and stages
# the Windows install layout a Windows developer gets:
#   packaging/stage-windows.sh ARCH OUT VERSION      (ARCH: x86_64 or i686)
#   OUT/bin/bgprogress.dll
#   OUT/lib/bgprogress.lib        MSVC import library (llvm-dlltool, from bgprogress.def)
#   OUT/lib/bgprogress.def        the DLL's exports, written from its export table
#   OUT/lib/libbgprogress.dll.a   mingw import library
#   OUT/lib/libbgprogress.a       static library, mingw only (an MSVC link refuses it)
#   OUT/include/bgprogress.h
#   OUT/lib/cmake/bgprogress/     CMake package: IMPORTED_IMPLIB per toolchain, the DLL
#   OUT/lib/pkgconfig/bgprogress.pc
# Every path in the CMake and pkg-config files is relative to the file itself, so the layout
# works wherever it is copied (make install-windows PREFIX=...).
set -euo pipefail
cd "$(dirname "$0")/.."
arch=$1 out=$2 version=$3
cargo=${CARGO:-cargo}
case $arch in
  x86_64) machine=i386:x86-64 ;;
  i686) machine=i386 ;;
  *) echo "stage-windows: ARCH is x86_64 or i686, not '$arch'" >&2; exit 2 ;;
esac
target=$arch-pc-windows-gnu
for tool in "$arch-w64-mingw32-objdump" llvm-dlltool; do
  command -v "$tool" >/dev/null ||
    { echo "stage-windows: '$tool' not found (packages: mingw-w64, llvm)" >&2; exit 1; }
done

"$cargo" build --release --target "$target" -p bgprogress-ffi
built=${CARGO_TARGET_DIR:-target}/$target/release
rm -rf "$out"
mkdir -p "$out/bin" "$out/lib/cmake/bgprogress" "$out/lib/pkgconfig" "$out/include"
cp "$built/bgprogress_ffi.dll" "$out/bin/bgprogress.dll"
cp "$built/libbgprogress_ffi.dll.a" "$out/lib/libbgprogress.dll.a"
cp "$built/libbgprogress_ffi.a" "$out/lib/libbgprogress.a"
cp include/bgprogress.h "$out/include/"
c-tests/windows/check-exports.sh "$arch-w64-mingw32-objdump" "$out/bin/bgprogress.dll" include/bgprogress.h

# The .def from the DLL's export table (check-exports has just compared it with the header),
# and the MSVC import library from the .def. For i386 the C names get MSVC's leading
# underscore (cdecl); nothing in the header is stdcall.
{
  echo "LIBRARY bgprogress.dll"
  echo "EXPORTS"
  "$arch-w64-mingw32-objdump" -p "$out/bin/bgprogress.dll" |
    sed -n '/Ordinal\/Name Pointer\] Table/,/^$/p' | sed -n 's/^\s*\[ *[0-9]*\] \(bg_.*\)$/    \1/p'
} > "$out/lib/bgprogress.def"
llvm-dlltool -m "$machine" -d "$out/lib/bgprogress.def" -D bgprogress.dll -l "$out/lib/bgprogress.lib"

# What the static library needs besides (rustc says; the same for every mingw program).
private=$("$cargo" rustc --quiet --release --target "$target" -p bgprogress-ffi --lib \
  --crate-type staticlib -- --print native-static-libs 2>&1 |
  sed -n 's/.*native-static-libs: //p' | tail -n 1)
[ -n "$private" ] || { echo "stage-windows: rustc printed no native-static-libs" >&2; exit 1; }
private_cmake=$(for l in $private; do echo -n "${l#-l};"; done)
pointer=$([ "$arch" = i686 ] && echo 4 || echo 8)

sed -e "s|@VERSION@|$version|" -e "s|@PRIVATE_CMAKE@|${private_cmake%;}|" \
  packaging/cmake/bgprogressConfig-windows.cmake.in > "$out/lib/cmake/bgprogress/bgprogressConfig.cmake"
sed -e "s|@VERSION@|$version|" -e "s|@SIZEOF_VOID_P@|$pointer|" \
  packaging/cmake/bgprogressConfigVersion.cmake.in > "$out/lib/cmake/bgprogress/bgprogressConfigVersion.cmake"
# pkg-config: the prefix is found from the file (pkgconf and pkg-config --define-prefix).
sed -e 's|@PREFIX@|${pcfiledir}/../..|' -e 's|@LIBDIR@|${prefix}/lib|' -e 's|@INCDIR@|${prefix}/include|' \
  -e "s|@VERSION@|$version|" -e "s|@PRIVATE@|$private|" packaging/bgprogress.pc.in > "$out/lib/pkgconfig/bgprogress.pc"
echo "stage-windows: $out: bin/bgprogress.dll, lib/{bgprogress.lib,bgprogress.def,libbgprogress.dll.a,libbgprogress.a}, include/, lib/cmake/bgprogress/, lib/pkgconfig/ ($(grep -c '^    bg_' "$out/lib/bgprogress.def") exports)"
