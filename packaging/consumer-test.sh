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

make --no-print-directory lib cli man >/dev/null
make --no-print-directory install DESTDIR="$stage" PREFIX=/usr >/dev/null
lib="$stage/usr/lib"
# The SONAME policy lives in crates/bgprogress-ffi/build.rs alone; here it is read off the
# installed library, and the links must follow it.
sover=$(objdump -p "$lib/libbgprogress.so.$version" | awk '/SONAME/ { sub(/^libbgprogress\.so\./, "", $2); print $2 }')
[ -n "$sover" ] || fail "the installed library has no SONAME"

# Exactly the promised files.
expected="usr/bin/bgprogress
usr/include/bgprogress.h
usr/lib/cmake/bgprogress/bgprogressConfig.cmake
usr/lib/cmake/bgprogress/bgprogressConfigVersion.cmake
usr/lib/libbgprogress.a
usr/lib/libbgprogress.so
usr/lib/libbgprogress.so.$sover
usr/lib/libbgprogress.so.$version
usr/lib/pkgconfig/bgprogress.pc
usr/share/bgprogress/bgprogress.supp"
actual=$(cd "$stage" && find . -type f -o -type l | sed 's|^\./||' | grep -v '^usr/share/man/' | sort)
[ "$actual" = "$expected" ] || fail "installed files differ:\n$actual"
ok "install lays out $(echo "$expected" | wc -l) files"
for f in "$lib/libbgprogress.so.$version" "$lib/libbgprogress.a"; do
  ! readelf -S "$f" 2>/dev/null | grep -q '\.debug_info' || fail "$f has debug information"
done
! grep -qE -- '-lgcc_s|-lc( |$)' "$lib/pkgconfig/bgprogress.pc" ||
  fail "Libs.private names libgcc_s or libc: $(grep Libs.private "$lib/pkgconfig/bgprogress.pc")"
ok "installed libraries without debug information; Libs.private without -lgcc_s and -lc"
if make --no-print-directory install DESTDIR="$stage/rel" PREFIX=relative >/dev/null 2>&1; then
  fail "a relative PREFIX was accepted"
fi
ok "a relative PREFIX is refused"

# The man pages: one for the library and one for every exported function, readable by man.
man3="$stage/usr/share/man/man3"
[ -f "$man3/bgprogress.3" ] || fail "no bgprogress(3) installed"
for f in $(packaging/header-functions.sh); do
  [ -e "$man3/$f.3" ] || fail "no man page for $f"
done
page=$(cd / && MANWIDTH=100 man -l "$man3/bg_tracker_snapshot.3" 2>&1)
grep -q '#include <bgprogress.h>' <<<"$page" || fail "bg_tracker_snapshot(3) has no SYNOPSIS: $page"
grep -q 'Writes a consistent copy of the progress' <<<"$page" || fail "bg_tracker_snapshot(3) lacks its text"
MANWIDTH=100 man -l "$man3/bgprogress.3" 2>&1 | grep -q 'bg_job_progress_percent' ||
  fail "bgprogress(3) does not render"
ok "man pages: bgprogress(3) and all $(packaging/header-functions.sh | wc -l) functions, rendered by man -l"

soname=$(objdump -p "$lib/libbgprogress.so.$version" | awk '/SONAME/ { print $2 }')
[ "$soname" = "libbgprogress.so.$sover" ] || fail "SONAME is '$soname'"
ok "SONAME $soname"

# The version definition itself shows as an absolute symbol named after it.
others=$(nm -D --defined-only "$lib/libbgprogress.so.$version" | awk '$2 != "A" { print $3 }' | grep -v '^bg_' || true)
[ -z "$others" ] || fail "exported beyond bg_*: $others"
versioned=$(objdump -T "$lib/libbgprogress.so.$version" | grep -c "BGPROGRESS_$sover *bg_" || true)
[ "$versioned" -eq "$(nm -D --defined-only "$lib/libbgprogress.so.$version" | grep -c ' bg_')" ] ||
  fail "not every bg_* symbol carries the version BGPROGRESS_$sover"
ok "only bg_* exported, each as bg_*@@BGPROGRESS_$sover ($versioned functions)"

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

# The static library beside another Rust static library built by another rustc (1.77), in
# one C program; after a plain ranlib too.
other_rustc=${BGP_OTHER_RUSTC:-1.77}
rustc "+$other_rustc" --edition 2021 --crate-type staticlib -O -C panic=unwind \
  --crate-name other_rust_lib packaging/other-rust-lib/lib.rs -o "$stage/libother.a" ||
  fail "rustc +$other_rustc cannot build the other Rust library (rustup toolchain install $other_rustc --profile minimal)"
cp "$lib/libbgprogress.a" "$stage/libbgprogress-ranlib.a" && ranlib "$stage/libbgprogress-ranlib.a"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags packaging/other-rust-lib/main.c "$stage/libbgprogress-ranlib.a" \
  "$stage/libother.a" $(pkg-config --static --libs-only-l bgprogress | sed 's/-lbgprogress//') \
  -o "$stage/two-rust-libs" || fail "libbgprogress.a does not link beside another Rust static library"
