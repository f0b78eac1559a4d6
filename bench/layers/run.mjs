// `npm run bench:layers`: the per-step cost of a 784-256-128-10 MLP (softmax
// cross-entropy, Adam lr 1e-3, batch 128) with BatchNorm1d and Dropout(0.2)
// after each hidden layer (Dense without bias → BatchNorm1d → ReLU →
// Dropout, what `nodegrad train --batch-norm --dropout 0.2` builds) against
// the same model without them (Dense with ReLU fused), and against
// PyTorch's step for both where /usr/bin/python3 has torch
// (bench/layers/torch_step.py). A step is zeroGrad, forward (training),
// loss, backward without the input's gradient, Adam step: what fit runs per
// batch on the main thread. Ours runs interleaved (plain, normed, plain, …)
// so machine load hits both alike; figures are medians of `--runs` runs of
// `--steps` steps, printed with the ratios measured in this one run.
// Then the same two models through `model.fit` (one epoch of `--fit-steps`
// batches, no shuffle): in the background on the native training plan, and
// with `background: false` on the main thread, each with its per-step cost.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const steps = arg('steps', 30);
const runs = arg('runs', 7);
const batch = arg('batch', 128);
const lib = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
const { Sequential, Dense, BatchNorm1d, ReLU, Dropout, Adam, Tensor, loss, info } = lib;

function make(normed) {
  const layers = normed
    ? [new Dense(784, 256, { bias: false, init: 'he' }), new BatchNorm1d(256), new ReLU(), new Dropout(0.2), new Dense(256, 128, { bias: false, init: 'he' }), new BatchNorm1d(128), new ReLU(), new Dropout(0.2), new Dense(128, 10)]
    : [new Dense(784, 256, { activation: 'relu' }), new Dense(256, 128, { activation: 'relu' }), new Dense(128, 10)];
  const model = new Sequential(layers, { backend: 'native', seed: 1 });
  const opt = new Adam(model.parameters(), { lr: 1e-3, backend: 'native' });
  const lossFn = loss('softmaxCrossEntropy', { backend: 'native' });
  const x = new Tensor(Float32Array.from({ length: batch * 784 }, (_, i) => ((i * 2654435761) % 1000) / 1000), [batch, 784]);
  const labels = Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10);
  return () => {
    model.zeroGrad();
    const out = model.forward(x, true);
    lossFn.compute(out, labels);
    model.backward(lossFn.grad, { inputGradient: false });
    opt.step();
  };
}

const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const plain = make(false);
const normed = make(true);
for (let i = 0; i < 10; i++) {
  plain();
  normed();
}
const times = { plain: [], normed: [] };
for (let r = 0; r < runs; r++) {
  for (const [name, step] of [['plain', plain], ['normed', normed]]) {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) step();
    times[name].push((performance.now() - t0) / steps);
  }
}
const ours = { plain: median(times.plain), normed: median(times.normed) };

// model.fit: the background plan against the step-by-step loop, same models.
// Enough batches that fit's per-call work (plan compile, data checks) is a small share.
const fitSteps = arg('fit-steps', 200);
function fitCase(normed) {
  const layers = normed
    ? [new Dense(784, 256, { bias: false, init: 'he' }), new BatchNorm1d(256), new ReLU(), new Dropout(0.2), new Dense(256, 128, { bias: false, init: 'he' }), new BatchNorm1d(128), new ReLU(), new Dropout(0.2), new Dense(128, 10)]
    : [new Dense(784, 256, { activation: 'relu' }), new Dense(256, 128, { activation: 'relu' }), new Dense(128, 10)];
  const model = new Sequential(layers, { backend: 'native', seed: 1 });
  model.compile({ optimizer: new Adam(model.parameters(), { lr: 1e-3, backend: 'native' }), loss: 'softmaxCrossEntropy' });
  const rows = batch * fitSteps;
  const x = new Tensor(Float32Array.from({ length: rows * 784 }, (_, i) => ((i * 2654435761) % 1000) / 1000), [rows, 784]);
  const y = Int32Array.from({ length: rows }, (_, i) => (i * 7) % 10);
  return async (background) => {
    const t0 = performance.now();
    const h = await model.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false, verbose: 0, background });
    return { ms: (performance.now() - t0) / fitSteps, background: h.background === true, fallback: h.fallback };
  };
}
const fits = {};
for (const [name, normed] of [['plain', false], ['normed', true]]) {
  const run = fitCase(normed);
  await run(true);
  await run(false);
  const bg = [];
  const fg = [];
  let info_;
  for (let r = 0; r < Math.max(3, Math.ceil(runs / 2)); r++) {
    const a = await run(true);
    bg.push(a.ms);
    info_ = a;
    fg.push((await run(false)).ms);
  }
  fits[name] = { background: median(bg), mainThread: median(fg), planRan: info_.background, fallback: info_.fallback ?? null };
}

