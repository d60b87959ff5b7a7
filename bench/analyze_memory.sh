#!/usr/bin/env bash
# analyze_memory.sh: the peak memory (max RSS, /usr/bin/time) of
# `parabench analyze` on a generated runs.csv of 1,000,000 rows (200,000
# with BENCH_QUICK=1; ANALYZE_ROWS overrides), beside the size of that
# runs.csv: the target is at most twice the file. The folder is made by
# gen_runs_csv.awk in a temporary folder, removed at the end.
# Prints TSV: figure value unit reference-name reference-value target-note.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
rows=${ANALYZE_ROWS:-1000000}
[ "${BENCH_QUICK:-0}" = 1 ] && rows=${ANALYZE_ROWS:-200000}
[ -x /usr/bin/time ] || { echo "analyze_memory.sh: no /usr/bin/time" >&2; exit 0; }
dir=$(mktemp -d) || exit 0
trap 'rm -rf "$dir"' EXIT
awk -v rows="$rows" -f "$here/gen_runs_csv.awk" >"$dir/runs.csv"
cat >"$dir/experiments.csv" <<'CSV'
experiment,workload,workload_params,strategy_params,baseline_strategy,baseline_workers,fit_oversubscribed,repetitions,warmup,cores
pi-mem,pi,samples;tasks;seed;kernel,schedule;chunk,serial,1,false,1000,0,8
CSV
size=$(stat -c %s "$dir/runs.csv")
if ! /usr/bin/time -f %M -o "$dir/rss" "$PB_BUILD/parabench" analyze "$dir" \
	>/dev/null 2>"$dir/err"; then
  echo "analyze_memory.sh: analyze failed: $(cat "$dir/err")" >&2
  rss=nan
else
  rss=$(awk '{ printf "%.1f", $1 / 1024 }' "$dir/rss")
fi
printf 'analyze_max_rss_%s_rows\t%s\tMB\truns_csv_size\t%s\t<= 2x runs.csv\tlower\n' \
  "$rows" "$rss" "$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }')"
exit 0
