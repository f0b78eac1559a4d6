#!/usr/bin/env bash
# The addon cross-built for arm64 and loaded by an arm64 Node under qemu:
# native-vs-reference checks of every exported kernel (check.mjs), once on
# the NEON path and once with NODEGRAD_SIMD=scalar (the arm64 scalar build).
# Usage: scripts/arm64/run.sh [COUNTS_FILE]   (writes "passed failed")
set -uo pipefail
# shellcheck source=../lib/suite.sh
. "$(dirname "$0")/../lib/suite.sh"
counts=${1:+$(realpath -m "$1")} # absolute: the scripts cd to the repository root
label="arm64 node checks (qemu)"
QEMU=${NODEGRAD_QEMU:-qemu-aarch64-static}
# The arm64 node is dynamically linked: qemu finds its loader and libc here.
SYSROOT=${NODEGRAD_ARM64_SYSROOT:-/usr/aarch64-linux-gnu}

require_tools "$counts" "$label" "${NODEGRAD_ARM64_CXX:-aarch64-linux-gnu-g++}" "$QEMU" npm npx
[ -f "$SYSROOT/lib/ld-linux-aarch64.so.1" ] ||
  suite_fail "$counts" "$label" "no aarch64 sysroot at $SYSROOT (apt-get install -y g++-aarch64-linux-gnu)"
cd "$NODEGRAD_ROOT" || exit 1

t0=$(date +%s)
node_bin=$(bash scripts/arm64/fetch-node.sh) || suite_fail "$counts" "$label" "could not get the arm64 Node binary"
t1=$(date +%s)
bash scripts/arm64/build-addon.sh >/dev/null || suite_fail "$counts" "$label" "cross-compiling the addon failed"
t2=$(date +%s)
npx tsc -p tsconfig.build.json || suite_fail "$counts" "$label" "building dist/ (tsc -p tsconfig.build.json) failed"
t3=$(date +%s)
echo "arm64: node fetched in $((t1 - t0)) s, addon cross-built in $((t2 - t1)) s, dist built in $((t3 - t2)) s"

passed=0
failed=0
for isa in neon scalar; do
  part=build-arm64/check-$isa.txt
  rm -f "$part"
  echo "--- arm64 check.mjs, NODEGRAD_SIMD=$isa"
  s=$(date +%s)
  NODEGRAD_SIMD=$isa "$QEMU" -L "$SYSROOT" "$node_bin" scripts/arm64/check.mjs --isa "$isa" --counts "$part"
  echo "arm64 check.mjs [$isa] ran in $(($(date +%s) - s)) s"
  # No counts: the process died (a crash in a kernel kills it); the culprit
  # is the case after the last line printed above.
  read -r p f <"$part" 2>/dev/null || { echo "$label [$isa]: FAILED: check.mjs wrote no counts (crashed?)" >&2; p=0; f=1; }
  passed=$((passed + p))
  failed=$((failed + f))
done
echo "$label: $passed passed, $failed failed"
counts_write "$counts" "$passed" "$failed"
[ "$failed" -eq 0 ]
