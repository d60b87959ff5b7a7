#!/usr/bin/env bash
# pi_kernel.sh: samples per second per core of the pi workload's kernels,
# through the real plugin (serial, 1 worker), each beside a plain C loop
# measured in the same run (see bench/pi_kernel.c, bench/pi_kernel_ref.c):
#   scalar kernel vs the xoshiro256+ loop (same 32+32 bit split) at -O2;
#     target >= 500 M/s per core
#   simd kernel vs the same generator in 8 lanes at -O3 -march=native (the
#     better of $CC and clang when clang is installed); target >= 1.8 G/s
# Needs PB_BUILD (absolute build folder with libpbcore.a and plugins/);
# PB_CORE_LIBS, the libraries libpbcore.a needs (make bench passes them).
# PI_SCALAR_SAMPLES (1e9) and PI_SIMD_SAMPLES (4e9) override the counts.
# Prints TSV: figure value unit reference-name reference-value target-note.
# About 25 s. Leaves nothing behind but the driver and its objects, kept
# in $PB_BUILD/bench.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
: "${PB_BUILD:?set PB_BUILD to the absolute build folder}"
out=$PB_BUILD/bench
mkdir -p "$out"
cc=${CC:-cc}
warn="-std=gnu11 -Wall -Wextra -Werror"

# ref CC PREFIX FLAGS...: compiles the plain loops into $out/pi_ref_PREFIX.o
ref() {
  local compiler=$1 prefix=$2
  shift 2
  $compiler $warn "$@" -DREF_PREFIX="$prefix" -c "$here/pi_kernel_ref.c" \
    -o "$out/pi_ref_$prefix.o"
}

objs=()
if ref "$cc" o2_ -O2 && ref "$cc" native_ -O3 -march=native; then
  objs=("$out/pi_ref_o2_.o" "$out/pi_ref_native_.o")
  if command -v clang >/dev/null && ref clang native_clang_ -O3 -march=native; then
    objs+=("$out/pi_ref_native_clang_.o")
  fi
fi
if [ ${#objs[@]} -eq 0 ] || ! $cc $warn -O2 \
	-I"$root/include" -I"$root/core" "$here/pi_kernel.c" "${objs[@]}" \
	"$PB_BUILD/libpbcore.a" ${PB_CORE_LIBS:--lyaml -lm -pthread} -o "$out/pi_kernel"; then
  echo "pi_kernel.sh: cannot build the driver" >&2
  exit 0
fi
# A failed figure prints nan and a note on stderr; never a non-zero exit.
PB_BUILD=$PB_BUILD "$out/pi_kernel" "${PI_SCALAR_SAMPLES:-1e9}" \
  "${PI_SIMD_SAMPLES:-4e9}" || echo "pi_kernel.sh: driver exited $?" >&2
exit 0
