#!/usr/bin/env bash
# harness.sh: what parabench itself costs, and a load test of the runner
# (issue 6 item 3, issue 7 item 8), through the real binary, each figure
# beside a reference measured in the same run (see bench/harness.c):
#   per cell, a 10,000-cell experiment of `empty` tasks (serial, 1 rep, no
#     warm-up), isolated (default) and --no-isolate, vs fork+waitpid
#   `parabench validate` of a 1 MiB experiment file (10k+ `experiments:`
#     entries; a 1 MiB list axis) vs cat of the same file
#   `parabench list` start-up vs /bin/true (median of 20)
#   load test: 10,000 empty cells and 100 cells of 1e6 tasks (serial,
#     pthreads, fork, shm at 1..25 workers), isolated and not: the runner's
#     peak RSS vs its RSS in the first quarter of the run (flat memory), and
#     its open descriptors in the last quarter vs the first (no leak)
# Needs PB_BUILD (absolute build folder with parabench and plugins/); builds
# the `empty` test plugin when missing. HARNESS_CELLS (10000, in hundreds)
# and HARNESS_BIG_TASKS (1e6) shrink the load for a quick look.
# Prints TSV: figure value unit reference-name reference-value target-note
# better (the 7th column: higher, lower or closer; see bench/run.sh).
# Experiment files and results live in a mktemp -d folder, removed at exit;
# the driver is kept in $PB_BUILD/bench. About 20 s.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
pb=$PB_BUILD/parabench
drv=$PB_BUILD/bench/harness
cells=${HARNESS_CELLS:-10000}
cells=$(((cells >= 200 ? cells / 100 : 1) * 100)) # whole rows of 100 cells
big_tasks=${HARNESS_BIG_TASKS:-1e6}

if [ ! -x "$pb" ]; then
  echo "harness.sh: $pb is missing; run make first" >&2
  exit 1
fi
mkdir -p "$PB_BUILD/bench"
if ! ${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror \
	"$here/harness.c" -o "$drv"; then
  echo "harness.sh: cannot build the driver" >&2
  exit 1
fi

# The folder holding empty.so: the build's test plugins, made if missing.
empty_dir() {
  local dir=$PB_BUILD/test-plugins
  [ -e "$dir/empty.so" ] ||
    make -s -C "$root" BUILD="$PB_BUILD" "$dir/empty.so" >&2 || return 1
  echo "$dir"
}
if ! plugins=$(empty_dir); then
  echo "harness.sh: cannot build the empty test plugin" >&2
  exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' TERM INT

# ---- Experiment files ----------------------------------------------------

# common NAME: the keys every generated experiment shares.
common() {
  printf 'name: %s\nworkload: empty\nrepetitions: 1\nwarmup: 0\n' "$1"
}

# cells_file N: serial cells, N / 100 worker counts x 100 task counts, or
# one cell when N is 1.
cells_file() {
  local rows=$(($1 / 100)) cols=100
  [ "$1" -ge 100 ] || rows=1 cols=1
  common load
  echo "strategies: [serial]"
  echo "workers: [$(seq -s, 1 "$rows")]"
  echo "params: { tasks: [$(seq -s, 0 $((cols - 1)))] }"
}

# big_file W: 4 strategies x W worker counts, each cell big_tasks tasks.
big_file() {
  common big
  echo "strategies: [serial, pthreads, fork, shm]"
  echo "workers: [$(seq -s, 1 "$1")]"
  echo "params: { tasks: $big_tasks }"
}

# A file of at least 1 MiB: many one-cell `experiments:` entries.
entries_file() {
  common entries
  echo "strategies: [serial]"
  echo "workers: [1]"
  echo "experiments:"
  awk 'BEGIN { n = 0; size = 0
    while (size < 1048576) {
      line = sprintf("  - name: entry%d\n    params: { tasks: %d }\n", n, n)
      printf "%s", line; size += length(line) + 0; n++ } }'
}

# A file of at least 1 MiB: one list axis of distinct task counts.
axis_file() {
  common axis
  echo "strategies: [serial]"
  echo "workers: [1]"
  printf 'params:\n  tasks: ['
  awk 'BEGIN { size = 0; n = 0
    while (size < 1048576) { s = n ", "; printf "%s", s; size += length(s); n++ }
    printf "%d]\n", n }'
}

cells_file "$cells" >"$tmp/cells.yaml"
cells_file 1 >"$tmp/cell1.yaml"
big_file 25 >"$tmp/big.yaml"
entries_file >"$tmp/entries.yaml"
axis_file >"$tmp/axis.yaml"
entry_bytes=$(stat -c %s "$tmp/entries.yaml")
axis_bytes=$(stat -c %s "$tmp/axis.yaml")

# ---- Helpers ---------------------------------------------------------------

# figure NAME VALUE UNIT REF REF_VALUE NOTE BETTER: one TSV line.
figure() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"
}

