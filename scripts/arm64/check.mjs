// Native-vs-reference checks of every kernel the addon exports, as a plain
// node script (vitest cannot start under the arm64 Node run by qemu):
//   qemu-aarch64-static -L /usr/aarch64-linux-gnu build-arm64/node scripts/arm64/check.mjs
// Options: --addon FILE (default build-arm64/nodegrad.node), --isa NAME (the
// SIMD path the addon must report; default neon), --counts FILE (writes
// "passed failed"). Needs dist/ (npx tsc -p tsconfig.build.json).
// The checks are data: every scripts/arm64/checks/*.mjs exporting `checks`
// (kernel name -> { params, cases }) is picked up; an exported kernel with
// no check, or a reference kernel the addon lacks, is a failure. A spec
// marked `threaded` is also run with 1 and 3 threads and must give the same bits.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const opts = { addon: join(root, 'build-arm64', 'nodegrad.node'), isa: 'neon', counts: '' };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i]?.replace(/^--/, '');
  if (!(key in opts) || process.argv[i + 1] === undefined) {
    console.error(`usage: check.mjs [--addon FILE] [--isa NAME] [--counts FILE]`);
    process.exit(2);
  }
  opts[key] = resolve(process.argv[i + 1]);
  if (key === 'isa') opts.isa = process.argv[i + 1];
}

// Exports that are not kernels: ISA information, the thread pool, and the
// benchmark's machine probes (probe*: copy bandwidth, FMA throughput), GEMM's
// blocking table (gemmBlocking: constants, not a kernel) and memoryAddress
// (the overlap checks' address query).
const NOT_KERNELS = new Set(['isa', 'isaAvailable', 'setThreads', 'getThreads', 'gemmBlocking', 'memoryAddress']);
// The training plan's entry points (plan*) drive whole steps over buffers a
// compiled model owns; test/plan covers them against the step-by-step path.
const isKernel = (k) => typeof addon[k] === 'function' && !NOT_KERNELS.has(k) && !k.startsWith('probe') && !k.startsWith('plan');

let passed = 0;
let failed = 0;
function report(ok, what, detail) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
}
function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  if (opts.counts) writeFileSync(opts.counts, `${passed} ${failed}\n`);
  process.exit(failed === 0 ? 0 : 1);
}

const distRef = join(root, 'dist', 'backend', 'reference', 'index.js');
if (!existsSync(distRef)) {
  report(false, 'setup', `${distRef} missing: run \`npx tsc -p tsconfig.build.json\` first`);
  finish();
}
const { referenceBackend } = await import(pathToFileURL(distRef).href);
const { compareArrays, compareNumber, sameBits } = await import('./checks/compare.mjs');

let addon;
try {
  // A .mjs "addon" (default export) lets the checker itself be tested with fakes.
  addon = opts.addon.endsWith('.mjs') ? (await import(pathToFileURL(opts.addon).href)).default : createRequire(import.meta.url)(opts.addon);
} catch (e) {
  report(false, `load ${opts.addon}`, e.message.split('\n')[0]);
  finish();
}
console.log(`node ${process.version} ${process.arch}; addon isa ${addon.isa}, available ${addon.isaAvailable}`);
report(addon.isa === opts.isa, `addon isa is '${opts.isa}'`, addon.isa === opts.isa ? '' : `got '${addon.isa}'`);

const checks = {};
const checkDir = join(root, 'scripts', 'arm64', 'checks');
for (const f of readdirSync(checkDir).sort()) {
  if (!f.endsWith('.mjs')) continue;
  const mod = await import(pathToFileURL(join(checkDir, f)).href);
  for (const [name, spec] of Object.entries(mod.checks ?? {})) {
    if (name in checks) throw new Error(`two checks for ${name} (${f})`);
    checks[name] = spec;
  }
}

