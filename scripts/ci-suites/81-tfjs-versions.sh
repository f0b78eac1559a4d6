#!/usr/bin/env bash
# CI: nodegrad/tfjs in a consumer project on the lowest and the highest
# supported tfjs (the floor of the peerDependencies range, and the version
# of the @tensorflow/tfjs devDependency), each installed at exactly that
# version from the registry into a temp dir: ESM import, CommonJS require,
# the types, the default backend and a few native kernels against cpu
# (scripts/tfjs-consumer/). $1: file to write "passed failed" into.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: 81-tfjs-versions.sh COUNTS_FILE}
echo "0 1" >"$out"
root=$(pwd)
[ -f dist/tfjs/index.js ] || npm run build:ts >/dev/null || { echo "tsc failed"; exit 1; }
lowest=$(node -p 'require("./package.json").peerDependencies["@tensorflow/tfjs-core"].replace(/^\^/, "")')
highest=$(node -p 'require("./package.json").devDependencies["@tensorflow/tfjs"]')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() { # LABEL CMD...
  local label=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $label" >&2; fi
}
for v in "$lowest" "$highest"; do
  dir="$work/tfjs-$v"
  if ! node scripts/tfjs-consumer/make-project.mjs "$dir" dist "$v"; then
    failed=$((failed + 3))
    echo "FAILED: installing tfjs $v" >&2
    continue
  fi
  check "esm on tfjs $v" bash -c "cd '$dir' && node check.mjs"
  check "cjs on tfjs $v" bash -c "cd '$dir' && node check.cjs"
  check "types on tfjs $v" bash -c "cd '$dir' && node '$root/node_modules/typescript/bin/tsc' -p ."
done
echo "nodegrad/tfjs on tfjs $lowest and $highest: $passed passed, $failed failed"
echo "$passed $failed" >"$out"
[ "$failed" -eq 0 ]
