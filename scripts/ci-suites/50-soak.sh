#!/usr/bin/env bash
# CI: a short soak of the training workload, 8 s of optimizer steps then 8 s
# of model.fit (`npm run soak` runs 60 s of each, at least 200k steps, with a
# 5 MB bound; here the bound is proportional: 5·8/60 ≈ 0.67 MB).
# $1: file to write "passed failed" into.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: 50-soak.sh COUNTS_FILE}
echo "0 1" >"$out"
node --expose-gc scripts/reliability/soak.mjs --seconds 8 --min-steps 0 --bound-mb 0.67 --counts "$out"
