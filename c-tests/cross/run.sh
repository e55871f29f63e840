#!/usr/bin/env bash
# `make cross-test`: the library and its tests run, not only compiled, where layouts and
# memory models differ, under qemu-user (as cross-rs does):
#   c-tests/cross/run.sh [TARGET...]     (default: the four below)
#   aarch64-unknown-linux-gnu      64-bit, weakly ordered memory
#   armv7-unknown-linux-gnueabihf  32-bit, uint64_t aligned to 8
#   i686-unknown-linux-gnu         32-bit, uint64_t aligned to 4 in structs: run natively
#                                  (the x86_64 kernel runs 32-bit programs; Debian's
#                                  qemu-i386 7.2 hangs in every pthread_create here)
#   s390x-unknown-linux-gnu        64-bit, big-endian
# For each: the core crate's unit and integration tests (properties with fewer cases, the
# tracker's stress test with several threads), the FFI crate's tests, the Rust side of the C
# interop tests (structs filled in C and checked in Rust, and back), and the whole C suite
# built by the target's cross compiler against the target's libbgprogress, run under
# qemu-TARGET -L /usr/TRIPLE, printing its byte order and a struct's bytes. Doctests are not
# run (stable cargo builds them for the host only); loom, Miri and fuzzing stay native.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
cargo=${CARGO:-cargo}
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf \
  i686-unknown-linux-gnu s390x-unknown-linux-gnu)
summary=()
for target in "${targets[@]}"; do
  case $target in
    aarch64-unknown-linux-gnu) triple=aarch64-linux-gnu qemu=qemu-aarch64 ;;
    armv7-unknown-linux-gnueabihf) triple=arm-linux-gnueabihf qemu=qemu-arm ;;
    i686-unknown-linux-gnu) triple=i686-linux-gnu qemu=native ;;
    s390x-unknown-linux-gnu) triple=s390x-linux-gnu qemu=qemu-s390x ;;
    *) echo "cross-test: no qemu set-up for $target" >&2; exit 2 ;;
  esac
  if [ "$qemu" = native ]; then
    [ -e /lib/ld-linux.so.2 ] || { echo "cross-test: $target runs natively: needs libc6:i386" >&2; exit 1; }
    run=()
  else
    run=("$qemu" -L "/usr/$triple")
  fi
  for tool in "$triple-gcc" "$triple-g++" "${run[@]:0:1}"; do
    command -v "$tool" >/dev/null ||
      { echo "cross-test: $tool not found (packages g++-$triple, qemu-user)" >&2; exit 1; }
  done
  rustup target list --installed 2>/dev/null | grep -qx "$target" ||
    { echo "cross-test: rustup target add $target" >&2; exit 1; }
  upper=$(tr 'a-z-' 'A-Z_' <<<"$target")
  lower=$(tr '-' '_' <<<"$target")
  export "CARGO_TARGET_${upper}_LINKER=$triple-gcc"
  if [ "${#run[@]}" -gt 0 ]; then
    export "CARGO_TARGET_${upper}_RUNNER=${run[*]}"
  fi
  export "CC_${lower}=$triple-gcc" "CXX_${lower}=$triple-g++" "AR_${lower}=$triple-ar"
  how=${run[*]:-natively}
  echo "cross-test: $target: ${how}"
  start=$SECONDS
  # Emulation is slow: fewer property cases and stress iterations than natively.
  PROPTEST_CASES=256 BGT_STRESS_ITERS=20000 \
    "$cargo" test --quiet --target "$target" -p bgprogress --features serde,bytemuck --lib --tests 2>&1 |
    grep -E '^test result|FAILED|panicked' | sed "s/^/  $target: core: /"
  "$cargo" test --quiet --target "$target" -p bgprogress-ffi 2>&1 |
    grep -E '^test result|FAILED|panicked' | sed "s/^/  $target: ffi: /"
  # The c:: tests run each C test in a child process of the test binary, which qemu-user does
  # not follow into; the C suite runs below through its own runner instead.
  "$cargo" test --quiet --target "$target" -p bgprogress-c-tests -- --skip c:: 2>&1 |
    grep -E '^test result|FAILED|panicked' | sed "s/^/  $target: C interop (Rust side): /"
  "$cargo" build --quiet --release --target "$target" -p bgprogress-ffi
  out=$root/build/cross/$target
  mkdir -p "$out"
  "$triple-g++" -std=c++11 -O1 -Wall -Wextra -Werror -Iinclude -c c-tests/c/header_cxx.cpp -o "$out/header_cxx.o"
  "$triple-gcc" -std=c11 -O1 -g -Wall -Wextra -Wpedantic -Werror -Wmissing-prototypes -Iinclude \
    -Ic-tests/c c-tests/c/*.c c-tests/runner/main.c "$out/header_cxx.o" \
    "${CARGO_TARGET_DIR:-target}/$target/release/libbgprogress_ffi.a" -lpthread -ldl -lm -o "$out/ctests"
  BGT_STRESS_ITERS=20000 "${run[@]}" "$out/ctests" > "$out/ctests.log" 2>&1 ||
    { cat "$out/ctests.log"; echo "cross-test: $target: the C suite FAILED" >&2; exit 1; }
  grep -E '^layout:|^ctests:' "$out/ctests.log" | sed "s/^/  $target: C suite: /"
  summary+=("$target: core, ffi, C interop and the C suite passed, ${how} ($((SECONDS - start)) s)")
done
printf 'cross-test: %s\n' "${summary[@]}"
