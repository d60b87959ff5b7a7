#!/usr/bin/env bash
# strategy_overhead.sh — what serial, pthreads, fork and shm cost by
# themselves (the `empty` test workload at 1, 2, 4, 8 workers and 1 and
# 1000 tasks, median of many execute calls) next to W x pthread_create+join
# and W x fork+waitpid measured in the same run; then pi's speed-up at 2
# workers over serial with 2e9 samples, timed once per strategy.
#
# Needs PB_BUILD (absolute build folder) with plugins/ built. Compiles its
# driver, bench/strategy_overhead.c, into $PB_BUILD/bench/; builds the
# `empty` test plugin there too when $PB_BUILD/test-plugins lacks it.
# Prints TSV: figure, value, unit, reference, reference value, target.
# PI_SAMPLES overrides 2e9 for a quick look (the figure names say so).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
# shellcheck source=bench/driver.bash
. bench/driver.bash

build_driver strategy_overhead "$PB_BUILD/plugins/fork.so" \
  "$PB_BUILD/plugins/shm.so" "$PB_BUILD/plugins/pi.so"
empty_plugins

"$out/strategy_overhead" "$PB_BUILD/plugins" "$test_plugins" "${PI_SAMPLES:-2e9}"
