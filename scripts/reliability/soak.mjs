// `npm run soak`: trains the reliability workload (scripts/reliability/
// workload.mjs) for at least --seconds AND --min-steps per mode, sampling
// RSS, heapUsed and external+arrayBuffers after a forced GC, and fails when
// any of them grows by more than --bound-mb between the first and the last
// tenth of the run after warm-up (the first 20%, where JIT and allocator
// settle). heapTotal (V8's reserved heap) is printed too, not bounded.
// Modes (--via, default both):
//   step  zeroGrad/forward/loss/backward/optimizer step per batch
//         (Sequential + Adam where the package has them, else the kernel loop)
//   fit   model.fit called again and again, 25 epochs (200 steps) each, in
//         the background (the native plan in an AsyncWorker; fails if the fit
//         did not run there on the native backend)
//   fit-main  the same on the main-thread path (background: false)
//   both  step, fit, then fit-main where the package has model.fit
// Usage: node --expose-gc scripts/reliability/soak.mjs [--seconds 60]
//        [--min-steps 200000] [--bound-mb 5] [--via both|step|fit] [--counts FILE]
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
const via = opt('via', 'both');

if (typeof globalThis.gc !== 'function') {
  console.error('soak: run with node --expose-gc');
  process.exit(2);
}
ensureDist();
const lib = await import(`${root}dist/index.js`);
const { makeFitter, makeTrainer } = await import('./workload.mjs');
const backendName = process.env.NODEGRAD_SOAK_BACKEND ?? 'native';

/** A chunk of 200 training steps at a time, resolving to the last loss. */
function trainerFor(mode) {
  if (mode === 'fit' || mode === 'fit-main') {
    const f = makeFitter(lib, { seed: 7, backend: backendName });
    if (!f) return undefined;
    const background = mode === 'fit';
    let steps = 0;
    return {
      kind: background ? 'model.fit, background' : 'model.fit, main thread',
      get steps() {
        return steps;
      },
      async chunk() {
        const h = await f.fit(25, [], { background });
        // Where the package has the background path, make sure it is the one soaked.
        if (h.background !== undefined && backendName === 'native' && h.background !== background) {
          throw new Error(`soak: fit ran ${h.background ? 'in the background' : 'on the main thread'} (${h.fallback ?? ''}), expected the other`);
        }
        steps += 200;
        return h.history.loss[h.history.loss.length - 1];
      },
    };
  }
  const t = makeTrainer(lib, { seed: 7, backend: backendName });
  return {
    kind: t.kind === 'model' ? 'Sequential + Adam steps' : 'kernel loop',
    get steps() {
      return t.steps;
    },
    chunk() {
      let l = NaN;
      for (let i = 0; i < 200; i++) l = t.step();
      return l;
    },
  };
}

const mb = (b) => (b / 1048576).toFixed(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One soak run; returns [passed, failed]. */
async function soak(trainer) {
  const retained = [];
  const samples = []; // [seconds, rss, heapUsed, external + arrayBuffers, heapTotal]
  const start = performance.now();
  let lastSample = -1;
  let loss = NaN;
  let firstLoss = NaN;
  for (;;) {
    loss = await trainer.chunk();
    if (injectLeak) retained.push(new Uint8Array(injectLeak).fill(1));
    // A full GC after every chunk: what survives it is what leaks. Without it
    // V8 grows its young generation under fit's allocation rate (RSS +8-16 MB
    // with heapUsed flat), which is heap sizing, not a leak.
    globalThis.gc();
    if (Number.isNaN(firstLoss)) firstLoss = loss;
    const t = (performance.now() - start) / 1000;
    if (t - lastSample >= 0.25) {
      const m = process.memoryUsage();
      samples.push([t, m.rss, m.heapUsed, m.external + m.arrayBuffers, m.heapTotal]);
      lastSample = t;
    }
    if (t >= seconds && trainer.steps >= minSteps) break;
  }
  const elapsed = (performance.now() - start) / 1000;
  const after = samples.filter(([t]) => t >= 0.2 * elapsed);
  const tenth = Math.max(3, Math.floor(after.length / 10));
  const first = after.slice(0, tenth);
  const last = after.slice(-tenth);
  let passed = 0;
  let failed = 0;
  console.log(
    `soak [${trainer.kind}]: ${trainer.steps} training steps (backend ${backendName}, ${lib.info().simd}) in ${elapsed.toFixed(1)} s, ` +
      `${samples.length} samples; loss ${firstLoss.toFixed(4)} -> ${loss.toFixed(4)}`,
  );
  ['rss', 'heapUsed', 'external+arrayBuffers'].forEach((name, i) => {
    const base = median(first.map((s) => s[i + 1]));
    const end = median(last.map((s) => s[i + 1]));
    const peak = Math.max(...after.map((s) => s[i + 1]));
    const growth = (end - base) / 1048576;
    const ok = growth < boundMb;
    if (ok) passed++;
    else failed++;
    console.log(`  ${name}: ${mb(base)} MB after warm-up -> ${mb(end)} MB at the end (peak ${mb(peak)} MB): growth ${growth.toFixed(3)} MB (bound ${boundMb} MB) ${ok ? 'ok' : 'FAIL'}`);
  });
  console.log(`  heapTotal (not bounded): ${mb(median(first.map((s) => s[4])))} MB after warm-up -> ${mb(median(last.map((s) => s[4])))} MB at the end`);
  // A run that does not learn is not exercising the real code path.
  if (loss < firstLoss) passed++;
  else {
    failed++;
    console.log(`  the loss did not decrease (${firstLoss} -> ${loss}): FAIL`);
  }
  return [passed, failed];
}

let passed = 0;
let failed = 0;
for (const mode of via === 'both' ? ['step', 'fit', 'fit-main'] : [via]) {
  const trainer = trainerFor(mode);
  if (!trainer) {
    // Only 'both' tolerates a package without fit (say so); asking for fit is an error.
    console.log(`soak [model.fit]: not run, this package has no model.fit`);
    if (via !== 'both') failed++;
    continue;
  }
  const [p, f] = await soak(trainer);
  passed += p;
  failed += f;
}
console.log(`${passed} passed, ${failed} failed`);
if (countsFile) writeFileSync(countsFile, `${passed} ${failed}\n`);
process.exit(failed === 0 ? 0 : 1);
