#!/usr/bin/env bash
# The bgprogress command against publishers this test starts (make cli-test), in a private
# BGPROGRESS_DIR:
#   c-tests/cli/run.sh BGPROGRESS JOBS_TOOL MANPAGE
# - list, list --json (parsed) and list --prometheus --output (promtool check metrics): the
#   figures, states and process ids of a finished publisher and of one of unknown size;
# - a hostile job file (random bytes) is reported and the other jobs still listed (status 1);
# - watch exit statuses: 0 transferred, 1 cancelled, 3 killed (stale); watch --json lines;
#   watch under a pseudo-terminal (script) redraws in place, without one prints plain lines;
# - prune, usage errors (status 2), --help and --version; the man page renders cleanly.
set -euo pipefail
bgp=$1 tool=$2 man=$3
dir=$(mktemp -d)
chmod 700 "$dir"
export BGPROGRESS_DIR=$dir
trap 'exec 3>&- 4>&- 2>/dev/null; kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
fail() { echo "cli-test: FAILED: $*" >&2; exit 1; }
ok() { echo "cli-test: ok: $*"; }
wait_for() { for _ in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
# status CMD...: the exit status of CMD, without set -e stopping the test.
status() { set +e; "$@"; local s=$?; set -e; return_status=$s; }

# Two publishers that stay published after their writers end (they wait for their stdin).
mkfifo "$dir/in-done" "$dir/in-unknown"
"$tool" publish done 2 1000 < "$dir/in-done" > "$dir/done.out" &
done_pid=$!
exec 3> "$dir/in-done"
"$tool" publish unknown 1 500 2 unknown < "$dir/in-unknown" > "$dir/unknown.out" &
unknown_pid=$!
exec 4> "$dir/in-unknown"
wait_for "$dir/done.out" published && wait_for "$dir/unknown.out" published || fail "no publishers"
echo go >&3
echo go >&4
wait_for "$dir/done.out" '^final' && wait_for "$dir/unknown.out" '^final' || fail "the writers did not end"

# list --json: the publishers' own figures.
"$bgp" list --json > "$dir/list.json" || fail "list --json: status $?"
python3 - "$dir/list.json" "$done_pid" "$unknown_pid" "$(grep '^final' "$dir/done.out")" <<'PY' || fail "list --json"
import json, sys
jobs = {j["name"]: j for j in map(json.loads, open(sys.argv[1]))}
assert sorted(jobs) == ["done", "unknown"], jobs
_, total, done, ftotal, fdone = sys.argv[4].split()
d, u = jobs["done"], jobs["unknown"]
want = {"state": 6, "state_name": "TRANSFERRED", "bytes_total": int(total), "bytes_transferred": int(done),
        "files_total": int(ftotal), "files_transferred": int(fdone), "percent": 100,
        "pid": int(sys.argv[2]), "stale": False, "closed": False}
for k, v in want.items():
    assert d[k] == v, (k, d[k], v)
assert u["bytes_total"] is None and u["percent"] is None, u
assert u["state"] == 2 and u["bytes_transferred"] == 1500 and u["pid"] == int(sys.argv[3]), u
assert set(d) == set(u) == {"name", "state", "state_name", "bytes_total", "bytes_transferred",
    "files_total", "files_transferred", "percent", "rate_bytes_per_second", "eta_seconds", "pid",
    "stale", "closed", "source"}, sorted(d)
assert d["source"] == u["source"] == "published", d
PY
ok "list --json: 2 jobs, their figures, states and process ids as the publishers had them"

"$bgp" list > "$dir/list.txt" || fail "list: status $?"
grep -q '^NAME  *STATE  *DONE  *BYTES  *FILES  *RATE  *ETA  *PID$' "$dir/list.txt" || fail "list's header: $(cat "$dir/list.txt")"
grep -Eq "^done  +TRANSFERRED +100% +5.85 KiB of 5.85 KiB +1/1 .* $done_pid\$" "$dir/list.txt" || fail "list: $(cat "$dir/list.txt")"
grep -Eq "^unknown  +TRANSFERRING +\? +1.46 KiB of unknown size +0/1 .* $unknown_pid\$" "$dir/list.txt" || fail "list: $(cat "$dir/list.txt")"
ok "list: a table with both jobs"

"$bgp" list --prometheus --output "$dir/jobs.prom" || fail "list --prometheus: status $?"
promtool check metrics < "$dir/jobs.prom" || fail "promtool: $(cat "$dir/jobs.prom")"
grep -qx "bgprogress_bytes_transferred{job=\"done\"} $(awk '/^final/ { print $3 }' "$dir/done.out")" "$dir/jobs.prom" || fail "exposition: $(cat "$dir/jobs.prom")"
grep -qx 'bgprogress_state{job="unknown"} 2' "$dir/jobs.prom" || fail "exposition: no state"
! grep -q 'bgprogress_bytes_expected{job="unknown"}' "$dir/jobs.prom" || fail "an unknown size in the exposition"
[ "$(ls "$dir" | grep -c '\.tmp$' || true)" = 0 ] || fail "a temporary file was left"
ok "list --prometheus --output: $(grep -vc '^#' "$dir/jobs.prom") samples, promtool check metrics passes"

# A hostile job file: reported, the others listed.
head -c 300 /dev/urandom > "$dir/bad.job"
chmod 600 "$dir/bad.job"
status "$bgp" list --json > "$dir/list2.json" 2> "$dir/list2.err"
[ "$return_status" = 1 ] || fail "list with a bad job file: status $return_status"
grep -q '^bgprogress: bad: the job file is not a valid job file' "$dir/list2.err" || fail "bad job: $(cat "$dir/list2.err")"
[ "$(wc -l < "$dir/list2.json")" = 2 ] || fail "the other jobs were not listed"
rm "$dir/bad.job"
ok "a job file of random bytes is reported ($(cat "$dir/list2.err")) and the 2 others listed, status 1"

# watch: a finished job ends at once with status 0; a cancelled one with 1.
status "$bgp" watch done > "$dir/watch-done.txt"
[ "$return_status" = 0 ] || fail "watch of a transferred job: status $return_status"
grep -q 'TRANSFERRED' "$dir/watch-done.txt" && ! grep -q $'\e' "$dir/watch-done.txt" || fail "watch without a terminal: $(cat -v "$dir/watch-done.txt")"
exec 3>&- 4>&-
wait "$done_pid" "$unknown_pid"
"$tool" publish cancelled 1 10 8 < /dev/null > /dev/null || fail "the cancelled publisher"
status "$bgp" watch --wait 5 cancelled 2> "$dir/gone.err" # gone: the publisher closed it
grep -q "^bgprogress: cancelled: no published job has that name$" "$dir/gone.err" || fail "watch of a name that is gone: $(cat "$dir/gone.err")"
[ "$return_status" = 1 ] || fail "watch of a job that is gone: status $return_status"
mkfifo "$dir/in-c"
"$tool" publish cancelled 1 1000 8 < "$dir/in-c" > "$dir/c.out" &
exec 3> "$dir/in-c"
wait_for "$dir/c.out" published || fail "no publisher"
echo go >&3
status "$bgp" watch --interval 0.05 cancelled > /dev/null
[ "$return_status" = 1 ] || fail "watch of a cancelled job: status $return_status"
exec 3>&-
ok "watch: status 0 for a transferred job (plain lines without a terminal), 1 for a cancelled one and for a name that is gone"

# watch follows a live publisher to its end, under a pseudo-terminal and with --json; and
# one killed under it with status 3.
mkfifo "$dir/in-live"
"$tool" publish live 2 3000000 < "$dir/in-live" > "$dir/live.out" &
live_pid=$!
exec 3> "$dir/in-live"
wait_for "$dir/live.out" published || fail "no live publisher"
"$bgp" watch --json --interval 0.02 live > "$dir/live.json" &
watcher=$!
script -qfec "$bgp watch --interval 0.02 live" /dev/null > "$dir/live.tty" &
tty_watcher=$!
sleep 0.3
echo go >&3
wait "$watcher" || fail "watch --json: status $?"
wait "$tty_watcher" || fail "watch under script: status $?"
exec 3>&-
wait "$live_pid"
python3 - "$dir/live.json" "$(grep '^final' "$dir/live.out")" <<'PY' || fail "watch --json"
import json, sys
samples = [json.loads(l) for l in open(sys.argv[1])]
_, total, done, _, _ = sys.argv[2].split()
assert len(samples) >= 3, len(samples)
times = [s["time"] for s in samples]
assert times == sorted(times), times
done_seen = [s["bytes_transferred"] for s in samples]
assert done_seen == sorted(done_seen), done_seen
assert samples[-1]["state_name"] == "TRANSFERRED" and samples[-1]["bytes_transferred"] == int(done)
assert any(s["state_name"] == "TRANSFERRING" for s in samples)
print(f"cli-test: ok: watch --json: {len(samples)} samples, in order, the last one the publisher's final state")
PY
redraws=$( (grep -o $'\e\\[1A' "$dir/live.tty" || true) | wc -l)
[ "$redraws" -ge 2 ] && grep -q $'\r\e\\[2Klive  \\[#' "$dir/live.tty" && grep -q 'TRANSFERRED' "$dir/live.tty" ||
  fail "watch under a terminal: $(cat -v "$dir/live.tty" | tail -c 600)"
ok "watch under a pseudo-terminal: the line redrawn in place $redraws times, ending TRANSFERRED"

"$tool" publish killed 1 0 < /dev/null > "$dir/killed.out" &
killed_pid=$!
wait_for "$dir/killed.out" published || fail "no publisher to kill"
"$bgp" watch --interval 0.02 killed > /dev/null &
watcher=$!
sleep 0.3
kill -KILL "$killed_pid"
wait "$killed_pid" 2>/dev/null || true
status wait "$watcher"
[ "$return_status" = 3 ] || fail "watch of a killed publisher: status $return_status"
"$bgp" list | grep -Eq '^killed .* stale$' || fail "list does not say stale"
[ "$("$bgp" prune)" = "removed 1 stale job" ] || fail "prune"
[ ! -e "$dir/killed.job" ] || fail "prune left the stale job"
ok "watch: status 3 when the publisher is killed; list says stale; prune removes it"

# Usage.
for args in "" "watch" "watch ../x" "watch a --interval 0" "list --json --prometheus" "frobnicate" "list --sample x"; do
  status "$bgp" $args > /dev/null 2> "$dir/usage.err"
  [ "$return_status" = 2 ] && [ -s "$dir/usage.err" ] || fail "'bgprogress $args': status $return_status"
done
"$bgp" --help | grep -q 'Usage: bgprogress <COMMAND>' || fail "--help"
"$bgp" --version | grep -Eq '^bgprogress [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
version=$("$bgp" --version | awk '{ print $2 }')
grep -q "^\.TH BGPROGRESS 1 \"\" \"bgprogress $version\"" "$man" || fail "the man page is not of version $version"
warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$man" 2>&1 >/dev/null)
[ -z "$warnings" ] || fail "man --warnings: $warnings"
ok "usage errors on stderr with status 2 (7 tried); --help and --version on stdout; bgprogress(1) of version $version renders without warnings"