# calc FORMAT EXPR [NAME=VALUE]...: awk arithmetic on numbers; nan when a
# value is not a number (a failed measurement).
calc() {
  local fmt=$1 expr=$2 kv
  shift 2
  local args=()
  for kv in "$@"; do
    [[ ${kv#*=} =~ ^-?[0-9.]+(e[-+]?[0-9]+)?$ ]] || { echo nan; return; }
    args+=(-v "$kv")
  done
  awk "${args[@]}" "BEGIN { printf \"$fmt\", $expr }"
}

# watch VAR OUT ARGS...: runs `parabench run ARGS --out OUT` quietly under
# the driver's watch (start-up is over once OUT/runs.csv exists), fills the
# associative array VAR with its key=value results, and removes OUT.
watch() {
  local -n res=$1
  local out=$2 kv
  shift 2
  res=()
  for kv in $("$drv" watch "$out/runs.csv" "$pb" run "$@" "${opts[@]}" \
    --out "$out"); do
    res[${kv%%=*}]=${kv#*=}
  done
  : "${res[wall_s]:=nan}"
  rm -rf "$out"
}

# ---- Harness cost ----------------------------------------------------------

opts=(--plugin-dir "$plugins" --quiet --no-report)
fork_s=$("$drv" fork 200)
fork_loaded_s=$("$drv" fork 200 "$PB_BUILD"/plugins/*.so "$plugins"/*.so)
one_iso=$("$drv" time 5 "$pb" run "$tmp/cell1.yaml" "${opts[@]}" \
  --out "$tmp/one-iso-%d")
one_noiso=$("$drv" time 5 "$pb" run "$tmp/cell1.yaml" "${opts[@]}" \
  --no-isolate --out "$tmp/one-noiso-%d")
rm -rf "$tmp"/one-*
# shellcheck disable=SC2034 # read through a nameref below
declare -A iso noiso
watch iso "$tmp/out" "$tmp/cells.yaml"
watch noiso "$tmp/out" "$tmp/cells.yaml" --no-isolate

declare -A label=([iso]=isolated [noiso]=no_isolate)
fork_us=$(calc %.1f 'f * 1e6' f="$fork_s")
fork_loaded_us=$(calc %.1f 'f * 1e6' f="$fork_loaded_s")
for mode in iso noiso; do
  declare -n w=$mode
  [ "$mode" = iso ] && one=$one_iso flag= || one=$one_noiso flag=" --no-isolate"
  per=$(calc %.1f '(t - o) / (n - 1) * 1e6' t="${w[wall_s]}" o="$one" n="$cells")
  note="per cell beyond a 1-cell run; ${cells} empty cells$flag: $(calc %.2f t t="${w[wall_s]}") s in all, 1 cell $(calc %.1f 'o * 1e3' o="$one") ms; runner exit ${w[status]:-?}; reference: fork+waitpid from a process with the same plugins loaded (bare: $fork_us us); no target"
  figure "harness_cells_${cells}_${label[$mode]}" "$per" us \
    raw_fork_waitpid_plugins_loaded "$fork_loaded_us" "$note" lower
  unset -n w
done

tiny=$("$drv" time 10 "$pb" validate "$tmp/cell1.yaml" --plugin-dir "$plugins")
for f in entries axis; do
  t=$("$drv" time 10 "$pb" validate "$tmp/$f.yaml" --plugin-dir "$plugins")
  c=$("$drv" time 10 "$(command -v cat)" "$tmp/$f.yaml")
  what="$((entry_bytes / 1024)) KiB, $(grep -c 'name: entry' "$tmp/entries.yaml") experiments: entries"
  [ "$f" = axis ] && what="$((axis_bytes / 1024)) KiB, one list axis of $(tr -cd , <"$tmp/axis.yaml" | wc -c) values"
  figure "harness_validate_1MiB_$f" "$(calc %.1f 't * 1e3' t="$t")" ms cat_same_file \
    "$(calc %.1f 'c * 1e3' c="$c")" \
    "validate ${what}; median of 10; a 1-cell file validates in $(calc %.1f 't * 1e3' t="$tiny") ms; no target" \
    lower
done

true_bin=/bin/true
[ -x "$true_bin" ] || true_bin=/usr/bin/true
l=$("$drv" time 20 "$pb" list)
t=$("$drv" time 20 "$true_bin")
figure harness_list_startup "$(calc %.2f 'l * 1e3' l="$l")" ms bin_true \
  "$(calc %.2f 't * 1e3' t="$t")" \
  "parabench list (every plugin of the build) to /dev/null; median of 20; no target" lower

# ---- Load test -------------------------------------------------------------

# load NAME FILE WHAT [--no-isolate]: peak RSS and descriptors of one
# watched run, each beside the same measure in the run's first quarter.
load() {
  local name=$1 file=$2 what=$3 exit_note
  local -A r
  watch r "$tmp/out" "$file" "${@:4}"
  exit_note="runner exit ${r[status]:-?}, $(calc %.2f t t="${r[wall_s]}") s"
  figure "load_${name}_peak_rss" "$(calc %.1f 'k / 1024' k="${r[peak_kb]:-}")" MiB \
    rss_first_quarter "$(calc %.1f 'k / 1024' k="${r[rss_early_kb]:-}")" \
    "target <= 1.25x the first quarter (flat memory of the runner alone; $what; last quarter $(calc %.1f 'k / 1024' k="${r[rss_late_kb]:-}") MiB; $exit_note)" \
    lower
  figure "load_${name}_open_fds" "${r[fd_late]:-nan}" fds fds_first_quarter \
    "${r[fd_early]:-nan}" \
    "target <= the start (no leaked descriptors; fewest open in the last vs first quarter; most at once ${r[fd_max]:-?}; $what)" \
    lower
}

big_what="100 cells of $big_tasks empty tasks: serial, pthreads, fork, shm x 1..25 workers"
load "cells_${cells}" "$tmp/cells.yaml" "$cells empty cells"
load "cells_${cells}_no_isolate" "$tmp/cells.yaml" "$cells empty cells, --no-isolate" --no-isolate
load big_100_cells "$tmp/big.yaml" "$big_what"
load big_100_cells_no_isolate "$tmp/big.yaml" "$big_what, --no-isolate" --no-isolate
exit 0
