#!/usr/bin/env bash
# `make demo`: generates a sample set (32 files, 256 MiB in all, plus a FIFO whose size is not
# known in advance), copies it with bgcopy while it draws its live progress line, verifies
# every copy byte for byte, prints a summary and cleans up.
#   examples/demo.sh BGCOPY [LIMIT_MIB_PER_S]
set -euo pipefail
bgcopy=$1
limit=${2:-128}
work=$(mktemp -d "${TMPDIR:-/tmp}/bgprogress-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/dst"

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
"$bgcopy" --limit "$limit" "$work/src/stream.fifo" "$work"/src/file*.bin "$work/dst"
end=$(date +%s.%N)
wait "$feeder"

echo "demo: verifying the copies byte for byte"
for f in "$work"/src/file*.bin; do
  cmp "$f" "$work/dst/$(basename "$f")"
done
cmp "$work/stream.data" "$work/dst/stream.fifo"
count=$(ls "$work/dst" | wc -l)
bytes=$(cat "$work"/dst/* | wc -c)
printf "demo: OK: %d files, %d bytes copied and verified in %s s\n" "$count" "$bytes" \
  "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
