#!/usr/bin/env bash
# `make demo`: generates a sample set (32 files, 256 MiB in all, plus a FIFO whose size is not
# known in advance), copies it with `bgcopy --publish` while `bgprogress watch`, another
# process, draws the published job's live progress line; verifies every copy byte for byte,
# prints what each process did and cleans up.
#   examples/demo.sh BGCOPY BGPROGRESS [LIMIT_MIB_PER_S]
set -euo pipefail
bgcopy=$1
bgprogress=$2
limit=${3:-128}
work=$(mktemp -d "${TMPDIR:-/tmp}/bgprogress-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/dst" "$work/jobs"
chmod 700 "$work/jobs"
export BGPROGRESS_DIR=$work/jobs # a private jobs directory for the demo's job

echo "demo: generating 32 files (256 MiB) and one stream of unknown size in $work"
sizes=()
for i in $(seq 1 32); do
  # 4 to 12 MiB, 8 MiB on average: 256 MiB in all.
  size=$(( (4 + (i * 5) % 9) * 1024 * 1024 ))
  [ "$i" -eq 32 ] && size=$(( 256 * 1024 * 1024 - total ))
  total=$(( ${total:-0} + size ))
  head -c "$size" /dev/urandom > "$work/src/file$(printf %02d "$i").bin"
  sizes+=("$size")
done
head -c $(( 24 * 1024 * 1024 )) /dev/urandom > "$work/stream.data"
mkfifo "$work/src/stream.fifo"
# The feeder: bgcopy only learns the stream's size when it ends.
cat "$work/stream.data" > "$work/src/stream.fifo" &
feeder=$!

start=$(date +%s.%N)
"$bgcopy" --limit "$limit" --publish demo-copy "$work/src/stream.fifo" "$work"/src/file*.bin \
  "$work/dst" > "$work/bgcopy.out" 2>&1 &
copier=$!
echo "demo: bgcopy (process $copier) copies and publishes its job as 'demo-copy';" \
  "bgprogress watch, another process, draws it:"
set +e
"$bgprogress" watch --wait 10 --interval 0.2 demo-copy
watched=$?
wait "$copier"
copied=$?
set -e
end=$(date +%s.%N)
wait "$feeder"
echo "demo: bgcopy exited with status $copied: $(tr '\r' '\n' < "$work/bgcopy.out" | grep -v '^$' | tail -n 1)"
echo "demo: bgprogress watch exited with status $watched (0: it saw the job transferred)"
[ "$copied" = 0 ] && [ "$watched" = 0 ] || { echo "demo: FAILED" >&2; exit 1; }

echo "demo: verifying the copies byte for byte"
for f in "$work"/src/file*.bin; do
  cmp "$f" "$work/dst/$(basename "$f")"
done
cmp "$work/stream.data" "$work/dst/stream.fifo"
count=$(ls "$work/dst" | wc -l)
bytes=$(cat "$work"/dst/* | wc -c)
printf "demo: OK: %d files, %d bytes copied and verified in %s s\n" "$count" "$bytes" \
  "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
