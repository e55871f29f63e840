#!/usr/bin/env bash
# The staged-install consumer test of `make test`: installs into a temporary DESTDIR, then
# builds and runs the examples the way a user would, through pkg-config only (never target/).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
minor=$(echo "$version" | cut -d. -f2)
major=${version%%.*}
if [ "$major" = 0 ]; then sover="0.$minor"; else sover=$major; fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/bgprogress-consumer.XXXXXX")
trap 'rm -rf "$stage"' EXIT
fail() { echo "consumer-test: FAILED: $*" >&2; exit 1; }
pass=0
ok() { echo "consumer-test: ok: $*"; pass=$((pass + 1)); }

make --no-print-directory install DESTDIR="$stage" PREFIX=/usr >/dev/null
lib="$stage/usr/lib"

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

# bgcopy: a small copy with a file of unknown size, and its errors.
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror -O2 $cflags examples/c/bgcopy.c -o "$stage/bgcopy" $libs -lpthread -lm
mkdir -p "$stage/src" "$stage/dst"
head -c 3000000 /dev/urandom > "$stage/src/a.bin"
head -c 1000 /dev/urandom > "$stage/src/b.bin"
head -c 123456 /dev/urandom > "$stage/stream"
mkfifo "$stage/src/pipe"
cat "$stage/stream" > "$stage/src/pipe" &
summary=$(LD_LIBRARY_PATH="$lib" "$stage/bgcopy" "$stage/src/pipe" "$stage/src/a.bin" "$stage/src/b.bin" "$stage/dst" 2>/dev/null)
wait
[ "$summary" = "${summary#bgcopy: copied 2.97 MiB of 2.97 MiB (100%), 3 of 3 files in }" ] && fail "bgcopy said: $summary"
cmp "$stage/src/a.bin" "$stage/dst/a.bin" && cmp "$stage/src/b.bin" "$stage/dst/b.bin" && cmp "$stage/stream" "$stage/dst/pipe"
ok "bgcopy copied 3 files, one of unknown size: $summary"
if LD_LIBRARY_PATH="$lib" "$stage/bgcopy" "$stage/src/missing" "$stage/dst" 2>"$stage/err"; then fail "bgcopy accepted a missing source"; fi
grep -q "cannot read .*missing" "$stage/err" || fail "bgcopy's error: $(cat "$stage/err")"
if LD_LIBRARY_PATH="$lib" "$stage/bgcopy" "$stage/src/a.bin" "$stage/nodir" 2>"$stage/err"; then fail "bgcopy accepted a missing destination"; fi
grep -q "not a directory" "$stage/err" || fail "bgcopy's error: $(cat "$stage/err")"
if LD_LIBRARY_PATH="$lib" "$stage/bgcopy" "$stage/src/a.bin" "$stage/src" 2>"$stage/err"; then fail "bgcopy copied a file onto itself"; fi
grep -q "onto itself" "$stage/err" || fail "bgcopy's error: $(cat "$stage/err")"
cmp -s "$stage/src/a.bin" "$stage/dst/a.bin" || fail "the source was damaged"
mkdir -p "$stage/other" && cp "$stage/src/b.bin" "$stage/other/a.bin"
if LD_LIBRARY_PATH="$lib" "$stage/bgcopy" "$stage/src/a.bin" "$stage/other/a.bin" "$stage/dst" 2>"$stage/err"; then fail "bgcopy accepted two sources of one name"; fi
grep -q "would both be copied" "$stage/err" || fail "bgcopy's error: $(cat "$stage/err")"
ok "bgcopy reports a missing source, a missing destination, a copy onto itself and two sources of one name, exit status 1"

# The Rust twin of bgcopy, on the same sources.
mkdir -p "$stage/dst-rust"
cat "$stage/stream" > "$stage/src/pipe" &
summary=$(cargo run --quiet --release -p bgprogress --example copy -- "$stage/src/pipe" "$stage/src/a.bin" "$stage/src/b.bin" "$stage/dst-rust" 2>/dev/null)
wait
[ "$summary" = "${summary#copy: copied 2.97 MiB of 2.97 MiB (100%), 3 of 3 files in }" ] && fail "the Rust example said: $summary"
cmp "$stage/src/a.bin" "$stage/dst-rust/a.bin" && cmp "$stage/stream" "$stage/dst-rust/pipe"
ok "the Rust example (crates/bgprogress/examples/copy.rs) copied the same 3 files"

make --no-print-directory uninstall DESTDIR="$stage" PREFIX=/usr >/dev/null
left=$(cd "$stage" && find usr -type f -o -type l)
[ -z "$left" ] || fail "uninstall left: $left"
ok "uninstall removes exactly what install put"
echo "consumer-test: $pass passed, 0 failed"
