#!/usr/bin/env bash
# ci-valgrind.sh: run a small experiment end to end under valgrind — the
# real binary, every strategy (serial, pthreads, fork, shm), the pi (both
# kernels), primes, copy, fetch (libcurl and the embedded libmicrohttpd
# server) and spin workloads — and fail when any process
# (the runner and each forked worker) has a memory error or memory
# definitely lost. `make valgrind` builds the binary (its own -O1
# build, no sanitizer) and runs this with PB_BUILD set to that build.
#
# Cells run in the runner's process (--no-isolate): valgrind 3.19 (Debian
# 12) does not know pidfd_open(2), which the runner needs to watch a cell
# process. The fork and shm strategies still fork their workers, and the
# isolation code runs under both sanitizer suites.
#
# Each process writes its own log (--log-file=...%p); every log is read,
# since a forked worker's error would otherwise only show as a crashed
# row. The report is left out (--no-report): it would only add gnuplot,
# which is not ours, under valgrind.
set -euo pipefail
build=${PB_BUILD:?PB_BUILD: the build folder to run}
tmp=$(mktemp -d /tmp/pb-valgrind-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/logs"

# valgrind cannot run AVX-512 instructions: the pi simd kernel takes the
# AVX2 path (or SSE2 where the CPU has no AVX2).
if grep -qw avx2 /proc/cpuinfo; then export PB_PI_SIMD=avx2; else export PB_PI_SIMD=sse2; fi

cat >"$tmp/valgrind.yaml" <<'YAML'
name: valgrind
description: every strategy and five workloads, small, under valgrind
strategies: [serial, pthreads]
workers: [1, 2]
repetitions: 1
warmup: 0
timeout: 5m
experiments:
  - name: vg-pi
    workload: pi
    params: { samples: 2e5, tasks: 8, kernel: [scalar, simd] }
    strategies: [serial, pthreads, fork, shm]
  - name: vg-primes
    workload: primes
    params: { numbers: [2e4, 3e4] }
    strategies: [serial, pthreads, shm]
  - name: vg-copy
    workload: copy
    params: { files: 2, size: 256k }
  - name: vg-fetch
    workload: fetch
    params: { requests: 4, delay: 10ms }
  - name: vg-spin
    workload: spin
    params: { total_time: 20ms, serial_fraction: 0.2, tasks: 4 }
    strategies: [serial, pthreads, fork]
YAML

status=0
(cd "$tmp" && valgrind --error-exitcode=1 --leak-check=full \
  --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --trace-children=yes --trace-children-skip='*/gnuplot' \
  --log-file="$tmp/logs/vg.%p.log" \
  "$build/parabench" run valgrind.yaml --out res --quiet --no-report --no-isolate) ||
  status=$?

nlogs=$(find "$tmp/logs" -name 'vg.*.log' | wc -l)
# Definite leaks count as errors (--errors-for-leak-kinds), so every
# problem shows in a process's ERROR SUMMARY; "Process terminating" is a
# process killed by a signal that valgrind saw.
bad=$(grep -lE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|Process terminating' \
  "$tmp"/logs/vg.*.log || true)
clean=$(grep -l 'ERROR SUMMARY: 0 errors' "$tmp"/logs/vg.*.log | wc -l || true)
rows=0 notok=0
if [ -f "$tmp/res/runs.csv" ]; then
  rows=$(($(wc -l <"$tmp/res/runs.csv") - 1))
  # status is the 7th column; the six before it never hold a comma.
  notok=$(awk -F, 'NR > 1 && $7 != "ok"' "$tmp/res/runs.csv" | wc -l)
fi
echo "valgrind: $nlogs processes ($clean with 0 errors), $rows rows ($notok not ok), parabench exit $status"
if [ -n "$bad" ]; then
  for f in $bad; do echo "--- $(basename "$f")"; grep -v '^==[0-9]*== *$' "$f" | head -80; done
fi
if [ -n "$bad" ] || [ "$status" -ne 0 ] || [ "$rows" -le 0 ] || [ "$notok" -ne 0 ]; then
  echo "valgrind: FAILED"
  exit 1
fi
echo "valgrind: no errors, nothing definitely lost"
