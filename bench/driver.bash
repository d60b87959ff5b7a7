# driver.bash — sourced by the bench scripts that compile a C driver
# against the core library (guard, mpi_overhead, python,
# strategy_overhead, workloads_cpu, workloads_io); not a bench itself,
# hence not .sh, which run.sh would run. Expects PB_BUILD; PB_CORE_LIBS
# names the libraries libpbcore.a needs (make bench passes them).

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$PB_BUILD/bench"
mkdir -p "$out"
cc=${CC:-cc}

# build_driver NAME FILE...: checks that each FILE (plugins, say) is
# built, then compiles bench/NAME.c against the core library into
# $out/NAME. Fails, saying why on stderr, when it cannot.
build_driver() {
  local name=$1 f
  shift
  for f in "$PB_BUILD/libpbcore.a" "$@"; do
    [ -e "$f" ] || { echo "$name: $f is missing; run make first" >&2; return 1; }
  done
  # shellcheck disable=SC2086 # PB_CORE_LIBS is a list of words
  $cc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$bench_root/include" \
    -I"$bench_root/core" "$bench_root/bench/$name.c" \
    "$PB_BUILD/libpbcore.a" ${PB_CORE_LIBS:--lyaml -lm -pthread} \
    -o "$out/$name" || { echo "$name: cannot build the driver" >&2; return 1; }
}

# empty_plugins: sets test_plugins to a folder holding the `empty` test
# plugin: the build's, or $out/test-plugins, built there when missing.
empty_plugins() {
  test_plugins="$PB_BUILD/test-plugins"
  [ -e "$test_plugins/empty.so" ] && return 0
  test_plugins="$out/test-plugins"
  mkdir -p "$test_plugins"
  $cc -std=gnu11 -O2 -I"$bench_root/include" -fPIC -shared \
    "$bench_root/tests/plugins/empty.c" -o "$test_plugins/empty.so"
}
