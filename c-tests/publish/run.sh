#!/usr/bin/env bash
# Published jobs across processes (make publish-test), in a private BGPROGRESS_DIR:
#   c-tests/publish/run.sh TOOL [KILLS]
# - a publisher (TOOL publish, its own process) with 4 writer threads and two reader
#   processes reading as fast as they can: every read valid and never backwards, the state
#   change TRANSFERRING -> TRANSFERRED seen, and each reader's final read equal to the
#   publisher's final snapshot; then the name is gone once the publisher closes;
# - KILLS times (default 40): a publisher killed with SIGKILL at a random moment of its
#   updates; a reader then opens the job, reads a valid state and sees it stale; every other
#   time a new publisher takes the name over at once, else bg_jobs_prune removes it.
# With PUBLISH_RUNNER set (c-tests/windows/wine/run), TOOL is a Windows program and every
# process of the test is a Windows process under that runner; the jobs directory is then
# given to them as a Windows path (Wine's Z: drive).
set -euo pipefail
tool=$1 kills=${2:-40}
dir=$(mktemp -d)
chmod 700 "$dir"
export BGPROGRESS_DIR=$dir
run=()
if [ -n "${PUBLISH_RUNNER:-}" ]; then
  run=("$PUBLISH_RUNNER")
  export BGPROGRESS_DIR="Z:$dir"
fi
# Waits up to 30 s for PATTERN in FILE.
wait_for() { for _ in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
fail() { echo "publish-test: FAILED: $*" >&2; exit 1; }

# Cross-process: one publisher, two readers.
mkfifo "$dir/stdin"
"${run[@]}" "$tool" publish cross 4 200000 < "$dir/stdin" > "$dir/publisher.out" &
publisher=$!
exec 3> "$dir/stdin" # the publisher's stdin, held open until the readers are done
wait_for "$dir/publisher.out" published || fail "the publisher did not publish"
"${run[@]}" "$tool" read cross > "$dir/reader1.out" &
r1=$!
"${run[@]}" "$tool" read cross > "$dir/reader2.out" &
r2=$!
# The writers start once both readers have read once, so that each sees TRANSFERRING
# however fast the writers are.
wait_for "$dir/reader1.out" opened && wait_for "$dir/reader2.out" opened || true
echo go >&3
wait "$r1" || fail "reader 1: $(cat "$dir/reader1.out")"
wait "$r2" || fail "reader 2: $(cat "$dir/reader2.out")"
exec 3>&-
wait "$publisher" || fail "the publisher failed"
sed -i 's/\r$//' "$dir"/*.out # Windows programs end their lines with CR LF
want=$(grep '^final' "$dir/publisher.out")
for r in 1 2; do
  got=$(grep '^final' "$dir/reader$r.out")
  [ "$got" = "$want" ] || fail "reader $r ended at '$got', the publisher at '$want'"
done
[ ! -e "$dir/cross.job" ] || fail "the name is still there after the publisher closed it"
echo "publish-test: ok: 2 readers, $(grep -h '^reads' "$dir"/reader?.out | awk '{ s += $2 } END { print s }') reads, all valid and in order, ended at the publisher's final state ($want)"

# Killed publishers.
taken=0 pruned=0
for i in $(seq "$kills"); do
  "${run[@]}" "$tool" publish killed 2 0 < /dev/null > "$dir/killed.out" &
  pid=$!
  wait_for "$dir/killed.out" published || fail "kill $i: the publisher did not publish"
  sleep "0.0$((RANDOM % 30))"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  out=$("${run[@]}" "$tool" stale killed) || fail "kill $i: the job of a killed publisher: $out"
  if [ $((i % 2)) -eq 0 ]; then
    "${run[@]}" "$tool" publish killed 1 10 < /dev/null > "$dir/taker.out" || fail "kill $i: no takeover"
    grep -q '^final' "$dir/taker.out" || fail "kill $i: the new publisher did not finish"
    taken=$((taken + 1))
  else
    [ "$("${run[@]}" "$tool" prune | tr -d '\r')" = "removed 1" ] || fail "kill $i: prune did not remove the stale job"
    [ ! -e "$dir/killed.job" ] || fail "kill $i: the stale job is still there"
    pruned=$((pruned + 1))
  fi
done
echo "publish-test: ok: $kills publishers killed with SIGKILL mid-update: each job read valid and stale; $taken taken over, $pruned pruned"
