// `npm run bench:server`: training inside a server, measured.
//  1. Latency: an HTTP server on 127.0.0.1 and a client in the same process
//     (request, wait for the answer, wait 5 ms, repeat) for --seconds, idle,
//     during a background fit and during a main-thread fit (background:
//     false, yieldEveryMs 10) of 784-256-128-10 (ReLU, softmax CE, Adam,
//     batch 128). Targets: requests during the background fit >= 0.9 of
//     idle, p99 <= 2x idle p99.
//  2. Per-step cost: W5 2-16-16-1 (tanh, MSE, SGD, batch 32) and W4
//     784-256-128-10 batch 128 through fit (background), through the plan's
//     own native loop (one planChunk call for many steps), through fit on the
//     main thread, and the sum of the step's kernels each timed alone through
//     the raw API; PyTorch's step for W5 where /usr/bin/python3 has torch.
//     Targets: W5 fit <= 1.5x the plan's step and <= 1/40 of PyTorch's; W4
//     fit <= 1.05x the sum of its kernels.
// Every ratio is from one run; the machine may be shared (load is printed).
// Writes bench/results/server-latest.json and prints a markdown table.
import { spawnSync } from 'node:child_process';
import { createServer, request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../lib/paths.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const seconds = Number(opt('seconds', 2));
const reps = Number(opt('reps', 3));
const log = (m) => process.stderr.write(m + '\n');
const lib = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
const { TrainingPlan } = await import(pathToFileURL(join(ROOT, 'dist', 'train', 'plan-compile.js')).href);
const { loadNative } = await import(pathToFileURL(join(ROOT, 'dist', 'backend', 'native.js')).href);
const raw = loadNative();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rand(n, seed) {
  let s = seed >>> 0 || 1;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

function mlp(sizes, act) {
  const layers = [];
  for (let l = 0; l + 1 < sizes.length; l++) layers.push(new lib.Dense(sizes[l], sizes[l + 1], l + 2 < sizes.length ? { activation: act } : {}));
  return new lib.Sequential(layers, { backend: 'native', seed: 1 });
}

// ---- 1. latency ----

function get(port) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', port, path: '/ping', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function client(port, ms) {
  const lat = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    lat.push(await get(port));
    await sleep(5);
  }
  return { requests: lat.length, p50: pct(lat, 50), p99: pct(lat, 99), max: Math.max(...lat) };
}

async function latency(mode, port, data) {
  const model = mlp([784, 256, 128, 10], 'relu');
  model.compile({ optimizer: new lib.Adam(model.parameters(), { lr: 1e-3 }), loss: 'softmaxCrossEntropy' });
  const ac = new AbortController();
  let fit;
  if (mode !== 'idle') {
    fit = model.fit(data.x, data.y, { epochs: 1e6, batchSize: 128, verbose: 0, signal: ac.signal, background: mode === 'background' }).catch((e) => {
      if (e.name !== 'AbortError') throw e;
    });
    await sleep(200); // under way
  }
  const r = await client(port, seconds * 1000);
  ac.abort();
  await fit;
  return r;
}

async function latencyTable() {
  const server = createServer((_req, res) => res.end('pong'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const data = { x: new lib.Tensor(rand(8192 * 784, 3), [8192, 784]), y: new lib.Tensor(Float32Array.from({ length: 8192 }, (_, i) => i % 10), [8192]) };
  await client(port, 300); // warm-up of the server and client
  const runs = { idle: [], background: [], main: [] };
  for (let i = 0; i < reps; i++) {
    for (const mode of Object.keys(runs)) {
      log(`  latency ${mode} ${i + 1}/${reps}`);
      runs[mode].push(await latency(mode, port, data));
    }
  }
  server.close();
  const out = {};
  for (const [mode, rs] of Object.entries(runs)) {
    out[mode] = { requests: median(rs.map((r) => r.requests)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), max: median(rs.map((r) => r.max)) };
  }
  return out;
}

// ---- 2. per-step cost ----

function timeIt(fn, minMs = 20) {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= minMs) return dt / n;
    n *= 2;
  }
}

