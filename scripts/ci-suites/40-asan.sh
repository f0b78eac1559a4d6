#!/usr/bin/env bash
# CI: the whole vitest suite and the native self-test against the ASan+UBSan
# build of the addon (scripts/test-asan.mjs). $1: file to write "passed failed" into.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: 40-asan.sh COUNTS_FILE}
echo "0 1" >"$out" # replaced by the runner; stays a failure if it dies early
node scripts/test-asan.mjs "$out"
