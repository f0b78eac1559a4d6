#!/usr/bin/env bash
# The package as a user meets it: prebuilds (prebuildify; linux-arm64 too,
# cross-built, when scripts/arm64/build-addon.sh exists), `npm pack`, the tarball's contents,
# `publint` on the tarball, then an install into a fresh temporary project
# with install scripts disabled and no compiler, make or python on the PATH,
# used from ESM, from CommonJS (require(esm), Node >= 20.19) and from a
# TypeScript consumer, with the native backend loaded from the prebuild (and
# the arm64 prebuild loaded by an arm64 Node under qemu).
# Usage: bash scripts/reliability/package-test.sh [COUNTS_FILE]
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
counts=${1:-}
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "  ok: $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL: $*"; }
finish() {
  echo "package: $passed passed, $failed failed"
  [ -n "$counts" ] && echo "$passed $failed" >"$counts"
  [ -n "${tmp:-}" ] && rm -rf "$tmp"
  exit $([ "$failed" -eq 0 ] && echo 0 || echo 1)
}
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_api.h ]; then
  export npm_config_nodedir=/usr
fi
tmp=$(mktemp -d /tmp/nodegrad-package.XXXXXX)

echo "== prebuilds (npm run prebuilds: linux-x64 here, linux-arm64 cross-built)"
rm -rf prebuilds
want=(--host-only)
command -v aarch64-linux-gnu-g++ >/dev/null && want=()
if npm run prebuilds -- "${want[@]}" >"$tmp/prebuilds.log" 2>&1 && [ -f prebuilds/linux-x64/nodegrad.node ]; then
  pass "prebuilds/linux-x64/nodegrad.node"
else
  fail "npm run prebuilds"; tail -20 "$tmp/prebuilds.log"
