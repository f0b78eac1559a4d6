// One backend of the TensorFlow.js bench (bench/tfjs/run.mjs), in its own
// process so no backend's registration, JIT state or heap affects another.
// argv: <nodegrad|cpu|wasm|own> <fit steps> <fit repeats>. Prints one JSON line:
//   fitStepMs   median over repeats of (one fit of `steps` batches)/steps
//   predictMs   median predict of 1024 rows (values read back)
//   profile     one profiled fit: per step, time inside kernels (tfjs's
//               profiler), inside optimizer updates (applyGradients, which
//               on nodegrad runs native steps, not kernels) and the rest.
// The model: 784-256-128-10, ReLU, softmax, Adam(1e-3), categorical
// cross-entropy, batch 128; one thread everywhere (tfjs-cpu and tfjs-wasm
// in Node are single-threaded; nodegrad is set to 1 thread to match).
const [which, stepsArg, repsArg] = process.argv.slice(2);
const STEPS = Number(stepsArg);
const REPS = Number(repsArg);
const BATCH = 128;
const WIDTHS = [784, 256, 128, 10];
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const { setThreads } = await import('../../dist/index.js');
setThreads(1);

// Deterministic data: a small LCG, the same rows for every backend.
function data(rows, cols, seed) {
  let s = seed >>> 0;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}
const rows = BATCH * STEPS;
const xs = data(rows, WIDTHS[0], 1);
const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % 10);
const px = data(1024, WIDTHS[0], 2);

async function ownApi() {
  const { Dense, Sequential, Tensor } = await import('../../dist/index.js');
  const layers = [];
  for (let i = 0; i + 1 < WIDTHS.length; i++) layers.push(new Dense(WIDTHS[i], WIDTHS[i + 1], i + 2 < WIDTHS.length ? { activation: 'relu' } : {}));
  const model = new Sequential(layers, { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'softmaxCrossEntropy' });
  const x = Tensor.from(xs, [rows, WIDTHS[0]]);
  const y = Tensor.from(Array.from(labels), [rows]);
  const opts = { epochs: 1, batchSize: BATCH, seed: 3, verbose: 0, background: false };
  await model.fit(x, y, opts); // warm-up
  const fit = [];
  for (let r = 0; r < REPS; r++) {
    const t = now();
    await model.fit(x, y, opts);
    fit.push((now() - t) / STEPS);
  }
  const pxT = Tensor.from(px, [1024, WIDTHS[0]]);
  model.predict(pxT);
  const pred = [];
  for (let r = 0; r < 2 * REPS; r++) {
    const t = now();
    const out = model.predict(pxT);
    void out.data?.[0];
    pred.push(now() - t);
  }
  return { fitStepMs: median(fit), predictMs: median(pred) };
}

async function tfjs(backendName) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const tfl = await import('@tensorflow/tfjs-layers');
  if (backendName === 'nodegrad') await import('../../dist/tfjs/index.js');
  if (backendName === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backendName))) throw new Error(`backend ${backendName} did not initialise`);
  await tf.ready();
  // The profiler otherwise reads every kernel's output back to look for NaN.
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const model = tfl.sequential();
  for (let i = 1; i < WIDTHS.length; i++) {
    const last = i === WIDTHS.length - 1;
    model.add(tfl.layers.dense({ units: WIDTHS[i], activation: last ? 'softmax' : 'relu', ...(i === 1 ? { inputShape: [WIDTHS[0]] } : {}) }));
  }
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.tensor2d(xs, [rows, WIDTHS[0]]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), 'float32'));
  const opts = { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 };
  await model.fit(x, y, opts); // warm-up (also creates the optimizer state)
  const fit = [];
  for (let r = 0; r < REPS; r++) {
    const t = now();
    await model.fit(x, y, opts);
    fit.push((now() - t) / STEPS);
  }
  // Optimizer time: applyGradients timed during the profiled fit.
  const opt = model.optimizer;
  const apply = opt.applyGradients;
  let optMs = 0;
  opt.applyGradients = function (g) {
    const t = now();
    apply.call(this, g);
    optMs += now() - t;
  };
  const t0 = now();
  const prof = await tf.profile(() => model.fit(x, y, opts));
  const profiledWall = now() - t0;
  opt.applyGradients = apply;
  const byKernel = {};
  let kernelMs = 0;
  for (const k of prof.kernels) {
    const ms = Number(k.kernelTimeMs) || 0;
    kernelMs += ms;
    const e = (byKernel[k.name] ??= { ms: 0, calls: 0 });
    e.ms += ms;
    e.calls++;
  }
  const top = Object.entries(byKernel)
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 10)
    .map(([name, e]) => ({ name, msPerStep: e.ms / STEPS, callsPerStep: e.calls / STEPS }));
  const pxT = tf.tensor2d(px, [1024, WIDTHS[0]]);
  tf.tidy(() => model.predict(pxT).dataSync());
  const pred = [];
  for (let r = 0; r < 2 * REPS; r++) {
    const t = now();
    tf.tidy(() => model.predict(pxT).dataSync());
    pred.push(now() - t);
  }
  const before = tf.memory().numTensors;
  await model.fit(x, y, opts);
  const leak = tf.memory().numTensors - before;
  return {
    fitStepMs: median(fit),
    predictMs: median(pred),
    profile: { kernelMsPerStep: kernelMs / STEPS, optimizerMsPerStep: optMs / STEPS, profiledStepMs: profiledWall / STEPS, kernelCallsPerStep: prof.kernels.length / STEPS, top },
    tensorsLeakedPerFit: leak,
  };
}

const result = which === 'own' ? await ownApi() : await tfjs(which);
process.stdout.write(JSON.stringify({ backend: which, steps: STEPS, reps: REPS, ...result }) + '\n');
