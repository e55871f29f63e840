# Turns the `row` lines of the benchmarks into one table:
#   row <TAB> name <TAB> ours <TAB> unit <TAB> baseline <TAB> goal ("<= 3x", ">= 0.5x" or "-")
# The ratio is ours / baseline; a ">=" goal is a throughput (higher is better).
BEGIN { FS = "\t" }
$1 != "row" { print; next }
{
  n++; name[n] = $2; ours[n] = $3; unit[n] = $4; base[n] = $5; goal[n] = $6
  ratio[n] = $5 > 0 ? $3 / $5 : 0
  split($6, g, " "); limit = g[2]; sub(/x$/, "", limit)
  if ($6 == "-") met[n] = "-"
  else if (g[1] == "<=") met[n] = ratio[n] <= limit ? "yes" : "NO"
  else met[n] = ratio[n] >= limit ? "yes" : "NO"
  if (length($2) > w) w = length($2)
}
END {
  fmt = "| %-" w "s | %15s | %15s | %8s | %8s | %4s |\n"
  printf fmt, "benchmark", "ours", "baseline", "ratio", "goal", "met"
  line = sprintf(fmt, "", "", "", "", "", ""); gsub(/ /, "-", line); gsub(/\|-/, "|-", line)
  printf "%s", line
  for (i = 1; i <= n; i++)
    printf "| %-" w "s | %15s | %15s | %7.2fx | %8s | %4s |\n", name[i], \
      sprintf("%.2f %s", ours[i], unit[i]), sprintf("%.2f %s", base[i], unit[i]), ratio[i], goal[i], met[i]
}
