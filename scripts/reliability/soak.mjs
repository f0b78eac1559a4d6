// `npm run soak`: trains the reliability workload (scripts/reliability/
// workload.mjs) for at least --seconds AND --min-steps, sampling RSS,
// heapUsed and external+arrayBuffers after a forced GC, and fails when any of
// them grows by more than --bound-mb between the first and the last tenth of
// the run after warm-up (the first 20%, where JIT and allocator settle).
// Usage: node --expose-gc scripts/reliability/soak.mjs [--seconds 60]
//        [--min-steps 200000] [--bound-mb 5] [--counts FILE]
//        [--inject-leak BYTES]   retain BYTES per 200 steps: proves the check can fail
import { writeFileSync } from 'node:fs';
import { ensureDist, root } from './ensure-dist.mjs';

const argv = process.argv.slice(2);
function opt(name, dflt) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
}
const seconds = Number(opt('seconds', 60));
const minSteps = Number(opt('min-steps', 200_000));
const boundMb = Number(opt('bound-mb', 5));
const countsFile = opt('counts', undefined);
const injectLeak = Number(opt('inject-leak', 0));
const retained = [];

if (typeof globalThis.gc !== 'function') {
  console.error('soak: run with node --expose-gc');
  process.exit(2);
}
ensureDist();
const lib = await import(`${root}dist/index.js`);
const { makeTrainer } = await import('./workload.mjs');
const backendName = process.env.NODEGRAD_SOAK_BACKEND ?? 'native';
const trainer = makeTrainer(lib, { seed: 7, backend: backendName });

const samples = []; // [seconds, rss, heapUsed, external]
function sample(t) {
  globalThis.gc();
  const m = process.memoryUsage();
  samples.push([t, m.rss, m.heapUsed, m.external + m.arrayBuffers]);
}

const start = performance.now();
let lastSample = -1;
let loss = NaN;
let firstLoss = NaN;
for (;;) {
  // Chunks of steps between clock reads keep timing out of the hot loop.
  for (let i = 0; i < 200; i++) loss = trainer.step();
  if (injectLeak) retained.push(new Uint8Array(injectLeak).fill(1));
  if (Number.isNaN(firstLoss)) firstLoss = loss;
  const t = (performance.now() - start) / 1000;
  if (t - lastSample >= 0.25) {
    sample(t);
    lastSample = t;
  }
  if (t >= seconds && trainer.steps >= minSteps) break;
}
const elapsed = (performance.now() - start) / 1000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const after = samples.filter(([t]) => t >= 0.2 * elapsed);
const tenth = Math.max(3, Math.floor(after.length / 10));
const first = after.slice(0, tenth);
const last = after.slice(-tenth);
const mb = (b) => (b / 1048576).toFixed(2);
const names = ['rss', 'heapUsed', 'external+arrayBuffers'];
let passed = 0;
let failed = 0;
console.log(
  `soak: ${trainer.steps} training steps (${trainer.kind}, backend ${backendName}, ${lib.info().simd}) in ${elapsed.toFixed(1)} s, ` +
    `${samples.length} samples; loss ${firstLoss.toFixed(4)} -> ${loss.toFixed(4)}`,
);
names.forEach((name, i) => {
  const base = median(first.map((s) => s[i + 1]));
  const end = median(last.map((s) => s[i + 1]));
  const peak = Math.max(...after.map((s) => s[i + 1]));
  const growth = (end - base) / 1048576;
  const ok = growth < boundMb;
  if (ok) passed++;
  else failed++;
  console.log(`  ${name}: ${mb(base)} MB after warm-up -> ${mb(end)} MB at the end (peak ${mb(peak)} MB): growth ${growth.toFixed(3)} MB (bound ${boundMb} MB) ${ok ? 'ok' : 'FAIL'}`);
});
// A run that does not learn is not exercising the real code path.
if (!(loss < firstLoss)) {
  failed++;
  console.log(`  the loss did not decrease (${firstLoss} -> ${loss}): FAIL`);
} else passed++;
console.log(`${passed} passed, ${failed} failed`);
if (countsFile) writeFileSync(countsFile, `${passed} ${failed}\n`);
process.exit(failed === 0 ? 0 : 1);
