#!/usr/bin/env bash
# install-deps.sh: install the Debian packages parabench needs to build, test
# and plot. Idempotent: when everything is already present it never touches apt.
# Usage: scripts/install-deps.sh [--check]   (--check only reports what is missing)
set -euo pipefail

# Each entry: "debian-package:probe" where probe is pkg:<pkg-config name>,
# cmd:<command> or file:<path>. A package is installed only when its probe fails.
NEEDED=(
  "make:cmd:make"
  "gcc:cmd:gcc"
  "pkg-config:cmd:pkg-config"
  "libyaml-dev:pkg:yaml-0.1"
  "libhwloc-dev:pkg:hwloc"
  "libjansson-dev:pkg:jansson"
  "nettle-dev:pkg:nettle"
  "libcriterion-dev:pkg:criterion"
  "libcurl4-openssl-dev:pkg:libcurl"
  "libmicrohttpd-dev:pkg:libmicrohttpd"
  "python3-dev:pkg:python3-embed"
  "libopenmpi-dev:pkg:ompi-c"
  "openmpi-bin:cmd:orted"
  "gnuplot-nox:cmd:gnuplot"
  "clang:cmd:clang"
  "libclang-rt-14-dev:file:/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a"
  "valgrind:cmd:valgrind"
  "coreutils:cmd:dd"
  "groff-base:cmd:groff"
)

have() {
  local kind=${1%%:*} what=${1#*:}
  case $kind in
    pkg) command -v pkg-config >/dev/null && pkg-config --exists "$what" ;;
    cmd) command -v "$what" >/dev/null ;;
    file) compgen -G "$what" >/dev/null ;;
  esac
}

missing=()
for entry in "${NEEDED[@]}"; do
  pkg=${entry%%:*}
  probe=${entry#*:}
  have "$probe" || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "missing Debian packages: ${missing[*]}"
  exit 1
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
