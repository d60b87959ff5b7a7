#!/usr/bin/env bash
# guard.sh — what the guard (core/run/guard.h: the process that ends a
# cell when the runner is killed) adds to each isolated repetition: one
# repetition of the `empty` test workload in a cell process, with and
# without a guard, in alternating blocks, next to fork+waitpid measured in
# the same blocks (see bench/guard.c). About 2 s.
#
# Needs PB_BUILD (absolute build folder) with plugins/ built. Compiles its
# driver, bench/guard.c, into $PB_BUILD/bench/; builds the `empty` test
# plugin there too when $PB_BUILD/test-plugins lacks it.
# Prints TSV: figure, value, unit, reference, reference value, target,
# better.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
out="$PB_BUILD/bench"
mkdir -p "$out"

cc=${CC:-gcc}
yaml_cflags=$(pkg-config --cflags yaml-0.1 2>/dev/null || true)
yaml_libs=$(pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
for lib in "$PB_BUILD/libpbcore.a" "$PB_BUILD/plugins/serial.so"; do
  [ -e "$lib" ] || { echo "guard: $lib is missing; run make first" >&2; exit 1; }
done
$cc -std=gnu11 -O2 -Wall -Wextra -Iinclude -Icore $yaml_cflags \
  bench/guard.c "$PB_BUILD/libpbcore.a" \
  -o "$out/guard" ${PB_CORE_LIBS:-$yaml_libs -lm -pthread}

test_plugins="$PB_BUILD/test-plugins"
if [ ! -e "$test_plugins/empty.so" ]; then
  test_plugins="$out/test-plugins"
  mkdir -p "$test_plugins"
  $cc -std=gnu11 -O2 -Iinclude -fPIC -shared tests/plugins/empty.c \
    -o "$test_plugins/empty.so"
fi

"$out/guard" "$PB_BUILD/plugins" "$test_plugins"
