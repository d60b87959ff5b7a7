#!/usr/bin/env bash
# run-tests.sh: run each Criterion test binary given, then print one closing
# line "N passed, N failed" over all of them. Exit 1 when any test failed.
# TEST_WRAPPER (e.g. "valgrind -q") is put in front of each binary.
set -u
passed=0 failed=0 bad_bins=()
for t in "$@"; do
  out=$(${TEST_WRAPPER:-} "$t" --short-filename 2>&1)
  rc=$?
  echo "$out" | grep -v '^\[====\] Synthesis' | grep -E '^\[(FAIL|----|ERR|WARN)\]|^==[0-9]+==' || true
  syn=$(echo "$out" | grep 'Synthesis:' | tail -1)
  p=$(echo "$syn" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
  f=$(echo "$syn" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
  c=$(echo "$syn" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
  p=${p:-0} f=${f:-0} c=${c:-0}
  if [ -z "$syn" ] || [ $rc -ne 0 ]; then
    [ $((f + c)) -eq 0 ] && f=1
    bad_bins+=("$(basename "$t") (exit $rc)")
  fi
  printf '%-28s %4d passed, %d failed\n' "$(basename "$t")" "$p" $((f + c))
  passed=$((passed + p))
  failed=$((failed + f + c))
done
[ ${#bad_bins[@]} -gt 0 ] && echo "failing: ${bad_bins[*]}"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
