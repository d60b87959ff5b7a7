#!/usr/bin/env bash
# run.sh: the benchmark suite (`make bench`). Runs every other bench/*.sh in
# a fixed order, each under timeout(1), and prints one table of all their
# figures, each beside its reference from the same run, with a ratio and a
# verdict on its target; writes the table to bench/out/<UTC stamp>.md and
# .tsv, and the scripts' stderr to bench/out/<UTC stamp>.log.
#
# Needs PB_BUILD (absolute build folder, built: the Makefile's `bench`
# target does both). Environment:
#   BENCH_TIMEOUT  seconds each script may run (120); a script that runs
#                  out keeps the figures it printed before
#   BENCH_QUICK=1  smaller sizes where a script offers them (figure names
#                  say so), for a look in about a minute
# Always exits 0: a figure never fails the build (benchmarks report, tests
# assert); scripts that failed, timed out or printed nothing are named at
# the end.
#
# The convention a bench script follows: on stdout, one line per figure,
#   figure<TAB>value<TAB>unit<TAB>reference-name<TAB>reference-value<TAB>
#   target-note[<TAB>better]
# value and reference-value are plain numbers (nan when not measured), the
# reference measured in the same run, in the same unit as the value. Notes
# and progress go to stderr.
#   better (optional 7th column): higher | lower | closer | none. Without
#     it: the target's comparator decides (>= higher, <= lower, within
#     closer), else the unit (time, memory and descriptor counts: lower;
#     anything else: higher). none: no ratio (the reference is of another
#     kind). A reference-name ending in _s, _ms, _us or _ns whose unit
#     differs from the value's also gets no ratio.
#   ratio: how many times better than the reference, so > 1 is better:
#     value/reference when higher is better, reference/value when lower
#     is better; value/reference for `closer` (1 is ideal).
#   target-note: free text; the verdict (met / NOT MET / n/a) is computed
#     when it holds one of these, first match wins ("no target" anywhere:
#     n/a):
#       >= N [unit] | <= N [unit]   absolute: the value against N (also
#                                   "Nx" when the unit is x and nothing
#                                   but a parenthesis follows)
#       >= Nx WORDS | <= Nx WORDS   relative: against N x the reference
#                                   ("<= 2x raw", ">= 1.1x the plain loop")
#       >= WORDS | <= WORDS         relative: against the reference itself
#                                   (">= cp", "<= the start")
#       within P% ...               |value/reference - 1| <= P/100
#     anything else is n/a.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
export PB_BUILD
limit=${BENCH_TIMEOUT:-120}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  export PI_SAMPLES=${PI_SAMPLES:-2e8} PI_SCALAR_SAMPLES=${PI_SCALAR_SAMPLES:-2e8}
  export PI_SIMD_SAMPLES=${PI_SIMD_SAMPLES:-8e8} HARNESS_CELLS=${HARNESS_CELLS:-1000}
fi

# Harness first (it measures milliseconds: before the machine heats up),
# then CPU-bound figures, I/O last (deleting the copies' gigabytes keeps
# the kernel busy for a while); scripts not named here follow by name.
order=(harness strategy_overhead guard workloads_cpu pi_kernel workloads_io)
scripts=()
for name in "${order[@]}"; do
  [ -e "$here/$name.sh" ] && scripts+=("$here/$name.sh")