/** The step's kernels as the plan calls them, each a closure over its own buffers. */
function kernelList(sizes, B, act, lossName, optName) {
  const L = sizes.length - 1;
  const P = [];
  let total = 0;
  for (let l = 0; l < L; l++) total += sizes[l] * sizes[l + 1] + sizes[l + 1];
  const values = rand(total, 5).map((v) => v * 0.05);
  const grads = new Float32Array(total);
  let off = 0;
  const W = [];
  const b = [];
  const dW = [];
  const db = [];
  for (let l = 0; l < L; l++) {
    const n = sizes[l] * sizes[l + 1];
    W.push(values.subarray(off, off + n));
    dW.push(grads.subarray(off, off + n));
    off += n;
    b.push(values.subarray(off, off + sizes[l + 1]));
    db.push(grads.subarray(off, off + sizes[l + 1]));
    off += sizes[l + 1];
  }
  const x = rand(B * sizes[0], 7);
  const y = sizes.slice(1).map((n, l) => rand(B * n, 11 + l));
  const g = sizes.slice(1).map((n) => new Float32Array(B * n));
  const dx = sizes.map((n) => new Float32Array(B * n));
  const classes = sizes[L];
  const labels = Int32Array.from({ length: B }, (_, i) => i % classes);
  const target = rand(B * classes, 13);
  const ACT = { relu: 1, tanh: 5 };
  P.push(['zero grads', () => grads.fill(0)]);
  for (let l = 0; l < L; l++) {
    const a = l < L - 1 ? ACT[act] : 0;
    const xin = l === 0 ? x : y[l - 1];
    P.push([`denseForward ${sizes[l]}→${sizes[l + 1]}`, () => raw.denseForward(xin, W[l], b[l], y[l], B, sizes[l + 1], sizes[l], a, 0)]);
  }
  if (lossName === 'softmaxCE') P.push(['softmaxCrossEntropy', () => raw.softmaxCrossEntropyLabels(y[L - 1], labels, g[L - 1], B, classes)]);
  else P.push(['mse', () => raw.mse(y[L - 1], target, g[L - 1])]);
  for (let l = L - 1; l >= 0; l--) {
    const xin = l === 0 ? x : y[l - 1];
    P.push([`dW ${sizes[l]}×${sizes[l + 1]}`, () => raw.gemm(xin, g[l], dW[l], sizes[l], sizes[l + 1], B, true, false, 1, 1)]);
    P.push([`db ${sizes[l + 1]}`, () => raw.columnSums(g[l], db[l], B, sizes[l + 1], 1)]);
    if (l > 0) {
      P.push([`dX ${sizes[l]}`, () => raw.gemm(g[l], W[l], dx[l], B, sizes[l], sizes[l + 1], false, true, 1, 0)]);
      P.push([`${act}Backward ${sizes[l]}`, () => (act === 'relu' ? raw.reluBackward(y[l - 1], dx[l], g[l - 1]) : raw.tanhBackward(y[l - 1], dx[l], g[l - 1]))]);
    }
  }
  if (optName === 'adam') {
    const m = new Float32Array(total);
    const v = new Float32Array(total);
    P.push(['adamStep', () => raw.adamStep(values, grads, m, v, 1e-3, 1, 0.9, 0.1, 0.999, 0.001, 1e-8, 1, 0, 0)]);
  } else P.push(['sgdStep', () => raw.sgdStep(values, grads, 0.01, 1, 0, 0)]);
  return P;
}

