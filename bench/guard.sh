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
# shellcheck source=bench/driver.bash
. bench/driver.bash

build_driver guard "$PB_BUILD/plugins/serial.so"
empty_plugins

"$out/guard" "$PB_BUILD/plugins" "$test_plugins"
