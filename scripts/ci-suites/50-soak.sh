#!/usr/bin/env bash
# CI: a 15 s soak of the training workload (`npm run soak` runs 60 s and at
# least 200k steps with a 5 MB bound; here the bound is proportional: 1.25 MB).
# $1: file to write "passed failed" into.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: 50-soak.sh COUNTS_FILE}
echo "0 1" >"$out"
node --expose-gc scripts/reliability/soak.mjs --seconds 15 --min-steps 0 --bound-mb 1.25 --counts "$out"
