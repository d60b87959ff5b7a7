#!/usr/bin/env bash
# python.sh: figures of the python workload (embedded CPython), each beside
# a reference measured in the same run (see bench/python.c):
#   the cost of one task calling an empty Python function under serial,
#     against the cost of the same call from a Python loop
#   the 2-worker speed-up of CPU-bound pure Python under pthreads (the GIL:
#     target <= 1.15x) and under fork (a GIL per process: target >= 1.8x),
#     each beside C's pi at 2 workers under the same strategy
#   the 5-thread speed-up of tasks that sleep (the GIL is released), against
#     the ideal 5
# Needs PB_BUILD (absolute build folder with libpbcore.a and plugins/);
# PB_CORE_LIBS, the libraries libpbcore.a needs (make bench passes them).
# Prints TSV: figure value unit reference-name reference-value target-note.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
# shellcheck source=bench/driver.bash
. "$here/driver.bash"
build_driver python || exit 0
"$out/python" "$here/python_tasks.py" || echo "python.sh: driver exited $?" >&2
exit 0
