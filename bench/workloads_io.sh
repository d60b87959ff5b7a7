#!/usr/bin/env bash
# workloads_io.sh: figures of the copy and fetch workloads, each beside a
# reference measured in the same run (see bench/workloads_io.c):
#   copy GB/s (1 file / 1 worker, 2 files / 2 workers) vs cp of the same files
#   fetch speed-up at 5 workers vs 1 (5 requests, 20ms delay) vs the ideal 5x
# Needs PB_BUILD (absolute build folder with libpbcore.a and plugins/);
# PB_CORE_LIBS, the libraries libpbcore.a needs (make bench passes them).
# Prints TSV: figure value unit reference-name reference-value target-note.
# Temporary files live in the copy workload's private folder under $TMPDIR
# (or /tmp), removed by its teardown; the driver is kept in $PB_BUILD/bench.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
out=$PB_BUILD/bench/workloads_io
mkdir -p "$PB_BUILD/bench"
if ! ${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -Werror \
	-I"$root/include" -I"$root/core" "$here/workloads_io.c" \
	"$PB_BUILD/libpbcore.a" ${PB_CORE_LIBS:--lyaml -lm -pthread} -o "$out"; then
  echo "workloads_io.sh: cannot build the driver" >&2
  exit 1
fi
# A failed figure prints nan and a note on stderr; never a non-zero exit.
PB_BUILD=$PB_BUILD "$out" || echo "workloads_io.sh: driver exited $?" >&2
exit 0
