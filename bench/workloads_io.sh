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
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
# shellcheck source=bench/driver.bash
. "$here/driver.bash"
build_driver workloads_io || exit 1
# A failed figure prints nan and a note on stderr; never a non-zero exit.
PB_BUILD=$PB_BUILD "$out/workloads_io" || echo "workloads_io.sh: driver exited $?" >&2
exit 0
