// `npm run test:asan`: the addon built with AddressSanitizer + UBSan (cmake-js,
// -DNODEGRAD_SANITIZE=ON, into build-asan/ so build/Release stays the normal
// build), then the whole vitest suite and the native self-test run against it.
// Every sanitizer report is a failure (halt_on_error), reports go to files
// under .test-results/asan/ and are printed here.
// Usage: node scripts/test-asan.mjs [counts-file] [vitest args...]
//   counts-file: where to write "passed failed" (for scripts/ci-suites/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, '.test-results');
const reportDir = join(outDir, 'asan');
const buildDir = join(root, 'build-asan');
const addonPath = join(buildDir, 'Release', 'nodegrad.node');
const [countsFile, ...vitestArgs] = process.argv.slice(2);

rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });

const lines = [];
let passed = 0;
let failed = 0;

function finish() {
  const reports = readdirSync(reportDir);
  for (const r of reports) {
    process.stdout.write(`\n--- sanitizer report ${r}\n` + readFileSync(join(reportDir, r), 'utf8'));
  }
  failed += reports.length;
  lines.push(`sanitizer reports: ${reports.length}`);
  console.log('\n' + lines.join('\n'));
  console.log(`${passed} passed, ${failed} failed`);
  if (countsFile) writeFileSync(countsFile, `${passed} ${failed}\n`);
  process.exit(failed === 0 ? 0 : 1);
}

// 1. Build. cmake-js uses node-api-headers (package.json "binary"), so it stays offline.
const cmakeJs = join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
const build = spawnSync(process.execPath, [cmakeJs, 'build', '-G', 'Ninja', '--out', buildDir, '--CDNODEGRAD_SANITIZE=ON'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (build.status !== 0 || !existsSync(addonPath)) {
  failed += 1;
  lines.push('asan build: failed');
  finish();
}

const libasan = spawnSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout.trim();
if (!libasan.startsWith('/')) {
  failed += 1;
  lines.push(`libasan not found (gcc -print-file-name=libasan.so: ${libasan})`);
  finish();
}

const sanEnv = {
  // V8 and Node's own allocations are not ours to judge: leaks are not checked.
  ASAN_OPTIONS: `detect_leaks=0:halt_on_error=1:abort_on_error=0:log_path=${join(reportDir, 'asan')}`,
  UBSAN_OPTIONS: `halt_on_error=1:print_stacktrace=1:log_path=${join(reportDir, 'ubsan')}`,
};

// 2. The native self-test, built with the same sanitizer flags (no Node involved).
const selftest = spawnSync(join(buildDir, 'nodegrad_selftest'), [], { encoding: 'utf8', env: { ...process.env, ...sanEnv } });
const m = selftest.stdout?.match(/selftest: (\d+) passed, (\d+) failed/);
process.stdout.write((selftest.stdout ?? '') + (selftest.stderr ?? ''));
const sp = m ? Number(m[1]) : 0;
const sf = m ? Number(m[2]) + (selftest.status === 0 ? 0 : 1) : 1;
passed += sp;
failed += sf;
lines.push(`native selftest (asan): ${sp} passed, ${sf} failed`);

// 3. The whole vitest suite with libasan preloaded into node (the addon needs
// the runtime loaded first). CI=true makes a native load failure an error, so
// the suite cannot silently fall back to the reference backend.
const json = join(outDir, 'vitest-asan.json');
rmSync(json, { force: true });
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`, ...vitestArgs], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...sanEnv, CI: 'true', LD_PRELOAD: libasan, NODEGRAD_ADDON_PATH: addonPath },
});
let p = 0;
let f = 1;
try {
  const res = JSON.parse(readFileSync(json, 'utf8'));
  p = res.numPassedTests;
  f = res.numFailedTests + (r.status !== 0 && res.numFailedTests === 0 ? 1 : 0);
} catch {
  // the runner died before writing results (a sanitizer halt does that)
}
passed += p;
failed += f;
lines.push(`vitest (asan): ${p} passed, ${f} failed`);
finish();
