# Turns the `row` lines of the benchmarks into one table:
#   row <TAB> name <TAB> ours <TAB> unit <TAB> baseline <TAB> goal ("<= 3x", ">= 0.5x",
#   "<= 2x+20" or "-")
# The ratio is ours / baseline; a ">=" goal is a throughput (higher is better); "<= 2x+20"
# means ours <= 2 * baseline + 20, in the row's unit (a latency against a control's).
BEGIN { FS = "\t" }
$1 != "row" { print; next }
{
  n++; name[n] = $2; ours[n] = $3; unit[n] = $4; base[n] = $5; goal[n] = $6
  ratio[n] = $5 > 0 ? $3 / $5 : 0
  split($6, g, " "); limit = g[2]; plus = 0
  if (limit ~ /x\+/) { plus = limit; sub(/.*x\+/, "", plus); sub(/x\+.*/, "", limit) }
  else sub(/x$/, "", limit)
  if ($6 == "-") met[n] = "-"
  else if (plus != 0) met[n] = $3 <= limit * $5 + plus ? "yes" : "NO"
  else if (g[1] == "<=") met[n] = ratio[n] <= limit ? "yes" : "NO"
  else met[n] = ratio[n] >= limit ? "yes" : "NO"
  if (length($2) > w) w = length($2)
}
END {
  fmt = "| %-" w "s | %15s | %15s | %8s | %9s | %4s |\n"
  printf fmt, "benchmark", "ours", "baseline", "ratio", "goal", "met"
  line = sprintf(fmt, "", "", "", "", "", ""); gsub(/ /, "-", line); gsub(/\|-/, "|-", line)
  printf "%s", line
  for (i = 1; i <= n; i++)
    printf "| %-" w "s | %15s | %15s | %7.2fx | %9s | %4s |\n", name[i], \
      sprintf("%.2f %s", ours[i], unit[i]), sprintf("%.2f %s", base[i], unit[i]), ratio[i], goal[i], met[i]
}
