#!/usr/bin/env bash
# workloads_cpu.sh: figures of the primes, pipe and spin workloads, each
# beside a reference measured in the same run (see bench/workloads_cpu.c):
#   primes trial division and sieve on [1e6, 2e6, 3e6] vs plain C loops,
#     and the 2-worker speed-up vs the bound of the task order
#   pipe stream GB/s (peer process) vs dd | dd moving the same bytes
#   pipe ping-pong us per round trip vs a plain C fork + pipes loop
#   spin: one 100 ms task vs 100 ms; 2-worker speed-up vs Amdahl at the
#     two-thread capacity measured in the same run
# Needs PB_BUILD (absolute build folder with libpbcore.a and plugins/);
# PB_CORE_LIBS, the libraries libpbcore.a needs (make bench passes them).
# Prints TSV: figure value unit reference-name reference-value target-note.
# Leaves nothing behind but the driver, kept in $PB_BUILD/bench.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
# shellcheck source=bench/driver.bash
. "$here/driver.bash"
build_driver workloads_cpu || exit 0
# A failed figure prints nan and a note on stderr; never a non-zero exit.
PB_BUILD=$PB_BUILD "$out/workloads_cpu" || echo "workloads_cpu.sh: driver exited $?" >&2
exit 0
