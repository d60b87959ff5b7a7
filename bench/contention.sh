#!/usr/bin/env bash
# contention.sh: numbers that hold on a shared machine (issue 11). pi at 2
# workers under pthreads against the serial baseline, run twice: once as
# the machine is, once while this script keeps one core busy (a shell
# loop) for the middle half of the run's repetitions. Figures:
#   the speed-up from clean rows (contended rows left out) of the busy run
#     against the first run's: target within 5%
#   the same against measured capacity (summary.csv speedup_vs_capacity)
#   the share of the repetitions measured wholly inside the busy span that
#     were flagged contended: target 100%
#   the gap between the two runs' fitted serial fractions (fits.csv,
#     pthreads): the same experiment run twice on a noisy machine should
#     give serial fractions within 0.03 of each other
# Needs PB_BUILD (absolute build folder with parabench and plugins/).
# CONTENTION_SAMPLES (2e8) and CONTENTION_REPS (10) size it; about 40 s
# on an idle 2-core machine (more when it is not).
set -u
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
pb=$PB_BUILD/parabench
samples=${CONTENTION_SAMPLES:-2e8}
reps=${CONTENTION_REPS:-10}
tmp=$(mktemp -d) || exit 1
busy=
# shellcheck disable=SC2317 # called by the traps
cleanup() {
  [ -z "$busy" ] || kill "$busy" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

cat >"$tmp/pi.yaml" <<YAML
name: contention
workload: pi
params: {samples: $samples, tasks: 64}
strategies: [serial, pthreads]
workers: [1, 2]
repetitions: $reps
warmup: 1
YAML

# The busy run is watched without starting a process (no wc, no sleep, no
# command substitution): the script's own polling, 50 forks a second, once
# used 0.2 CPUs and got rows flagged contended before the busy loop began.
# count_rows FILE: sets n to its rows (lines less the header).
count_rows() {
  local lines=()
  n=0
  [ -e "$1" ] || return 0
  mapfile -t lines <"$1"
  n=$((${#lines[@]} > 0 ? ${#lines[@]} - 1 : 0))
}
mkfifo "$tmp/never" && exec 9<>"$tmp/never" || exit 1
nap() { read -r -t 0.1 -u 9 _ || :; } # 0.1 s, in the shell itself

# field DIR STRATEGY WORKERS COLUMN: a summary.csv field of one cell.
field() {
  awk -F, -v s="$2" -v w="$3" -v col="$4" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["strategy"] == s && $c["workers"] == w { print $c[col]; exit }' \
    "$1/summary.csv"
}

echo "contention: the run as the machine is" >&2
"$pb" run "$tmp/pi.yaml" --out "$tmp/idle" --quiet --no-report >/dev/null &&
  "$pb" analyze "$tmp/idle" >/dev/null || exit 1

echo "contention: the run with one core kept busy for half of it" >&2
total=$((4 * reps)) # 4 cells
start_at=$((total / 4)) stop_at=$((3 * total / 4))
"$pb" run "$tmp/pi.yaml" --out "$tmp/busy" --quiet --no-report >/dev/null &
run=$!
count_rows "$tmp/busy/runs.csv"
while [ "$n" -lt "$start_at" ] && kill -0 $run 2>/dev/null; do
  nap
  count_rows "$tmp/busy/runs.csv"
done
first=$n
(while :; do :; done) &
busy=$!
count_rows "$tmp/busy/runs.csv"
while [ "$n" -lt "$stop_at" ] && kill -0 $run 2>/dev/null; do
  nap
  count_rows "$tmp/busy/runs.csv"
done
last=$n
kill "$busy"
wait "$busy" 2>/dev/null
busy=
wait $run || exit 1
"$pb" analyze "$tmp/busy" >/dev/null || exit 1

# Rows wholly inside the busy span: written after the first one that was
# in progress when the loop began, up to the last written before it ended.
read -r inside flagged < <(awk -F, -v a="$first" -v b="$last" '
  NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  { n = NR - 1 }
  n > a + 1 && n <= b { inside++; flagged += $c["contended"] == 1 }
  END { print inside + 0, flagged + 0 }' "$tmp/busy/runs.csv")
all_flagged=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  { f += $c["contended"] == 1 } END { print f + 0 }' "$tmp/busy/runs.csv")

# sfrac DIR: the fitted serial fraction of the pthreads series: fits.csv's
# serial_fraction, or a / (a + b) of its raw fit T(p) = a + b/p where the
# report withholds it (s a little below 0: a speed-up a little above 2).
sfrac() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["strategy"] == "pthreads" {
      s = $c["serial_fraction"]; a = $c["a_s"]; b = $c["b_s"]
      if (s == "" && a != "" && a + b != 0) s = a / (a + b)
      print s; exit }' "$1/fits.csv"
}

idle_sp=$(field "$tmp/idle" pthreads 2 speedup)
busy_sp=$(field "$tmp/busy" pthreads 2 speedup)
idle_vs=$(field "$tmp/idle" pthreads 2 speedup_vs_capacity)
busy_vs=$(field "$tmp/busy" pthreads 2 speedup_vs_capacity)
n_cont=$(field "$tmp/busy" pthreads 2 n_contended)
idle_cont=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  { f += $c["contended"] == 1 } END { print f + 0 }' "$tmp/idle/runs.csv")
idle_s=$(sfrac "$tmp/idle")
busy_s=$(sfrac "$tmp/busy")
gap=$(awk -v a="${idle_s:-nan}" -v b="${busy_s:-nan}" 'BEGIN {
  if (a == "" || b == "" || a == "nan" || b == "nan") print "nan"
  else { d = a - b; printf "%.4f", d < 0 ? -d : d } }')
share=$(awk -v i="$inside" -v f="$flagged" 'BEGIN { printf "%.0f", i ? 100 * f / i : 0 }')

printf 'contention_speedup_clean_rows\t%s\tx\tspeedup_first_run\t%s\twithin 5%% of the first run (pi %s samples, pthreads 2 workers vs serial 1, %s reps; busy run: %s of its pthreads-2 rows contended and left out; first run: %s rows contended)\tcloser\n' \
  "${busy_sp:-nan}" "${idle_sp:-nan}" "$samples" "$reps" "${n_cont:-?}" "$idle_cont"
printf 'contention_speedup_vs_capacity\t%s\tx\tvs_capacity_first_run\t%s\twithin 5%% of the first run (speed-up over the capacity probe at 2 threads)\tcloser\n' \
  "${busy_vs:-nan}" "${idle_vs:-nan}"
printf 'contention_overlapped_rows_flagged\t%s\t%%\tall_overlapped\t100\t>= 100 %% (%s of %s repetitions wholly inside the busy span flagged; %s flagged in the whole busy run)\thigher\n' \
  "$share" "$flagged" "$inside" "$all_flagged"
printf 'contention_serial_fraction_gap\t%s\tfraction\tserial_fraction_first_run\t%s\t<= 0.03 (|s of the busy run - s of the first run|; busy run s = %s)\tlower\n' \
  "$gap" "${idle_s:-nan}" "${busy_s:-nan}"