const exported = Object.keys(addon).filter(isKernel);
const referenced = Object.keys(referenceBackend).filter((k) => typeof referenceBackend[k] === 'function');
const kernels = [...new Set([...referenced, ...exported])].sort();

// Which of a { scalar, simd } tolerance applies to this addon.
const path = addon.isa === 'scalar' ? 'scalar' : 'simd';
function resolveTol(t, inputs) {
  const v = typeof t === 'function' ? t(inputs) : t;
  return v && 'scalar' in v ? resolveTol(v[path], inputs) : v;
}

const clone = (v) => (ArrayBuffer.isView(v) ? v.slice() : v);
/** Fresh arguments for both backends; aliasing inside one list is kept. */
function twin(args) {
  const copies = new Map();
  return args.map((v) => {
    if (!ArrayBuffer.isView(v)) return v;
    if (!copies.has(v)) copies.set(v, v.slice());
    return copies.get(v);
  });
}

function runCase(name, spec, c) {
  const what = `${name} ${c.label}`;
  const input = c.args();
  const nat = twin(input);
  const ref = twin(input);
  const inputs = input.map(clone); // pristine, for tolerances and the no-mutation check
  let natRet;
  let refRet;
  try {
    refRet = referenceBackend[name](...ref);
  } catch (e) {
    return report(false, what, `reference threw ${e.message}`);
  }
  try {
    natRet = addon[name](...nat);
  } catch (e) {
    return report(false, what, `native threw ${e.message}`);
  }
  const problems = [];
  let worst = 0;
  const outIdx = new Set(Object.keys(c.out).map(Number));
  for (const [i, t] of Object.entries(c.out)) {
    const tol = resolveTol(t, inputs);
    const { bad, worst: w } = compareArrays(nat[i], ref[i], tol);
    worst = Math.max(worst, w);
    if (bad) problems.push(`${spec.params[i] ?? `arg ${i}`}: ${bad}`);
  }
  if (c.ret) {
    const bad = compareNumber(natRet, refRet, c.ret(inputs, refRet));
    if (bad) problems.push(`return value: ${bad}`);
  } else if (natRet !== undefined) {
    problems.push(`native returned ${typeof natRet}, reference ${typeof refRet}`);
  }
  // Threaded kernels: the same bits whatever the thread count (each output
  // element is summed in a fixed order by one thread).
  if (spec.threaded && typeof addon.setThreads === 'function') {
    const before = addon.getThreads?.();
    for (const t of [1, 3]) {
      addon.setThreads(t);
      const again = twin(input);
      addon[name](...again);
      for (const i of outIdx) if (!sameBits(again[i], nat[i])) problems.push(`${spec.params[i]}: other bits with ${t} thread(s)`);
    }
    if (before !== undefined) addon.setThreads(before);
  }
  // Inputs must come back untouched (unless one is also an output, in place).
  nat.forEach((v, i) => {
    if (!ArrayBuffer.isView(v) || outIdx.has(i) || [...outIdx].some((o) => nat[o] === v)) return;
    if (!sameBits(v, inputs[i]))
      problems.push(`${spec.params[i] ?? `arg ${i}`} (an input) was modified`);
  });
  report(problems.length === 0, what, problems.length ? problems.join('; ') : worst > 0 ? `worst ${worst.toFixed(2)} of tolerance` : '');
}

const started = Date.now();
for (const name of kernels) {
  if (!exported.includes(name)) {
    report(false, name, 'the reference backend has it but the addon does not export it');
    continue;
  }
  const spec = checks[name];
  if (!spec) {
    report(false, name, 'exported by the addon but scripts/arm64/checks/ has no check for it');
    continue;
  }
  if (!(name in referenceBackend)) {
    report(false, name, 'exported by the addon but the reference backend has no such kernel');
    continue;
  }
  for (const c of spec.cases()) runCase(name, spec, c);
}
console.log(`checks took ${((Date.now() - started) / 1000).toFixed(1)} s`);
finish();