fi
arm64=0
if [ ${#want[@]} -eq 0 ]; then
  # ELF e_machine 0xb7 = EM_AARCH64
  if [ -f prebuilds/linux-arm64/nodegrad.node ] && [ "$(od -An -tx1 -j18 -N2 prebuilds/linux-arm64/nodegrad.node | tr -d ' ')" = b700 ]; then
    pass "prebuilds/linux-arm64/nodegrad.node (cross-built, aarch64 ELF)"
    arm64=1
  else
    fail "prebuilds/linux-arm64/nodegrad.node missing or not an aarch64 ELF"
  fi
else
  echo "  (no aarch64-linux-gnu-g++: the package carries linux-x64 only)"
fi
# prebuildify rebuilt build/Release with the same flags; make sure it is there.
[ -f build/Release/nodegrad.node ] || npm run build >/dev/null 2>&1

echo "== npm pack"
if tgz=$(npm pack --silent --pack-destination "$tmp" 2>"$tmp/pack.log" | tail -1) && [ -f "$tmp/$tgz" ]; then
  tgz="$tmp/$tgz"
  pass "npm pack: $(basename "$tgz") ($(du -k "$tgz" | cut -f1) kB)"
else
  fail "npm pack"; cat "$tmp/pack.log"; finish
fi
list=$(tar -tzf "$tgz" | sed 's|^package/||')
for need in package.json dist/index.js dist/index.d.ts binding.gyp scripts/gyp-sources.cjs native/binding/addon.cc prebuilds/linux-x64/nodegrad.node README.md LICENSE; do
  if grep -qx "$need" <<<"$list"; then pass "tarball has $need"; else fail "tarball lacks $need"; fi
done
if [ $arm64 -eq 1 ]; then
  if grep -qx prebuilds/linux-arm64/nodegrad.node <<<"$list"; then pass "tarball has prebuilds/linux-arm64/nodegrad.node"; else fail "tarball lacks prebuilds/linux-arm64/nodegrad.node"; fi
fi
junk=$(grep -E '^(test|build|build-[^/]*|bench|\.test-results|\.ci|node_modules|native/selftest|lib)/|\.map$|\.tgz$|^scripts/(ci-suites|reliability)/' <<<"$list" || true)
if [ -z "$junk" ]; then pass "tarball carries no tests, build output, maps or CI files"; else fail "tarball carries: $(echo $junk)"; fi

echo "== publint"
if out=$(node node_modules/publint/src/cli.js run "$tgz" 2>&1) && ! grep -qE '^(Errors|Warnings|Suggestions):' <<<"$out"; then
  pass "publint: nothing reported"
else
  fail "publint"; echo "$out"
fi

echo "== install into a fresh project: --ignore-scripts, no compiler on the PATH"
bin="$tmp/bin"
mkdir -p "$bin" "$tmp/app"
ln -s "$(command -v node)" "$bin/node"
ln -s "$(readlink -f "$(command -v npm)")" "$bin/npm"
if none=$(env PATH="$bin" "$BASH" -c 'for t in g++ gcc cc c++ clang make python3 python cmake; do command -v $t; done'); [ -z "$none" ]; then
  pass "the stripped PATH has node and npm only"
else
  fail "the stripped PATH still finds: $none"
fi
cd "$tmp/app"
echo '{ "name": "app", "version": "1.0.0", "private": true }' >package.json
if env PATH="$bin" npm install --ignore-scripts --no-audit --no-fund --prefer-offline "$tgz" >"$tmp/install.log" 2>&1; then
  pass "npm install --ignore-scripts $(basename "$tgz")"
else
  fail "npm install"; tail -20 "$tmp/install.log"; finish
fi
[ -d node_modules/nodegrad/build ] && fail "an installed build/ exists: the prebuild is not what loads" || pass "no build/ in the installed package"


# Which .node file the process mapped: it must be the prebuild.
cat >check.common <<'EOF'
const i = ng.info(); // loads the addon (lazily)
const x = Float32Array.from([-2, -0.5, 0, 1.5]);
const y = new Float32Array(4);
ng.backend('native').relu(x, y);
const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8');
const addon = [...new Set(maps.split('\n').map((l) => l.split(/\s+/)[5]).filter((p) => p && p.endsWith('.node')))];
const want = process.env.EXPECT_ADDON_DIR || 'prebuilds/' + process.platform + '-' + process.arch;
// A fit on the native backend: XOR-like points, a small MLP, Adam.
const xs = []; const ys = [];
for (let k = 0; k < 64; k++) { const a = k & 1, b = (k >> 1) & 1; xs.push(a * 2 - 1 + ((k * 7) % 5) * 0.01, b * 2 - 1); ys.push(a ^ b); }
const model = new ng.Sequential([new ng.Dense(2, 16, { activation: 'tanh' }), new ng.Dense(16, 2)], { backend: 'native', seed: 1 });
model.compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy', metrics: ['accuracy'] });
const done = model.fit(new ng.Tensor(Float32Array.from(xs), [64, 2]), new ng.Tensor(Float32Array.from(ys), [64]), { epochs: 300, batchSize: 16, seed: 1, verbose: 0 });
done.then((h) => {
  const acc = h.history.accuracy[h.history.accuracy.length - 1];
  const ok = i.backend === 'native' && addon.length === 1 && addon[0].includes('/node_modules/nodegrad/' + want + '/') && y.join() === '0,0,0,1.5' && acc === 1;
  console.log(JSON.stringify({ ok, backend: i.backend, simd: i.simd, addon, y: [...y], fitAccuracy: acc }));
  process.exit(ok ? 0 : 1);
});
EOF
{ echo "import * as ng from 'nodegrad'; import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"; cat check.common; } >esm.mjs
{ echo "const ng = require('nodegrad');"; cat check.common; } >cjs.cjs
for mod in esm.mjs cjs.cjs; do
  if out=$(env PATH="$bin" node "$mod" 2>"$tmp/$mod.err"); then
    pass "$mod: $out"
  else
    fail "$mod: $out $(cat "$tmp/$mod.err")"
  fi
done
cat >consumer.mts <<'EOF'
import { backend, info, type Kernels } from 'nodegrad';
const k: Kernels = backend('native');
const y = new Float32Array(2);
k.relu(Float32Array.from([-1, 1]), y);
const simd: string = info().simd;
export { simd };
EOF
if out=$(node "$root/node_modules/typescript/bin/tsc" --noEmit --strict --module nodenext --moduleResolution nodenext --target es2022 --types node --typeRoots "$root/node_modules/@types" consumer.mts 2>&1); then
  pass "a TypeScript consumer type-checks against the installed types"
else
  fail "TypeScript consumer: $out"
fi
# As a consumer installs it: install scripts on (node-gyp-build finds the
# prebuild and compiles nothing; prepare, which needs the devDependency
# typescript, must not run), still no compiler, make or python on the PATH.
# npm runs install scripts through sh: the consumer's PATH has it (and nothing to compile with).
bin2="$tmp/bin2"
mkdir -p "$bin2" && ln -s "$(command -v node)" "$bin2/node" && ln -s "$(readlink -f "$(command -v npm)")" "$bin2/npm" && ln -s "$(readlink -f /bin/sh)" "$bin2/sh"
mkdir -p "$tmp/app2" && cd "$tmp/app2"
echo '{ "name": "app2", "version": "1.0.0", "private": true }' >package.json
t0=$(date +%s%N)
if env PATH="$bin2" npm install --foreground-scripts --no-audit --no-fund --prefer-offline "$tgz" >"$tmp/install2.log" 2>&1; then
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  pass "npm install (install scripts on, no compiler): ${ms} ms"
  echo "$ms" >"$tmp/install-ms"
else
  fail "npm install with install scripts and no compiler"; tail -20 "$tmp/install2.log"
fi
cp "$tmp/app/cjs.cjs" .
if out=$(env PATH="$bin2" node cjs.cjs 2>&1); then pass "after that install, a fit on the native backend: $out"; else fail "after the install with scripts: $out"; fi
# --foreground-scripts prints each lifecycle script npm runs ("> nodegrad@V install"): install, never prepare.
if grep -q '^> nodegrad@[^ ]* install' "$tmp/install2.log" && ! grep -q '^> nodegrad@[^ ]* prepare' "$tmp/install2.log"; then
  pass "the consumer's install ran nodegrad's install script (node-gyp-build) and not prepare"
else
  fail "lifecycle scripts in the consumer's install: $(grep '^> nodegrad' "$tmp/install2.log" | tr '\n' ';')"
fi
[ -d node_modules/nodegrad/build ] && fail "install scripts built build/: the prebuild was not used" || pass "install scripts used the prebuild (no build/)"
cd "$tmp/app"
# The fallback where no prebuild fits: a source build from the installed
# tarball's files (with the compiler back on the PATH), loaded from build/Release.
cd "$tmp/app"
if npm_config_build_from_source=true npm rebuild nodegrad >"$tmp/rebuild.log" 2>&1 && [ -f node_modules/nodegrad/build/Release/nodegrad.node ]; then
  if out=$(EXPECT_ADDON_DIR=build/Release node cjs.cjs 2>&1); then
    pass "source build from the tarball (npm rebuild, build from source): $out"
  else
    fail "source build from the tarball: $out"
  fi
else
  fail "npm rebuild nodegrad from source"; tail -15 "$tmp/rebuild.log"
fi
rm -rf node_modules/nodegrad/build

# The arm64 prebuild, loaded from the installed package by an arm64 Node
# under qemu-user (node-gyp-build picks prebuilds/linux-arm64 there).
if [ $arm64 -eq 1 ] && [ -f "$root/scripts/arm64/fetch-node.sh" ] && command -v qemu-aarch64-static >/dev/null; then
  if node64=$(cd "$root" && bash scripts/arm64/fetch-node.sh 2>"$tmp/fetch.log" | tail -1) && [ -x "$root/$node64" ]; then
    if out=$(qemu-aarch64-static -L /usr/aarch64-linux-gnu "$root/$node64" cjs.cjs 2>"$tmp/arm64-run.err"); then
      pass "linux-arm64 (qemu): $out"
    else
      fail "linux-arm64 (qemu): $out $(head -5 "$tmp/arm64-run.err")"
    fi
  else
    fail "scripts/arm64/fetch-node.sh: $(tail -3 "$tmp/fetch.log")"
  fi
fi
cd "$root"
finish
