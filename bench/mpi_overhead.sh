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
out="$PB_BUILD/bench"
mkdir -p "$out"

if [ ! -e "$PB_BUILD/plugins/mpi.so" ]; then
  echo "mpi_overhead: no mpi strategy in $PB_BUILD/plugins (built without Open MPI's headers): no figures" >&2
  exit 0
fi
cc=${CC:-gcc}
yaml_cflags=$(pkg-config --cflags yaml-0.1 2>/dev/null || true)
yaml_libs=$(pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
for lib in "$PB_BUILD/libpbcore.a" "$PB_BUILD/plugins/fork.so" \
  "$PB_BUILD/plugins/pi.so" "$PB_BUILD/plugins/parabench-mpi-worker"; do
  [ -e "$lib" ] || { echo "mpi_overhead: $lib is missing; run make first" >&2; exit 1; }
done
$cc -std=gnu11 -O2 -Wall -Wextra -Iinclude -Icore $yaml_cflags \
  bench/mpi_overhead.c "$PB_BUILD/libpbcore.a" \
  -o "$out/mpi_overhead" ${PB_CORE_LIBS:-$yaml_libs -lm -pthread}

test_plugins="$PB_BUILD/test-plugins"
if [ ! -e "$test_plugins/empty.so" ]; then
  test_plugins="$out/test-plugins"
  mkdir -p "$test_plugins"
  $cc -std=gnu11 -O2 -Iinclude -fPIC -shared tests/plugins/empty.c \
    -o "$test_plugins/empty.so"
fi

"$out/mpi_overhead" "$PB_BUILD/plugins" "$test_plugins" "${MPI_PI_SAMPLES:-4e9}"
