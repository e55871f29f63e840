#!/usr/bin/env bash
# `make lib`: builds the FFI crate with cargo and stages libbgprogress under its installed
# names in BUILD/lib, wherever cargo put its output (CARGO_TARGET_DIR, CARGO_BUILD_TARGET and
# the rest are cargo's business: its JSON messages say where the files are).
#   packaging/stage-lib.sh BUILD VERSION
# The static library keeps only the bg_* symbols global and carries no LLVM bitcode, so that
# it links beside any other Rust static library (no duplicate rust_eh_personality or std
# symbols) and survives `ranlib` with an LLVM plugin.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1 version=${2:-}
cargo=${CARGO:-cargo}
command -v "$cargo" >/dev/null ||
  { echo "make: '$cargo' not found: install Rust with rustup, or set CARGO=/path/to/cargo" >&2; exit 1; }
[ -n "$version" ] ||
  { echo "make: '$cargo pkgid' gave no version: run make from the repository" >&2; exit 1; }
mkdir -p "$build/lib"

artifacts=$("$cargo" build --release -p bgprogress-ffi --message-format=json-render-diagnostics |
  python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "bgprogress_ffi":
        print("\n".join(m["filenames"]))')
so=$(grep -E '\.so$' <<<"$artifacts" || true)
archive=$(grep -E '\.a$' <<<"$artifacts" || true)
[ -n "$so" ] && [ -n "$archive" ] || { echo "stage-lib: cargo reported no .so and .a: $artifacts" >&2; exit 1; }

# The SONAME policy lives in crates/bgprogress-ffi/build.rs: read it off cargo's cdylib.
soname=$(objdump -p "$so" | awk '/SONAME/ { print $2 }')
[ -n "$soname" ] || { echo "stage-lib: $so has no SONAME" >&2; exit 1; }

# One relocatable object from the whole archive; then every symbol but the bg_* functions
# of the header made local, and the bitcode sections dropped.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packaging/header-functions.sh > "$work/keep"
ld -r --whole-archive "$archive" -o "$work/all.o"
# The personality routine's COMDAT group is renamed first: another Rust library's group of
# the same name would otherwise be dropped in favour of ours, whose symbol is local.
objcopy --redefine-sym DW.ref.rust_eh_personality=DW.ref.bgprogress_rust_eh_personality \
  --redefine-sym rust_eh_personality=bgprogress_rust_eh_personality "$work/all.o" "$work/renamed.o"
objcopy --keep-global-symbols="$work/keep" -R .llvmbc -R .llvmcmd "$work/renamed.o" "$work/bgprogress.o"
rm -f "$build/lib/libbgprogress.a"
ar rcs "$build/lib/libbgprogress.a" "$work/bgprogress.o"
globals=$(nm -g --defined-only "$build/lib/libbgprogress.a" | awk 'NF == 3 { print $3 }' | sort -u)
if [ "$globals" != "$(cat "$work/keep")" ]; then
  echo "stage-lib: the static library's global symbols are not the header's functions:" >&2
  diff <(echo "$globals") "$work/keep" >&2 || true
  exit 1
fi

"$cargo" rustc --quiet --release -p bgprogress-ffi --lib --crate-type staticlib -- \
  --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -n 1 \
  > "$build/native-static-libs"
[ -s "$build/native-static-libs" ] || echo "-lpthread -ldl -lm" > "$build/native-static-libs"

# The shared library, linked here from the same object so that its symbols carry a version
# (BGPROGRESS_0.1 for the SONAME libbgprogress.so.0.1): rustc's own version script for a
# cdylib cannot name one. It exports exactly the header's functions.
sover=${soname#libbgprogress.so.}
{ echo "BGPROGRESS_$sover {"; echo "  global:"; sed 's/.*/    &;/' "$work/keep"; echo "  local:"; echo "    *;"; echo "};"; } \
  > "$build/bgprogress.map"
staged=$build/lib/libbgprogress.so.$version
# shellcheck disable=SC2046
${CC:-cc} -shared -o "$staged" -Wl,-soname,"$soname" -Wl,--version-script="$build/bgprogress.map" \
  -Wl,--gc-sections -Wl,-z,relro,-z,now -Wl,--no-undefined "$work/bgprogress.o" \
  $(grep -o -- '-l[a-z_0-9]*' "$build/native-static-libs" | grep -vx -- '-lc')
ln -sf "libbgprogress.so.$version" "$build/lib/$soname"
ln -sf "$soname" "$build/lib/libbgprogress.so"
unversioned=$(objdump -T "$staged" | awk '$2 == "g" && $NF ~ /^bg_/ && $(NF-1) != "BGPROGRESS_'"$sover"'"' || true)
[ -z "$unversioned" ] || { echo "stage-lib: unversioned exports: $unversioned" >&2; exit 1; }
echo "stage-lib: $staged ($soname, symbols BGPROGRESS_$sover), $build/lib/libbgprogress.a ($(wc -l < "$work/keep") global symbols)"