async function stepCosts(w) {
  const rows = w.batch * w.steps;
  const model = () => {
    const m = mlp(w.sizes, w.act);
    const o = w.opt === 'adam' ? new lib.Adam(m.parameters(), { lr: 1e-3 }) : new lib.SGD(m.parameters(), { lr: 0.01 });
    m.compile({ optimizer: o, loss: w.loss === 'softmaxCE' ? 'softmaxCrossEntropy' : 'mse' });
    return m;
  };
  const classes = w.sizes.at(-1);
  const x = new lib.Tensor(rand(rows * w.sizes[0], 17), [rows, w.sizes[0]]);
  const y = w.loss === 'softmaxCE' ? new lib.Tensor(Float32Array.from({ length: rows }, (_, i) => i % classes), [rows]) : new lib.Tensor(rand(rows * classes, 19), [rows, classes]);
  // Each measurement once per round, the rounds interleaved, medians taken:
  // on a shared machine a burst of load then hits every column alike.
  const models = { true: model(), false: model() };
  const fitOnce = async (background) => {
    const m = models[background];
    const t0 = performance.now();
    const h = await m.fit(x, y, { epochs: w.epochs, batchSize: w.batch, verbose: 0, background });
    if (h.background !== background) throw new Error(`fit ran background=${h.background}: ${h.fallback}`);
    return (performance.now() - t0) / (w.epochs * w.steps);
  };
  // The plan's own loop: one synchronous planChunk of every step of an epoch.
  const m = model();
  const plan = TrainingPlan.compile(m, { loss: w.loss === 'softmaxCE' ? 'softmaxCrossEntropy' : 'mse', metrics: [], optimizer: m.optimizer, capacity: w.batch, labels: w.loss === 'softmaxCE', targetWidth: classes, training: true });
  if (typeof plan === 'string') throw new Error(plan);
  const K = w.steps;
  const scalars = new Float64Array(K * plan.optimizer.spans.length * 10);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const loss = new Float64Array(K);
  const norms = new Float64Array(K);
  const result = new Float64Array(3);
  const labels = w.loss === 'softmaxCE' ? Int32Array.from(y.data) : null;
  const planOnce = () => {
    plan.optimizer.scalars(scalars, K);
    plan.addon.planChunk(plan.handle, plan.pins, x.data, labels, labels ? null : y.data, rows, order, w.batch, 0, K, scalars, loss, new Float64Array(0), norms, 0, result);
    return result[2] / 1e6 / result[0];
  };
  const kernels = kernelList(w.sizes, w.batch, w.act, w.loss, w.opt);
  const runs = { fitBackground: [], fitMain: [], plan: [], kernelSum: [] };
  const perKernel = kernels.map(() => []);
  await fitOnce(true); // warm-up
  await fitOnce(false);
  planOnce();
  for (let r = 0; r < w.rounds; r++) {
    runs.fitBackground.push(await fitOnce(true));
    runs.plan.push(planOnce());
    const ks = kernels.map(([, fn]) => timeIt(fn, 10));
    ks.forEach((t, i) => perKernel[i].push(t));
    runs.kernelSum.push(ks.reduce((a, b) => a + b, 0));
    runs.fitMain.push(await fitOnce(false));
  }
  return {
    fitBackground: median(runs.fitBackground),
    fitMain: median(runs.fitMain),
    plan: median(runs.plan),
    kernelSum: median(runs.kernelSum),
    rounds: w.rounds,
    kernels: Object.fromEntries(kernels.map(([name], i) => [name, median(perKernel[i])])),
  };
}

