// The timing loop: warm-up, then samples until enough are taken and enough
// time has passed, or until the time cap (never fewer than minSamples).
import { summarize } from './stats.mjs';

const now = () => Number(process.hrtime.bigint()) / 1e9;

/**
 * Policies: how many samples a figure gets and how long it may take.
 * - ours: kernels and training steps of nodegrad's native backend;
 * - peer: the reference backend and other libraries (slow ones are capped).
 * `batchSeconds`: a sample times enough back-to-back calls to last at least
 * this long (timer resolution, call overhead), and reports the mean per call.
 * Training steps use perCall: every sample is one step.
 */
export const POLICIES = {
  full: {
    ours: { minSamples: 5, wantSamples: 7, maxSamples: 50, targetSeconds: 0.25, capSeconds: 2.5, batchSeconds: 0.01 },
    peer: { minSamples: 3, wantSamples: 3, maxSamples: 30, targetSeconds: 0.25, capSeconds: 4, batchSeconds: 0.01 },
    oursSteps: { minSamples: 200, wantSamples: 200, maxSamples: 5000, targetSeconds: 1, capSeconds: 5, perCall: true, warmup: 10 },
    peerSteps: { minSamples: 3, wantSamples: 200, maxSamples: 5000, targetSeconds: 1, capSeconds: 4, perCall: true, warmup: 3 },
  },
  quick: {
    ours: { minSamples: 5, wantSamples: 5, maxSamples: 20, targetSeconds: 0.1, capSeconds: 1, batchSeconds: 0.005 },
    peer: { minSamples: 3, wantSamples: 3, maxSamples: 20, targetSeconds: 0.1, capSeconds: 2, batchSeconds: 0.005 },
    oursSteps: { minSamples: 200, wantSamples: 200, maxSamples: 2000, targetSeconds: 0.3, capSeconds: 2, perCall: true, warmup: 5 },
    peerSteps: { minSamples: 3, wantSamples: 200, maxSamples: 2000, targetSeconds: 0.3, capSeconds: 2, perCall: true, warmup: 2 },
  },
};

/**
 * Times fn. Returns { seconds: {median,min,max,samples} per call, callsPerSample,
 * capped (true when the cap, not the sample target, ended it), firstCall }.
 * Steps (perCall) stop at the cap even below minSamples once 3 are taken, and
 * say so through `capped`, since the slowest training steps cannot afford 200.
 */
export function measure(fn, policy) {
  const t0 = now();
  fn();
  const firstCall = now() - t0;
  const floor = policy.perCall ? Math.min(3, policy.minSamples) : policy.minSamples;
  if (firstCall * floor > policy.capSeconds * 1.5) {
    return { skipped: `one call took ${firstCall.toFixed(2)} s: ${floor} samples would exceed the ${policy.capSeconds} s cap`, firstCall };
  }
  const warmupEnd = t0 + Math.max(firstCall, policy.capSeconds * 0.1);
  let reps = 1;
  if (!policy.perCall) {
    // Estimate the cost of one call from a short warm-up, then batch.
    let calls = 1;
    let spent = firstCall;
    while (spent < Math.min(0.02, policy.batchSeconds * 2) && calls < 1e6) {
      const t = now();
      fn();
      spent += now() - t;
      calls++;
    }
    reps = Math.max(1, Math.ceil(policy.batchSeconds / (spent / calls)));
  } else {
    // Warm-up steps, within a tenth of the cap.
    for (let i = 1; i < (policy.warmup ?? 1) && now() < warmupEnd; i++) fn();
  }
  const samples = [];
  const start = now();
  let capped = false;
  for (;;) {
    const t = now();
    for (let r = 0; r < reps; r++) fn();
    samples.push((now() - t) / reps);
    const elapsed = now() - start;
    const n = samples.length;
    if (n >= policy.maxSamples) break;
    if (n >= policy.wantSamples && n >= policy.minSamples && elapsed >= policy.targetSeconds) break;
    if (elapsed >= policy.capSeconds && n >= floor) {
      capped = n < policy.minSamples || n < policy.wantSamples;
      break;
    }
  }
  return { seconds: summarize(samples), callsPerSample: reps, capped, firstCall };
}

export { now };
