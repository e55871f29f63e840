#!/usr/bin/env bash
# `make examples-test`: the command lines of the examples (bgcopy in C, its Rust twin), on a
# small copy with a file of unknown size (a FIFO), and bgcopy's errors.
#   examples/test.sh BGCOPY
set -euo pipefail
cd "$(dirname "$0")/.."
bgcopy=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
stage=$(mktemp -d "${TMPDIR:-/tmp}/bgprogress-examples.XXXXXX")
trap 'rm -rf "$stage"' EXIT
fail() { echo "examples-test: FAILED: $*" >&2; exit 1; }
pass=0
ok() { echo "examples-test: ok: $*"; pass=$((pass + 1)); }

# bgcopy: a small copy with a file of unknown size, and its errors.
mkdir -p "$stage/src" "$stage/dst"
head -c 3000000 /dev/urandom > "$stage/src/a.bin"
head -c 1000 /dev/urandom > "$stage/src/b.bin"
head -c 123456 /dev/urandom > "$stage/stream"
mkfifo "$stage/src/pipe"
cat "$stage/stream" > "$stage/src/pipe" &
summary=$("$bgcopy" "$stage/src/pipe" "$stage/src/a.bin" "$stage/src/b.bin" "$stage/dst" 2>/dev/null)
wait
[ "$summary" = "${summary#bgcopy: copied 2.97 MiB of 2.97 MiB (100%), 3 of 3 files in }" ] && fail "bgcopy said: $summary"
cmp "$stage/src/a.bin" "$stage/dst/a.bin" && cmp "$stage/src/b.bin" "$stage/dst/b.bin" && cmp "$stage/stream" "$stage/dst/pipe"
ok "bgcopy copied 3 files, one of unknown size: $summary"
if "$bgcopy" "$stage/src/missing" "$stage/dst" 2>"$stage/err"; then fail "bgcopy accepted a missing source"; fi
grep -q "cannot read .*missing" "$stage/err" || fail "bgcopy's error: $(cat "$stage/err")"
if "$bgcopy" "$stage/src/a.bin" "$stage/nodir" 2>"$stage/err"; then fail "bgcopy accepted a missing destination"; fi
grep -q "not a directory" "$stage/err" || fail "bgcopy's error: $(cat "$stage/err")"
if "$bgcopy" "$stage/src/a.bin" "$stage/src" 2>"$stage/err"; then fail "bgcopy copied a file onto itself"; fi
grep -q "onto itself" "$stage/err" || fail "bgcopy's error: $(cat "$stage/err")"
cmp -s "$stage/src/a.bin" "$stage/dst/a.bin" || fail "the source was damaged"
mkdir -p "$stage/other" && cp "$stage/src/b.bin" "$stage/other/a.bin"
if "$bgcopy" "$stage/src/a.bin" "$stage/other/a.bin" "$stage/dst" 2>"$stage/err"; then fail "bgcopy accepted two sources of one name"; fi
grep -q "would both be copied" "$stage/err" || fail "bgcopy's error: $(cat "$stage/err")"
ok "bgcopy reports a missing source, a missing destination, a copy onto itself and two sources of one name, exit status 1"

# --publish: the job is visible under its name while the copy runs (as a job file of the
# private jobs directory), ends TRANSFERRED, and the name is gone after; a bad name is refused.
jobs=$stage/jobs
mkdir -m 700 "$jobs"
mkdir -p "$stage/dst-pub"
BGPROGRESS_DIR=$jobs "$bgcopy" --limit 4 --publish copy-job "$stage/src/a.bin" "$stage/src/b.bin" "$stage/dst-pub" \
  >/dev/null 2>&1 &
copier=$!
seen=0
for _ in $(seq 100); do [ -e "$jobs/copy-job.job" ] && { seen=1; break; }; sleep 0.02; done
wait "$copier" || fail "bgcopy --publish failed"
[ "$seen" = 1 ] || fail "bgcopy --publish: no job file appeared while it copied"
[ ! -e "$jobs/copy-job.job" ] || fail "bgcopy --publish: the name is still there after it ended"
set +e; BGPROGRESS_DIR=$jobs "$bgcopy" --publish ../bad "$stage/src/a.bin" "$stage/dst-pub" 2>"$stage/err"; status=$?; set -e
[ "$status" -eq 1 ] && grep -q "cannot publish as ../bad" "$stage/err" || fail "bgcopy --publish ../bad: $status $(cat "$stage/err")"
ok "bgcopy --publish NAME: the job file exists while it copies and is gone after; a bad name is refused"

# The Rust twin of bgcopy, on the same sources.
mkdir -p "$stage/dst-rust"
cat "$stage/stream" > "$stage/src/pipe" &
summary=$(cargo run --quiet --release -p bgprogress --example copy -- "$stage/src/pipe" "$stage/src/a.bin" "$stage/src/b.bin" "$stage/dst-rust" 2>/dev/null)
wait
[ "$summary" = "${summary#copy: copied 2.97 MiB of 2.97 MiB (100%), 3 of 3 files in }" ] && fail "the Rust example said: $summary"
cmp "$stage/src/a.bin" "$stage/dst-rust/a.bin" && cmp "$stage/stream" "$stage/dst-rust/pipe"
ok "the Rust example (crates/bgprogress/examples/copy.rs) copied the same 3 files"

# --help and --version on stdout with status 0; bad options are usage errors (status 2).
"$bgcopy" --help > "$stage/out" 2>"$stage/err" || fail "bgcopy --help failed"
grep -q '^usage: bgcopy' "$stage/out" && [ ! -s "$stage/err" ] || fail "bgcopy --help: $(cat "$stage/out" "$stage/err")"
"$bgcopy" --version > "$stage/out" || fail "bgcopy --version failed"
grep -q '^bgcopy (libbgprogress [0-9]*\.[0-9]*\.[0-9]*)$' "$stage/out" || fail "bgcopy --version: $(cat "$stage/out")"
for bad in "--limit abc" "--limit 0" "--limit -3" "--limit 5x" "--limit" "--fast" "--publish"; do
  # shellcheck disable=SC2086
  set +e; "$bgcopy" $bad "$stage/src/a.bin" "$stage/dst" 2>"$stage/err"; status=$?; set -e
  [ "$status" -eq 2 ] || fail "bgcopy $bad: exit status $status, not 2"
done
ok "bgcopy --help and --version on stdout (status 0); bad options refused with status 2"
echo "examples-test: $pass passed, 0 failed"
