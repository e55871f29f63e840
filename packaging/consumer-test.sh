#!/usr/bin/env bash
# The staged-install consumer test of `make test`: installs into a temporary DESTDIR, then
# builds and runs the examples the way a user would, through pkg-config only (never target/).
# It checks the installed package only; the examples' own command lines are tested by
# examples/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(make --no-print-directory -s version)

stage=$(mktemp -d "${TMPDIR:-/tmp}/bgprogress-consumer.XXXXXX")
trap 'rm -rf "$stage"' EXIT
fail() { echo "consumer-test: FAILED: $*" >&2; exit 1; }
pass=0
ok() { echo "consumer-test: ok: $*"; pass=$((pass + 1)); }

make --no-print-directory install DESTDIR="$stage" PREFIX=/usr >/dev/null
lib="$stage/usr/lib"
# The SONAME policy lives in crates/bgprogress-ffi/build.rs alone; here it is read off the
# installed library, and the links must follow it.
sover=$(objdump -p "$lib/libbgprogress.so.$version" | awk '/SONAME/ { sub(/^libbgprogress\.so\./, "", $2); print $2 }')
[ -n "$sover" ] || fail "the installed library has no SONAME"

# Exactly the promised files.
expected="usr/include/bgprogress.h
usr/lib/libbgprogress.a
usr/lib/libbgprogress.so
usr/lib/libbgprogress.so.$sover
usr/lib/libbgprogress.so.$version
usr/lib/pkgconfig/bgprogress.pc"
actual=$(cd "$stage" && find . -type f -o -type l | sed 's|^\./||' | sort)
[ "$actual" = "$expected" ] || fail "installed files differ:\n$actual"
ok "install lays out $(echo "$expected" | wc -l) files"

soname=$(objdump -p "$lib/libbgprogress.so.$version" | awk '/SONAME/ { print $2 }')
[ "$soname" = "libbgprogress.so.$sover" ] || fail "SONAME is '$soname'"
ok "SONAME $soname"

others=$(nm -D --defined-only "$lib/libbgprogress.so.$version" | awk '{ print $3 }' | grep -v '^bg_' || true)
[ -z "$others" ] || fail "exported beyond bg_*: $others"
ok "only bg_* exported ($(nm -D --defined-only "$lib/libbgprogress.so.$version" | grep -c ' bg_') functions)"

export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
[ "$(pkg-config --modversion bgprogress)" = "$version" ] || fail "pkg-config version"
cflags=$(pkg-config --cflags bgprogress)
libs=$(pkg-config --libs bgprogress)
static_libs=$(pkg-config --static --libs bgprogress | sed 's/-lbgprogress/-Wl,-Bstatic -lbgprogress -Wl,-Bdynamic/')

want_progress="percent: 50
job: 1.50 MiB of 3.00 MiB (50%), 1 of 2 files
add_bytes: the transferred bytes are, or would be, more than the total
from files: 1.50 MiB of 3.00 MiB (50%), 1 of 2 files
percent: the total size is not known (BG_SIZE_UNKNOWN)
version: $version"

# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags examples/c/progress.c -o "$stage/progress" $libs
got=$(LD_LIBRARY_PATH="$lib" "$stage/progress")
[ "$got" = "$want_progress" ] || fail "progress (shared) printed:\n$got"
ok "examples/c/progress.c linked shared through pkg-config"

# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags examples/c/progress.c -o "$stage/progress-static" $static_libs
if readelf -d "$stage/progress-static" | grep -q 'libbgprogress'; then fail "static build needs the shared library"; fi
got=$("$stage/progress-static")
[ "$got" = "$want_progress" ] || fail "progress (static) printed:\n$got"
ok "examples/c/progress.c linked static through pkg-config --static"

# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags examples/c/workers.c -o "$stage/workers" $libs -lpthread
got=$(LD_LIBRARY_PATH="$lib" "$stage/workers")
[ "$got" = "15.62 MiB of 15.62 MiB (100%), 4 of 4 files" ] || fail "workers printed: $got"
ok "examples/c/workers.c (4 threads and a reader)"

# shellcheck disable=SC2086
g++ -Wall -Wextra -Werror $cflags examples/c/progress.cpp -o "$stage/progress-cxx" $libs
got=$(LD_LIBRARY_PATH="$lib" "$stage/progress-cxx")
[ "$got" = "c++: 1.00 GiB of 3.00 GiB (33%), 0 of 1 files" ] || fail "C++ printed: $got"
ok "examples/c/progress.cpp built with g++"

make --no-print-directory uninstall DESTDIR="$stage" PREFIX=/usr >/dev/null
left=$(cd "$stage" && find usr -type f -o -type l)
[ -z "$left" ] || fail "uninstall left: $left"
ok "uninstall removes exactly what install put"
echo "consumer-test: $pass passed, 0 failed"