// PyTorch: best of 1 and 2 threads, OpenBLAS's own variables unset (TOOLCHAIN.md).
let torch;
const env = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const py = '/usr/bin/python3';
if (spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) {
  const results = [];
  for (const t of [1, 2]) {
    const r = spawnSync(py, [join(import.meta.dirname, 'torch_step.py'), String(t), String(steps), String(runs), String(batch)], { env, encoding: 'utf8', timeout: 600_000 });
    if (r.status === 0) results.push(JSON.parse(r.stdout.trim().split('\n').pop()));
    else torch = { error: (r.stderr || 'failed').trim().split('\n').pop() };
  }
  if (results.length) {
    const best = (k) => results.reduce((a, b) => (b[k] < a[k] ? b : a));
    torch = { plain: best('plain').plain, plainThreads: best('plain').threads, normed: best('bnDropout').bnDropout, normedThreads: best('bnDropout').threads, version: results[0].torch };
  }
} else torch = { error: `${py} has no torch` };

const i = info();
const f = (ms) => `${ms.toFixed(2)} ms`;
console.log(`bench:layers — 784-256-128-10, batch ${batch}, Adam, softmax CE; ${runs} runs × ${steps} steps, medians`);
console.log(`nodegrad ${i.backend}/${i.simd}, ${i.threads} GEMM threads; load average ${loadavg()[0].toFixed(2)} at the end (the machine is shared: absolute times are inflated, ratios are the figures)`);
console.log(`  nodegrad plain (Dense+ReLU fused):         ${f(ours.plain)}`);
console.log(`  nodegrad BatchNorm1d + Dropout(0.2):        ${f(ours.normed)}   ratio to plain ${(ours.normed / ours.plain).toFixed(2)}×`);
for (const [name, r] of Object.entries(fits)) {
  const label = name === 'plain' ? 'plain' : 'BatchNorm1d + Dropout(0.2)';
  console.log(`  fit, ${label}: ${r.planRan ? `background plan ${f(r.background)}/step` : `NOT on the plan (${r.fallback})`}, main thread ${f(r.mainThread)}/step${r.planRan ? `, main thread / plan ${(r.mainThread / r.background).toFixed(2)}×` : ''}`);
}
if (fits.plain.planRan && fits.normed.planRan) console.log(`  fit on the plan: BatchNorm1d + Dropout costs ${(fits.normed.background / fits.plain.background).toFixed(2)}× plain`);
if (torch.error) console.log(`  PyTorch: skipped (${torch.error})`);
else {
  console.log(`  PyTorch ${torch.version} plain (${torch.plainThreads} thread(s)):          ${f(torch.plain)}`);
  console.log(`  PyTorch BatchNorm1d + Dropout (${torch.normedThreads} thread(s)):     ${f(torch.normed)}   ratio to plain ${(torch.normed / torch.plain).toFixed(2)}×`);
  console.log(`  nodegrad / PyTorch step time: plain ${(ours.plain / torch.plain).toFixed(2)}×, with BatchNorm1d + Dropout ${(ours.normed / torch.normed).toFixed(2)}×`);
}
console.log(JSON.stringify({ batch, steps, runs, ours, fits, torch, samples: times }));