done
for s in "$here"/*.sh; do
  name=$(basename "$s" .sh)
  [[ $name = run || " ${order[*]} " = *" $name "* ]] || scripts+=("$s")
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
outdir=$here/out
mkdir -p "$outdir"
md=$outdir/$stamp.md tsv=$outdir/$stamp.tsv log=$outdir/$stamp.log
tmp=$(mktemp -d) || exit 0
child=
# timeout(1) puts the script in a process group of its own, out of reach of
# the terminal's Ctrl-C: pass an interruption on to it.
# shellcheck disable=SC2317 # called by the traps
stop() {
  [ -z "$child" ] || kill -TERM "$child" 2>/dev/null
  exit "$1"
}
trap 'rm -rf "$tmp"' EXIT
trap 'stop 130' INT
trap 'stop 143' TERM

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(load_avg)

# CPUs kept busy by others during one second before the suite starts: the
# figures that need both CPUs (speed-ups, ceilings) are not worth much when
# this is well above 0.
busy_cpus() {
  local a b
  a=$(head -1 /proc/stat)
  sleep 1
  b=$(head -1 /proc/stat)
  awk -v a="$a" -v b="$b" -v n="$(nproc)" 'BEGIN {
    split(a, x, " "); split(b, y, " "); total = 0
    for (i = 2; i <= 9; i++) total += y[i] - x[i]
    idle = (y[5] - x[5]) + (y[6] - x[6])
    printf "%.2f", (total > 0 ? n * (total - idle) / total : 0) }'
}
busy=$(busy_cpus)
t0=$(date +%s.%N)
: >"$log"
: >"$tmp/figures"
summary=()
failed=()

# run_one SCRIPT: runs it, appends its figure lines (prefixed with its
# name) to $tmp/figures and its stderr to the log; one summary line.
run_one() {
  local s=$1 name rc t1 secs n bad status
  name=$(basename "$s" .sh)
  echo "bench: $name ..." >&2
  t1=$(date +%s.%N)
  # In the background, so that `wait` (unlike a foreground job) lets the
  # traps run at once.
  timeout -k 10 "$limit" bash "$s" >"$tmp/out" 2>"$tmp/err" &
  child=$!
  wait "$child"
  rc=$?
  child=
  secs=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  # A figure line has 6 or 7 fields; anything else goes to the log.
  awk -F'\t' -v n="$name" 'NF == 6 || NF == 7 { print n "\t" $0 }' \
    "$tmp/out" >>"$tmp/figures"
  n=$(awk -F'\t' 'NF == 6 || NF == 7' "$tmp/out" | wc -l)
  bad=$(awk -F'\t' 'NF != 6 && NF != 7 && NF > 0' "$tmp/out" | wc -l)
  case $rc in
  0) status=ok ;;
  124 | 137) status="timed out after ${limit} s" ;;
  *) status="failed (exit $rc)" ;;
  esac
  [ "$rc" = 0 ] && [ "$n" = 0 ] && status="printed no figures"
  [ "$status" = ok ] || failed+=("$name: $status")
  summary+=("$name: $n figures in $secs s, $status$([ "$bad" = 0 ] || echo "; $bad malformed lines (in the log)")")
  {
    echo "== $name: $status, $secs s"
    cat "$tmp/err"
    [ "$bad" = 0 ] || awk -F'\t' 'NF != 6 && NF != 7 && NF > 0 { print "malformed: " $0 }' "$tmp/out"
  } >>"$log"
  echo "bench: $name: $n figures in $secs s, $status" >&2
}

for s in "${scripts[@]}"; do
  run_one "$s"
done
total=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')

# ---- Ratio and verdict ----------------------------------------------------
# In: script figure value unit ref ref_value note [better]. Out (TSV):
# script figure value unit reference reference_value reference_unit better
# ratio verdict target.
awk -F'\t' -v OFS='\t' '
function isnum(x) {
  return x ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/
}
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
# The comparator of a note: ">=", "<=", "within" or "".
function comparator(n) {
  if (n ~ /no target/ || !match(n, />=|<=|within/))
    return ""
  rest = trim(substr(n, RSTART + RLENGTH))
  return substr(n, RSTART, RLENGTH)
}
function infer(op, unit) {
  if (op == ">=") return "higher"
  if (op == "<=") return "lower"
  if (op == "within") return "closer"
  unit = tolower(unit)
  if (unit ~ /^(s|ms|us|µs|ns|min|h|b|kb|kib|mb|mib|gb|gib|fds)$/)
    return "lower"
  return "higher"
}
# The unit of the reference: that of the value unless its name ends in a time
# unit (pi_serial_2e9_s).
function ref_unit(ref, unit) {
  if (!match(ref, /_(s|ms|us|ns)$/))
    return unit
  return substr(ref, RSTART + 1)
}
function ratio(v, r, better, x) {
  if (better == "none" || !isnum(v) || !isnum(r))
    return "-"
  if (better == "lower") {
    if (v + 0 == 0) return "-"
    x = r / v
  } else {
    if (r + 0 == 0) return "-"
    x = v / r
  }
  return sprintf(x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f", x)
}
# Sets rest (global) through comparator(); returns met, NOT MET or n/a.
function verdict(v, r, note, unit, op, n, thr, after, d) {
  op = comparator(tolower(note))
  if (op == "" || !isnum(v))
    return "n/a"
  if (op == "within") {
    if (!match(rest, /^[0-9.]+%/) || !isnum(r) || r + 0 == 0)
      return "n/a"
    d = v / r - 1
    return (d < 0 ? -d : d) <= substr(rest, 1, RLENGTH - 1) / 100 ? "met" : "NOT MET"
  }
  if (match(rest, /^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?/)) {
    n = substr(rest, 1, RLENGTH) + 0
    after = substr(rest, RLENGTH + 1)
    if (after ~ /^ ?x[ \t]+[a-z]/) {
      if (!isnum(r)) return "n/a"
      thr = n * r
    } else
      thr = n
  } else {
    if (!isnum(r)) return "n/a"
    thr = r
  }
  if (op == ">=")
    return v + 0 >= thr ? "met" : "NOT MET"
  return v + 0 <= thr ? "met" : "NOT MET"
}
{
  script = $1; fig = $2; v = $3; unit = $4; ref = $5; r = $6; note = $7
  better = NF >= 8 ? trim($8) : ""
  op = comparator(tolower(note))
  if (better !~ /^(higher|lower|closer|none)$/)
    better = infer(op, unit)
  runit = ref_unit(ref, unit)
  rat = ratio(v, r, runit != unit ? "none" : better)
  print script, fig, v, unit, ref, r, runit, better, rat, verdict(v, r, note, unit), note
}' "$tmp/figures" >"$tmp/table"

# ---- Output ---------------------------------------------------------------

host="$(uname -n), $(nproc) CPUs, $(uname -r); load average $load_start at the start, $(load_avg) at the end; $busy CPUs busy with other work just before"
warning=
if awk -v b="$busy" 'BEGIN { exit !(b >= 0.2) }'; then
  warning="warning: other processes kept $busy CPUs busy before the suite started; speed-ups and other figures that need every CPU are low for that reason, not parabench's"
fi
count=$(wc -l <"$tmp/table")
met=$(awk -F'\t' '$10 == "met"' "$tmp/table" | wc -l)
notmet=$(awk -F'\t' '$10 == "NOT MET"' "$tmp/table" | wc -l)
novalue=$(awk -F'\t' '$3 !~ /^[-+]?[0-9.]+([eE][-+]?[0-9]+)?$/' "$tmp/table" | wc -l)
verdicts="$count figures: $met met, $notmet not met, $((count - met - notmet)) without a checkable target"
[ "$novalue" = 0 ] || verdicts+=" ($novalue without a value: see the log)"
ratio_note="ratio: times better than the reference (value/ref when higher is better, ref/value when lower is; value/ref for closer, 1 ideal; - when there is none)"

{
  printf 'script\tfigure\tvalue\tunit\treference\treference_value\treference_unit\tbetter\tratio\tverdict\ttarget\n'
  cat "$tmp/table"
} >"$tsv"

# The table as text: figure, value unit, reference, its value, better,
# ratio, verdict, target; columns padded to their widest cell.
text_table() {
  awk -F'\t' -v OFS='  ' '
  { row[NR, 1] = $2; row[NR, 2] = $3 " " $4; row[NR, 3] = $5
    row[NR, 4] = $6 " " $7; row[NR, 5] = $8; row[NR, 6] = $9
    row[NR, 7] = $10; row[NR, 8] = $11 }
  END {
    split("figure|value|reference|ref value|better|ratio|verdict|target", h, "|")
    for (c = 1; c <= 8; c++) { row[0, c] = h[c]; w[c] = length(h[c]) }
    for (i = 1; i <= NR; i++)
      for (c = 1; c < 8; c++)
        if (length(row[i, c]) > w[c]) w[c] = length(row[i, c])
    for (i = 0; i <= NR; i++) {
      line = ""
      for (c = 1; c < 8; c++)
        line = line sprintf(c == 2 || c == 4 || c == 6 ? "%*s  " : "%-*s  ", w[c], row[i, c])
      print line row[i, 8]
    }
  }' "$tmp/table"
}

markdown_table() {
  echo "| figure | value | reference | ref value | better | ratio | verdict | target |"
  echo "|---|--:|---|--:|---|--:|---|---|"
  awk -F'\t' '
  function esc(s) { gsub(/\|/, "\\|", s); return s }
  { verdict = $10 == "NOT MET" ? "**not met**" : $10
    printf "| %s | %s %s | %s | %s %s | %s | %s | %s | %s |\n", esc($2), $3,
      esc($4), esc($5), $6, esc($7), $8, $9, verdict, esc($11) }' "$tmp/table"
}

{
  echo "parabench benchmarks, $stamp"
  echo "$host"
  echo
  text_table
  echo
  echo "$verdicts; $ratio_note"
  printf '%s\n' "${summary[@]}"
  echo "total: $total s"
  [ -z "$warning" ] || echo "$warning"
}

{
  echo "# parabench benchmarks, $stamp"
  echo
  echo "$host; total $total s."
  echo
  markdown_table
  echo
  echo "$verdicts. The ${ratio_note}."
  echo
  printf -- '- %s\n' "${summary[@]}"
  [ -z "$warning" ] || printf '\n**%s**\n' "$warning"
} >"$md"

echo
echo "table: $md"
echo "       $tsv (the scripts' stderr: $log)"
if [ ${#failed[@]} -gt 0 ]; then
  echo "scripts that did not finish cleanly:"
  printf '  %s\n' "${failed[@]}"
fi
exit 0
