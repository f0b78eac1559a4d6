// The cost of one N-API crossing: nanoseconds per call of kernels that do
// almost no work (relu on 1 element, gemm 1×1×1, denseForward 1×1×1 with 9
// arguments, adamStep on 1 element with 14), on the raw addon and through
// the checked `kernels` API. Median of RUNS runs of CALLS back-to-back calls
// each. Not a family of `npm run bench` (its figures are rates against the
// machine's limits); run it directly:
//   node bench/workloads/crossing.mjs [--json]
// It measures whatever addon build/Release holds, on this process's SIMD
// path, so before/after figures come from two builds of the same machine.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 9;
const CALLS = 200_000;

const now = () => process.hrtime.bigint();

function nsPerCall(fn) {
  for (let i = 0; i < 20_000; i++) fn(); // warm-up: JIT and inline caches
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const t = now();
    for (let i = 0; i < CALLS; i++) fn();
    runs.push(Number(now() - t) / CALLS);
  }
  runs.sort((a, b) => a - b);
  return { median: runs[RUNS >> 1], min: runs[0], max: runs[RUNS - 1] };
}

export async function measureCrossing() {
  const addon = createRequire(import.meta.url)('node-gyp-build')(ROOT);
  const { backend } = await import(new URL('../../dist/backend/index.js', import.meta.url).href);
  const k = backend('native');
  const x = new Float32Array([0.5]);
  const y = new Float32Array(1);
  const a = new Float32Array([1.5]);
  const b = new Float32Array([2]);
  const c = new Float32Array(1);
  const p = new Float32Array([1]);
  const g = new Float32Array([0.1]);
  const m = new Float32Array(1);
  const v = new Float32Array(1);
  const cases = {
    'raw relu n=1 (2 args)': () => addon.relu(x, y),
    'raw gemm 1x1x1 (10 args)': () => addon.gemm(a, b, c, 1, 1, 1, false, false, 1, 0),
    'raw denseForward 1x1x1 (9 args)': () => addon.denseForward(a, b, null, c, 1, 1, 1, 1, 0),
    'checked relu n=1': () => k.relu(x, y),
    'checked gemm 1x1x1': () => k.gemm(a, b, c, 1, 1, 1),
  };
  // adamStep's positional 14-argument form, where this build still has it
  // (the optimizer scalars may travel as one block instead).
  try {
    addon.adamStep(p, g, m, v, 1e-3, 1, 0.9, 0.1, 0.999, 0.001, 1e-8, 1, 0, 0);
    cases['raw adamStep n=1 (14 args)'] = () => addon.adamStep(p, g, m, v, 1e-3, 1, 0.9, 0.1, 0.999, 0.001, 1e-8, 1, 0, 0);
  } catch {
    // another signature: not measured
  }
  const out = { isa: addon.isa, calls: CALLS, runs: RUNS, results: {} };
  for (const [name, fn] of Object.entries(cases)) out.results[name] = nsPerCall(fn);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await measureCrossing();
  if (process.argv.includes('--json')) console.log(JSON.stringify(r));
  else {
    console.log(`N-API crossing, ${r.isa}: ns per call, median of ${r.runs} runs of ${r.calls} calls (min-max)`);
    for (const [name, s] of Object.entries(r.results)) console.log(`  ${name.padEnd(34)} ${s.median.toFixed(1).padStart(7)}  (${s.min.toFixed(1)}-${s.max.toFixed(1)})`);
  }
}
