// `npm test`: every suite, summed into one final "N passed, N failed" line.
//  1. vitest, on the best SIMD path this CPU has (all backends);
//  2. vitest's kernel-level suites again under every other SIMD path
//     (NODEGRAD_SIMD, one process per path);
//  3. the native self-test (CMake + ctest), every ISA, without Node.
// Step 3 needs cmake and Ninja; without them it fails with a one-line reason
// and the fix. Set NODEGRAD_TEST_SKIP_NATIVE_SELFTEST=1 to skip it.
// Colour only on a terminal: piped to a file, the log is plain text.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { childEnv as childEnvFor, missingTools, missingToolsMessage } from './lib/test-env.mjs';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, '.test-results');
mkdirSync(outDir, { recursive: true });
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const extra = process.argv.slice(2);

let passed = 0;
let failed = 0;
const lines = [];

const childEnv = (env) => childEnvFor(process.stdout.isTTY === true, env);

function runVitest(label, env, args) {
  const json = join(outDir, `vitest-${label}.json`);
  rmSync(json, { force: true });
  const r = spawnSync(process.execPath, [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: childEnv(env),
  });
  let p = 0;
  let f = 0;
  try {
    const res = JSON.parse(readFileSync(json, 'utf8'));
    p = res.numPassedTests;
    f = res.numFailedTests + (r.status !== 0 && res.numFailedTests === 0 ? 1 : 0);
  } catch {
    f = 1; // the runner itself failed before writing results
  }
  passed += p;
  failed += f;
  lines.push(`vitest [${label}]: ${p} passed, ${f} failed`);
}

function availablePaths() {
  try {
    const req = createRequire(join(root, 'package.json'));
    const addon = req('node-gyp-build')(root);
    return { best: addon.isa, all: [...addon.isaAvailable] };
  } catch {
    return { best: 'none', all: [] };
  }
}

const { best, all } = availablePaths();
// The fuzz suites (test/fuzz/) write their generated-case counts here.
const fuzzDir = join(outDir, 'fuzz');
rmSync(fuzzDir, { recursive: true, force: true });
runVitest(`simd-${best}`, {}, extra);
if (existsSync(fuzzDir)) {
  const counts = readdirSync(fuzzDir).map((f) => Number(readFileSync(join(fuzzDir, f), 'utf8')));
  lines.push(`fuzz: ${counts.reduce((a, b) => a + b, 0)} generated cases`);
}
// Never skip a path silently: an x86-64 CPU without AVX-512F (or whose OS
// does not save the ZMM state) cannot run the avx512 suites.
if (process.arch === 'x64' && all.length > 0 && !all.includes('avx512')) {
  console.log('vitest [simd-avx512]: skipped: this CPU lacks avx512f');
  lines.push('vitest [simd-avx512]: skipped: this CPU lacks avx512f');
}
for (const path of all) {
  if (path === best) continue;
  runVitest(`simd-${path}`, { NODEGRAD_SIMD: path }, ['--passWithNoTests', 'test/kernels', ...extra]);
}

const missing = process.env.NODEGRAD_TEST_SKIP_NATIVE_SELFTEST ? [] : missingTools(['cmake', 'ninja']);
if (process.env.NODEGRAD_TEST_SKIP_NATIVE_SELFTEST) {
  lines.push('native selftest: skipped (NODEGRAD_TEST_SKIP_NATIVE_SELFTEST is set)');
} else if (missing.length > 0) {
  // Counted as a failure (the suite did not run), with the reason and both ways out.
  const why = missingToolsMessage(missing);
  console.error(`\n${why}`);
  failed += 1;
  lines.push(`${why}: 0 passed, 1 failed`);
} else {
  const build = join(root, 'build-selftest');
  const steps = [
    ['cmake', ['-S', root, '-B', build, '-G', 'Ninja', '-DNODEGRAD_SELFTEST_ONLY=ON']],
    ['cmake', ['--build', build]],
  ];
  let ok = true;
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) ok = false;
  }
  const r = ok ? spawnSync(join(build, 'nodegrad_selftest'), [], { encoding: 'utf8' }) : undefined;
  const m = r?.stdout.match(/selftest: (\d+) passed, (\d+) failed/);
  if (r) process.stdout.write(r.stdout + r.stderr);
  const p = m ? Number(m[1]) : 0;
  const f = m ? Number(m[2]) : 1;
  passed += p;
  failed += f;
  lines.push(`native selftest: ${p} passed, ${f} failed`);
}

console.log('\n' + lines.join('\n'));
writeFileSync(join(outDir, 'summary.txt'), `${passed} ${failed}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
