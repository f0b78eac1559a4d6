#!/usr/bin/env node
// `npm run test:tfjs-core`: tfjs-core's own unit tests (shipped in its npm
// package) against the 'nodegrad' backend and against 'cpu' as the control.
// The specs are ESM with extension-less imports and a require of
// jasmine-core, so they run from one esbuild bundle (entry.mjs); tfjs-core's
// `sideEffects` list omits its spec files, hence ignoreAnnotations.
//
// Usage: node scripts/tfjs-core-suite/run.mjs [--backend nodegrad|cpu] [--counts FILE]
// --counts writes "passed failed" (both runs summed; CI's counts format).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CPU_ONLY } from './ignore.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const backends = opt('--backend') ? [opt('--backend')] : ['nodegrad', 'cpu'];
const countsFile = opt('--counts');

// Two directories below the package root, like dist/backend/native.js: the
// bundled loader finds the addon and package.json relative to itself.
const outDir = join(root, 'build', 'tfjs-core-suite');
const bundle = join(outDir, 'bundle.mjs');
mkdirSync(outDir, { recursive: true });
const result = await build({
  entryPoints: [join(root, 'scripts', 'tfjs-core-suite', 'entry.mjs')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: bundle,
  // tfjs-core's ESM build for every importer (the specs' relative imports,
  // tfjs-backend-cpu, nodegrad/tfjs): one copy of the engine and registry.
  mainFields: ['module', 'main'],
  ignoreAnnotations: true,
  // jasmine is one CJS copy shared by the runner and tfjs's jasmine_util;
  // node-gyp-build loads the addon at run time.
  external: ['jasmine', 'jasmine-core', 'node-gyp-build', 'node-fetch'],
  banner: { js: "import { createRequire as __nodegradCreateRequire } from 'node:module'; const require = __nodegradCreateRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
});
// The one-copy property, checked rather than assumed.
const inputs = Object.keys(result.metafile.inputs);
const cjsCopies = inputs.filter((p) => /tfjs-(core|backend-cpu)\/dist\/tf-.*\.node\.js$/.test(p));
if (cjsCopies.length) throw new Error(`the bundle holds a second (CJS) copy of tfjs: ${cjsCopies.join(', ')}`);

let passed = 0;
let failed = 0;
const ran = {};
for (const backend of backends) {
  const resultFile = join(outDir, `result-${backend}.json`);
  writeFileSync(resultFile, 'null');
  const run = spawnSync(process.execPath, [bundle], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TFJS_SUITE_BACKEND: backend, TFJS_SUITE_RESULT: resultFile },
  });
  const counts = JSON.parse(readFileSync(resultFile, 'utf8'));
  if (!counts) {
    console.error(`tfjs-core suite on '${backend}': no result (exit ${run.status}, signal ${run.signal})`);
    failed++;
    continue;
  }
  passed += counts.passed;
  failed += counts.failed;
  ran[backend] = new Set(counts.ran); // run, or ignored with a reason
  if (run.status !== 0 && counts.failed === 0) failed++;
}
if (ran.nodegrad && ran.cpu) {
  // Every spec of the control ran on nodegrad too (other than tfjs's own cpu-only ones).
  const missing = [...ran.cpu].filter((n) => !ran.nodegrad.has(n) && !Object.keys(CPU_ONLY).some((p) => n.startsWith(p)));
  for (const n of missing) console.log(`FAILED: ran on cpu but not on nodegrad: ${n}`);
  failed += missing.length;
}
console.log(`tfjs-core suite (${backends.join(', ')}): ${passed} passed, ${failed} failed`);
if (countsFile) writeFileSync(countsFile, `${passed} ${failed}\n`);
process.exitCode = failed === 0 ? 0 : 1;
