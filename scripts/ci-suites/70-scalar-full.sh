#!/usr/bin/env bash
# CI: the FULL vitest suite (not only test/kernels, as `npm test` re-runs)
# with NODEGRAD_SIMD=scalar, so layers, optimizers and training are exercised
# on the scalar kernels too. $1: file to write "passed failed" into.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: 70-scalar-full.sh COUNTS_FILE}
json=.test-results/vitest-scalar-full.json
mkdir -p .test-results
rm -f "$json"
NODEGRAD_SIMD=scalar node node_modules/vitest/vitest.mjs run --reporter=default --reporter=json --outputFile.json="$json"
status=$?
node -e '
const [json, status, out] = process.argv.slice(1);
let p = 0, f = 1;
try {
  const r = JSON.parse(require("fs").readFileSync(json, "utf8"));
  p = r.numPassedTests;
  f = r.numFailedTests + (Number(status) !== 0 && r.numFailedTests === 0 ? 1 : 0);
} catch {}
require("fs").writeFileSync(out, `${p} ${f}\n`);
console.log(`vitest [NODEGRAD_SIMD=scalar, full suite]: ${p} passed, ${f} failed`);
process.exit(f === 0 ? 0 : 1);
' "$json" "$status" "$out"
