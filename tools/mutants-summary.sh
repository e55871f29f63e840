#!/usr/bin/env bash
# Prints a table of a cargo-mutants run, a row per mutated file: caught, missed, timeouts,
# unviable and the score (caught over caught + missed; a timeout is a mutant the tests
# noticed, by hanging), then the survivors.
# Usage: tools/mutants-summary.sh DIR (the --output directory; its mutants.out/ holds the lists).
# Exits 2 when a mutant was missed (cargo mutants itself exits 3 when there were timeouts too,
# so its status alone does not say), else 0.
set -euo pipefail
dir=${1:?usage: $0 DIR}/mutants.out
[ -d "$dir" ] || { echo "mutants-summary: no $dir (did cargo mutants run?)" >&2; exit 1; }
for k in caught missed timeout unviable; do
  [ -f "$dir/$k.txt" ] && sed "s|^\([^:]*\):.*|\1 $k|" "$dir/$k.txt"
done | awk '
  { n[$1, $2]++; files[$1] = 1; all[$2]++ }
  END {
    printf "| file | caught | missed | timeouts | unviable | score |\n|---|---|---|---|---|---|\n"
    for (f in files) rows[++r] = f
    for (i = 1; i <= r; i++) for (j = i + 1; j <= r; j++) if (rows[j] < rows[i]) { t = rows[i]; rows[i] = rows[j]; rows[j] = t }
    for (i = 1; i <= r; i++) {
      f = rows[i]; c = n[f, "caught"] + 0; m = n[f, "missed"] + 0; t = n[f, "timeout"] + 0
      printf "| %s | %d | %d | %d | %d | %s |\n", f, c, m, t, n[f, "unviable"] + 0,
        (c + m) ? sprintf("%.0f %%", 100 * c / (c + m)) : "-"
    }
    c = all["caught"] + 0; m = all["missed"] + 0; t = all["timeout"] + 0
    printf "| all | %d | %d | %d | %d | %s |\n", c, m, t, all["unviable"] + 0,
      (c + m) ? sprintf("%.0f %%", 100 * c / (c + m)) : "-"
  }'
if [ -s "$dir/missed.txt" ]; then
  echo; echo "missed:"; sed 's/^/  /' "$dir/missed.txt"
  exit 2
fi
