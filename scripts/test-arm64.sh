#!/usr/bin/env bash
# `npm run test:arm64`: the C++ self-test cross-compiled for aarch64 and run
# under qemu-user, so the NEON kernels are tested on an x86-64 machine.
# Usage: scripts/test-arm64.sh [COUNTS_FILE]   (writes "passed failed")
# Static link: qemu needs no aarch64 sysroot (-L) to run it. There is no
# binfmt handler on these machines, so qemu is always called explicitly.
set -uo pipefail
# shellcheck source=lib/suite.sh
. "$(dirname "$0")/lib/suite.sh"
counts=${1:+$(realpath -m "$1")} # absolute: the scripts cd to the repository root
label="arm64 selftest (qemu)"
CXX=${NODEGRAD_ARM64_CXX:-aarch64-linux-gnu-g++}
QEMU=${NODEGRAD_QEMU:-qemu-aarch64-static}

require_tools "$counts" "$label" "$CXX" "$QEMU"
cd "$NODEGRAD_ROOT" || exit 1
mkdir -p build-arm64
bin=build-arm64/selftest
# -Wall -Wextra: warnings are shown, not fatal (clang's build is the -Werror one).
build_selftest "$CXX" "$bin" "" -static -Wall -Wextra ||
  suite_fail "$counts" "$label" "cross-compiling the self-test with $CXX failed"
is_aarch64_elf "$bin" ||
  suite_fail "$counts" "$label" "$bin is not an aarch64 executable"
run_selftest "$counts" "$label" neon "$QEMU" "$bin"
