#!/usr/bin/env bash
# mpi_overhead.sh — what the mpi strategy costs per cell next to fork (the
# `empty` test workload, 1000 tasks, at 1, 2 and 4 workers, median of 7
# execute calls taken in turns with fork's), its spawn metric, and pi's
# speed-up at 2 ranks over serial with 4e9 samples, fork's beside it.
#
# Needs PB_BUILD (absolute build folder) with plugins/ built, mpi included
# (Open MPI's headers); without the mpi plugin it says so and prints no
# figure. Compiles its driver, bench/mpi_overhead.c, into $PB_BUILD/bench/.
# Prints TSV: figure, value, unit, reference, reference value, target.
# MPI_PI_SAMPLES overrides 4e9 for a quick look (the figure names say so).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
# shellcheck source=bench/driver.bash
. bench/driver.bash

if [ ! -e "$PB_BUILD/plugins/mpi.so" ]; then
  echo "mpi_overhead: no mpi strategy in $PB_BUILD/plugins (built without Open MPI's headers): no figures" >&2
  exit 0
fi
build_driver mpi_overhead "$PB_BUILD/plugins/fork.so" \
  "$PB_BUILD/plugins/pi.so" "$PB_BUILD/plugins/parabench-mpi-worker"
empty_plugins

"$out/mpi_overhead" "$PB_BUILD/plugins" "$test_plugins" "${MPI_PI_SAMPLES:-4e9}"
