#!/usr/bin/env bash
# CI: tfjs-core's own unit tests (about 4,200 specs shipped in its npm
# package) against the 'nodegrad' backend and against 'cpu' as the control
# (scripts/tfjs-core-suite/run.mjs). $1: file to write "passed failed" into.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: 80-tfjs-core.sh COUNTS_FILE}
echo "0 1" >"$out"
node scripts/tfjs-core-suite/run.mjs --counts "$out"