got=$("$stage/two-rust-libs") || fail "two-rust-libs: $got"
globals=$(nm -g --defined-only "$lib/libbgprogress.a" | awk 'NF == 3' | grep -vc ' bg_' || true)
[ "$globals" -eq 0 ] || fail "libbgprogress.a has $globals global symbols besides bg_*"
! readelf -S "$lib/libbgprogress.a" | grep -q llvmbc || fail "libbgprogress.a carries LLVM bitcode"
ok "libbgprogress.a (only bg_* global, no bitcode) links beside a Rust $other_rustc static library: $got"

# The README's C snippets (but the Windows one), each as the body of a function, with the
# variables they take as given declared first.
python3 - "$stage" <<'PY'
import re, sys
text = open("README.md").read()
blocks = [b for b in re.findall(r"```c\n(.*?)```", text, re.S) if "<windows.h>" not in b]
out = open(sys.argv[1] + "/readme_snippets.c", "w")
out.write("#include <stdio.h>\n#include <bgprogress.h>\n")
for i, b in enumerate(blocks):
    body = "\n".join(l for l in b.splitlines() if not l.startswith("#include"))
    out.write(f"static int snippet{i}(void) {{\n  uint64_t size = 1000, n = 10;\n{body}\n  (void)size; (void)n; return 0;\n}}\n")
out.write("int main(void) {\n  return " + " + ".join(f"snippet{i}()" for i in range(len(blocks))) + ";\n}\n")
print(f"consumer-test: {len(blocks)} C snippets in README.md", file=sys.stderr)
PY
# shellcheck disable=SC2086
cc -std=c99 -Wall -Wextra -Werror -Wno-unused-variable $cflags "$stage/readme_snippets.c" -o "$stage/readme_snippets" $libs
mkdir -m 700 "$stage/jobs"
got=$(BGPROGRESS_DIR=$stage/jobs LD_LIBRARY_PATH="$lib" "$stage/readme_snippets")
grep -q "the transferred bytes are, or would be, more than the total" <<<"$got" || fail "README snippets printed: $got"
grep -q "10 B of 1000 B (1%), 1 of 1 files" <<<"$got" || fail "README snippets printed: $got"
grep -q "nightly-backup: 0 B of 1000 B (0%), 0 of 1 files, state 6" <<<"$got" || fail "README snippets printed: $got"
ok "the README's C snippets compile and run against the installed library"

# The same install moved to another prefix: pkg-config (--define-prefix), CMake
# (find_package) and Meson find it there, shared and static.
reloc="$stage/relocated/opt/bgp"
mkdir -p "$(dirname "$reloc")" && cp -a "$stage/usr" "$reloc"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror examples/c/progress.c -o "$stage/progress-reloc" \
  $(PKG_CONFIG_PATH="$reloc/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR= pkg-config --define-prefix --cflags --libs bgprogress)
[ "$(LD_LIBRARY_PATH="$reloc/lib" "$stage/progress-reloc")" = "$want_progress" ] || fail "relocated pkg-config build"
ok "pkg-config --define-prefix finds the relocated install"
if command -v cmake >/dev/null; then
  cmake -S packaging/consumers/cmake -B "$stage/cmake-build" -DCMAKE_PREFIX_PATH="$reloc" \
    -DEXAMPLE="$PWD/examples/c/progress.c" >"$stage/cmake.log" 2>&1 &&
    cmake --build "$stage/cmake-build" >>"$stage/cmake.log" 2>&1 || fail "CMake: $(tail -n 20 "$stage/cmake.log")"
  [ "$("$stage/cmake-build/progress_shared")" = "$want_progress" ] || fail "CMake shared build"
  [ "$("$stage/cmake-build/progress_static")" = "$want_progress" ] || fail "CMake static build"
  if readelf -d "$stage/cmake-build/progress_static" | grep -q libbgprogress; then fail "CMake static build needs the .so"; fi
  ok "CMake find_package(bgprogress 0.1 CONFIG REQUIRED), bgprogress::bgprogress and _static, relocated"
else
  fail "cmake is not installed (apt-get install cmake)"
fi
if command -v meson >/dev/null && command -v ninja >/dev/null; then
  # Meson before 1.3 calls the entry pkgconfig, from 1.3 on pkg-config.
  printf "[binaries]\npkgconfig = ['pkg-config', '--define-prefix']\npkg-config = ['pkg-config', '--define-prefix']\n" > "$stage/native.ini"
  PKG_CONFIG_PATH="$reloc/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR= meson setup "$stage/meson-build" \
    packaging/consumers/meson --native-file "$stage/native.ini" -Dexample="$PWD/examples/c/progress.c" \
    >"$stage/meson.log" 2>&1 && ninja -C "$stage/meson-build" >>"$stage/meson.log" 2>&1 ||
    fail "Meson: $(tail -n 20 "$stage/meson.log")"
  ! grep -i "warning" "$stage/meson.log" || fail "Meson warned (above)"
  [ "$(LD_LIBRARY_PATH="$reloc/lib" "$stage/meson-build/progress_shared")" = "$want_progress" ] || fail "Meson shared build"
  [ "$("$stage/meson-build/progress_static")" = "$want_progress" ] || fail "Meson static build"
  ok "Meson dependency('bgprogress'), shared and static, relocated, without a warning"
else
  fail "meson or ninja is not installed (apt-get install meson ninja-build)"
fi

make --no-print-directory uninstall DESTDIR="$stage" PREFIX=/usr >/dev/null
left=$(cd "$stage" && find usr -type f -o -type l)
[ -z "$left" ] || fail "uninstall left: $left"
ok "uninstall removes exactly what install put"
echo "consumer-test: $pass passed, 0 failed"
