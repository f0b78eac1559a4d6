#!/usr/bin/env bash
# The C++ self-test built with clang++ (x86-64) with warnings as errors, so
# the kernels stay portable to macOS's compiler. Runs every ISA this CPU has.
# Usage: scripts/test-clang.sh [COUNTS_FILE]   (writes "passed failed")
set -uo pipefail
# shellcheck source=lib/suite.sh
. "$(dirname "$0")/lib/suite.sh"
counts=${1:+$(realpath -m "$1")} # absolute: the scripts cd to the repository root
label="clang selftest"
CXX=${NODEGRAD_CLANG_CXX:-clang++}

require_tools "$counts" "$label" "$CXX"
cd "$NODEGRAD_ROOT" || exit 1
mkdir -p build-clang
bin=build-clang/selftest
avx2_flags=""
[ "$(uname -m)" = x86_64 ] && avx2_flags="-mavx2 -mfma"
build_selftest "$CXX" "$bin" "$avx2_flags" -Wall -Wextra -Werror ||
  suite_fail "$counts" "$label" "building the self-test with $CXX -Wall -Wextra -Werror failed"
run_selftest "$counts" "$label" "" "$bin"
