#!/usr/bin/env bash
# CI: prebuilds, npm pack, publint and an install of the tarball into a fresh
# project without a compiler (scripts/reliability/package-test.sh).
# $1: file to write "passed failed" into.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: 60-package.sh COUNTS_FILE}
echo "0 1" >"$out"
bash scripts/reliability/package-test.sh "$out"
