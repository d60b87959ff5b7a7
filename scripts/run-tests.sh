#!/usr/bin/env bash
# run-tests.sh: run each Criterion test binary given, then print one closing
# line "N passed, N failed" over all of them. Exit 1 when any test failed.
# TEST_WRAPPER (e.g. "valgrind -q") is put in front of each binary.
#
# Sanitizer builds (make test SANITIZE=...): every process a test starts —
# Criterion's workers, parabench, cell processes, fork children — writes its
# sanitizer reports to a private folder (log_path) rather than to a stderr
# that a test may capture and throw away. Criterion passes a test whose
# worker finds a leak at exit (it ignores the worker's exit status), so a
# binary with any error report in that folder counts as one more failure,
# and its reports are printed. The options below are harmless for a plain
# build; options already in the environment are kept and win.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/pb-san-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A test that drops root to `nobody` (test_copy's unwritable folder) must
# still read the suppressions and write its reports: a checkout in a
# private folder (mktemp -d is 0700) would make the sanitizer die at exit
# with "failed to read suppressions file". So the files go here, readable
# by all, and the log folder is writable by all (sticky, like /tmp).
chmod 755 "$tmp"
cp "$here/ci-lsan.supp" "$here/ci-tsan.supp" "$tmp/" && chmod 644 "$tmp"/ci-*.supp
logdir=$tmp/log
mkdir -m 1777 "$logdir"

# exitcode=0 with abort_on_error=1: a memory error still aborts the
# process at once, but a leak found at exit leaves the exit status alone,
# so a test that checks a child's status is judged on its own terms and
# every report is judged here, in one place.
# use_tls=0: gcc 12's LeakSanitizer crashes ("Tracer caught signal 11")
# scanning the dynamic TLS of a thread that is exiting while another thread
# runs exit() — the exits test plugin does that on purpose under pthreads.
# Not scanning TLS can only add reports (an object held only from TLS looks
# leaked), never hide one; the suppressions file names the few third-party
# objects that this shows.
export ASAN_OPTIONS="log_path=$logdir/asan:detect_leaks=1:abort_on_error=1:exitcode=0:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="log_path=$logdir/lsan:use_tls=0:suppressions=$tmp/ci-lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
# gcc's libubsan ignores log_path and writes to stderr: undefined behaviour
# aborts the process (a crash Criterion reports, a status a test checks),
# and its "runtime error:" line is looked for in the output too.
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
# die_after_fork=0: a child forked from a Criterion test process (which
# runs a thread of Criterion's) may start threads of its own: a cell process
# under pthreads, the pipe workload's peer thread under fork.
export TSAN_OPTIONS="log_path=$logdir/tsan:die_after_fork=0:second_deadlock_stack=1:suppressions=$tmp/ci-tsan.supp:${TSAN_OPTIONS:-}"

# True when the sanitizer output on stdin holds an error: a memory error,
# undefined behaviour, a data race, a sanitizer failure, or a leak of which
# one frame at least (besides the allocator's) is outside libcriterion.so.
# Criterion 2.4.1's runner leaks a 48-byte timeout request of its sandbox
# (BoxFort's bxfi_push_timeout) in some binaries; a suppression cannot name
# it (the library is stripped) and "leak:libcriterion.so" would hide every
# leak of a test, since every test runs below Criterion's frames. Warnings
# ("False leaks are possible") are no errors.
has_san_error() {
  awk '
    /^(Direct|Indirect) leak of/ { inleak = 1; ours = 0; frames = 0; next }
    inleak && /^ *#[0-9]+ / {
      if ($1 != "#0") { frames++; if ($0 !~ /libcriterion\.so/) ours = 1 }
      next
    }
    inleak { if (ours || !frames) bad = 1; inleak = 0 }
    /ERROR: LeakSanitizer: detected memory leaks/ { next }
    /ERROR: [A-Za-z]*Sanitizer|runtime error:|WARNING: ThreadSanitizer|Sanitizer has encountered a fatal error|FATAL: [A-Za-z]*Sanitizer|Sanitizer CHECK failed/ { bad = 1 }
    END { if (inleak && (ours || !frames)) bad = 1; exit !bad }'
}

# Prints the error reports of one binary's processes (at most 300 lines)
# from the log folder and from its output ($1); true when there is one.
san_reports() {
  local f found=1
  for f in "$logdir"/*; do
    [ -e "$f" ] && has_san_error <"$f" || continue
    head -300 "$f"
    found=0
  done
  if has_san_error <<<"$1"; then
    grep -E -A20 'ERROR: [A-Za-z]*Sanitizer|runtime error:|WARNING: ThreadSanitizer' <<<"$1" | head -100
    found=0
  fi
  return $found
}

# Criterion cannot start under ThreadSanitizer without a helper library
# (ci-tsan-preload.sh says why); a TSan test binary runs with it preloaded.
is_tsan() { ldd "$1" 2>/dev/null | grep -q libtsan; }
preload() {
  is_tsan "$1" || return 0
  [ -e "$tmp/tsan-preload.so" ] || "$here/ci-tsan-preload.sh" "$tmp/tsan-preload.so" || return 1
  echo "$tmp/tsan-preload.so"
}

# The one test that cannot mean anything under TSan here: it interrupts a
# cell process forked from the Criterion test process, which has a thread
# of Criterion's; gcc 12's ThreadSanitizer ignores a child of a threaded
# fork and never runs its signal handlers, so the SIGUSR1 that stops the
# cell is never seen. The end-to-end SIGINT tests (test_e2e, the real
# binary through fork+exec) cover interruption under TSan.
tsan_skip='supervise/interruption_stops_after_the_repetition_in_progress'

passed=0 failed=0 bad_bins=()
for t in "$@"; do
  rm -f "$logdir"/*
  pre=$(preload "$t") || { echo "cannot build the TSan helper library" >&2; exit 1; }
  filter=()
  if [ -n "$pre" ]; then
    filter=(--filter "!($tsan_skip)")
    case $(basename "$t") in test_${tsan_skip%%/*})
      echo "skipped under ThreadSanitizer: $tsan_skip (a signal handler in a child of a threaded fork never runs; see run-tests.sh)" ;;
    esac
  fi
  out=$(${pre:+env LD_PRELOAD=$pre} ${TEST_WRAPPER:-} "$t" --short-filename "${filter[@]}" 2>&1)
  rc=$?
  echo "$out" | grep -v '^\[====\] Synthesis' | grep -E '^\[(FAIL|----|ERR|WARN|SKIP)\]|^==[0-9]+==' || true
  syn=$(echo "$out" | grep 'Synthesis:' | tail -1)
  p=$(echo "$syn" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
  f=$(echo "$syn" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
  c=$(echo "$syn" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
  p=${p:-0} f=${f:-0} c=${c:-0}
  why=()
  [ -z "$syn" ] || [ $rc -ne 0 ] && why+=("exit $rc")
  san_reports "$out" && why+=("sanitizer report")
  # Criterion counts a crashed test among the failing ones too.
  [ "$c" -gt "$f" ] && f=$c
  if [ ${#why[@]} -gt 0 ]; then
    [ "$f" -eq 0 ] && f=1
    bad_bins+=("$(basename "$t") (${why[*]})")
  fi
  printf '%-28s %4d passed, %d failed\n' "$(basename "$t")" "$p" "$f"
  passed=$((passed + p))
  failed=$((failed + f))
done
[ ${#bad_bins[@]} -gt 0 ] && echo "failing: ${bad_bins[*]}"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