function torchTiny() {
  const py = '/usr/bin/python3';
  const env = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const best = [];
  for (const t of [1, 2]) {
    const r = spawnSync(py, [join(ROOT, 'bench', 'server', 'torch_tiny.py'), String(t), '2000'], { env, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').pop() };
    best.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  best.sort((a, b) => a.msPerStep - b.msPerStep);
  return best[0];
}

const load = loadavg()[0];
log(`bench:server on ${raw.isa}, load ${load.toFixed(2)}`);
log('latency (784-256-128-10, batch 128, Adam)');
const lat = await latencyTable();
// Step costs on one GEMM thread: on a shared machine a two-thread GEMM waits
// for whichever thread the scheduler holds back, which swamps the overheads
// measured here (--step-threads to change it).
const stepThreads = Number(opt('step-threads', 1));
const threadsBefore = raw.getThreads?.();
raw.setThreads?.(stepThreads);
log('per-step cost W5 2-16-16-1 batch 32');
const tiny = await stepCosts({ sizes: [2, 16, 16, 1], act: 'tanh', loss: 'mse', opt: 'sgd', batch: 32, steps: 2000, epochs: 3, rounds: 7 });
log('per-step cost W4 784-256-128-10 batch 128');
const big = await stepCosts({ sizes: [784, 256, 128, 10], act: 'relu', loss: 'softmaxCE', opt: 'adam', batch: 128, steps: 64, epochs: 2, rounds: 7 });
if (threadsBefore !== undefined) raw.setThreads?.(threadsBefore);
log('PyTorch W5');
const torch = torchTiny();

const ms = (v) => (v >= 1 ? v.toFixed(2) : v >= 0.01 ? v.toFixed(3) : v.toFixed(4));
const us = (v) => (v * 1000).toFixed(1);
const r = {
  date: new Date().toISOString(),
  isa: raw.isa,
  threads: raw.getThreads?.(),
  stepThreads,
  load,
  seconds,
  reps,
  latency: lat,
  tiny,
  big,
  torch,
  ratios: {
    requestsBackgroundVsIdle: lat.background.requests / lat.idle.requests,
    p99BackgroundVsIdle: lat.background.p99 / lat.idle.p99,
    requestsMainVsIdle: lat.main.requests / lat.idle.requests,
    tinyFitVsPlan: tiny.fitBackground / tiny.plan,
    tinyFitVsTorch: torch.msPerStep ? tiny.fitBackground / torch.msPerStep : null,
    bigFitVsKernels: big.fitBackground / big.kernelSum,
  },
};
writeFileSync(join(ROOT, 'bench', 'results', 'server-latest.json'), JSON.stringify(r, null, 2) + '\n');
const q = r.ratios;
const met = (ok) => (ok ? 'met' : 'missed');
console.log(`Measured ${r.date.slice(0, 16)} on ${r.isa}, ${r.threads} threads, 1-min load ${load.toFixed(2)}; latency: medians of ${reps} runs of ${seconds} s; steps: medians of ${tiny.rounds} interleaved rounds on ${stepThreads} GEMM thread(s).

| HTTP client in the same process (784-256-128-10 training) | requests in ${seconds} s | p50 ms | p99 ms | max ms |
|---|---|---|---|---|
| idle | ${lat.idle.requests} | ${ms(lat.idle.p50)} | ${ms(lat.idle.p99)} | ${ms(lat.idle.max)} |
| during fit in the background (default) | ${lat.background.requests} | ${ms(lat.background.p50)} | ${ms(lat.background.p99)} | ${ms(lat.background.max)} |
| during fit on the main thread (\`background: false\`) | ${lat.main.requests} | ${ms(lat.main.p50)} | ${ms(lat.main.p99)} | ${ms(lat.main.max)} |

Background vs idle: ${q.requestsBackgroundVsIdle.toFixed(2)}× the requests (target ≥ 0.9: ${met(q.requestsBackgroundVsIdle >= 0.9)}), p99 ${q.p99BackgroundVsIdle.toFixed(2)}× idle's (target ≤ 2: ${met(q.p99BackgroundVsIdle <= 2)}).

| per step | 2-16-16-1, batch 32, SGD | 784-256-128-10, batch 128, Adam |
|---|---|---|
| fit in the background | ${us(tiny.fitBackground)} µs | ${ms(big.fitBackground)} ms |
| the plan's native loop alone | ${us(tiny.plan)} µs | ${ms(big.plan)} ms |
| sum of the step's kernels, each called alone from JS | ${us(tiny.kernelSum)} µs | ${ms(big.kernelSum)} ms |
| fit on the main thread (step by step) | ${us(tiny.fitMain)} µs | ${ms(big.fitMain)} ms |
| PyTorch ${torch.torch ?? ''} (best of 1 and 2 threads) | ${torch.msPerStep ? `${us(torch.msPerStep)} µs` : torch.error} | |

2-16-16-1: fit ${q.tinyFitVsPlan.toFixed(2)}× the plan's own step (target ≤ 1.5: ${met(q.tinyFitVsPlan <= 1.5)})${q.tinyFitVsTorch ? `, 1/${(1 / q.tinyFitVsTorch).toFixed(0)} of PyTorch's (target ≤ 1/40: ${met(q.tinyFitVsTorch <= 1 / 40)})` : ''}. 784-256-128-10: fit ${q.bigFitVsKernels.toFixed(2)}× the sum of its kernels (target ≤ 1.05: ${met(q.bigFitVsKernels <= 1.05)}).`);
