#!/usr/bin/env bash
# CI: a short soak of the training workload, 15 s of optimizer steps, 15 s
# of model.fit in the background and 15 s of model.fit on the main thread
# (`npm run soak` runs 60 s of each, at least 200k steps, with a
# 5 MB bound; here the bound is proportional: 5·15/60 = 1.25 MB). 8 s runs
# left too little margin: model.fit's RSS moved by up to 0.64 MB in 8 s.
# $1: file to write "passed failed" into.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: 50-soak.sh COUNTS_FILE}
echo "0 1" >"$out"
node --expose-gc scripts/reliability/soak.mjs --seconds 15 --min-steps 0 --bound-mb 1.25 --counts "$out"
