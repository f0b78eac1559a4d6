// The reductions-family tfjs kernels (Sum, Mean, Max, ArgMax, Softmax,
// GatherV2, Transpose, Cast, OneHot) on 'nodegrad' against tfjs-cpu, in one
// run: the size threshold below which the cpu kernel is the better choice
// (lib/tfjs/kernels/reductions.ts) and the speed-ups at the shapes of a
// 784-256-128-10 fit with batch 128. Median of 7 samples, each a batch of
// calls lasting >= 20 ms (tidy + dispose included: what a user pays).
//   node bench/tfjs/reductions.mjs [--json FILE]     (needs dist/: npm run build:ts)
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../dist/tfjs/index.js';

const now = () => Number(process.hrtime.bigint()) / 1e9;
function time(f) {
  for (let i = 0; i < 3; i++) tf.tidy(f);
  let calls = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < calls; i++) tf.tidy(f);
    if (now() - t0 >= 0.02) break;
    calls *= 2;
  }
  const samples = [];
  for (let s = 0; s < 7; s++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) tf.tidy(f);
    samples.push((now() - t0) / calls);
  }
  return samples.sort((a, b) => a - b)[3];
}

const rand = (shape) => tf.randomNormal(shape, 0, 3, 'float32', 7);
const CASES = [
  // Threshold: Sum of a [1, n] row, tiny to large.
  ...[1, 4, 16, 64, 256, 1024, 16384].map((n) => ({ name: `Sum [1,${n}] axis -1`, make: () => ({ x: rand([1, n]) }), op: (t) => tf.sum(t.x, -1) })),
  ...[1, 4, 16, 64, 256].map((n) => ({ name: `Max [1,${n}] axis -1`, make: () => ({ x: rand([1, n]) }), op: (t) => tf.max(t.x, -1) })),
  ...[1, 16, 256].map((n) => ({ name: `Softmax [1,${n}]`, make: () => ({ x: rand([1, n]) }), op: (t) => tf.softmax(t.x) })),
  // The shapes of a 784-256-128-10 fit, batch 128 (bias gradients, loss, batching, metrics).
  { name: 'Sum [128,256] axis 0', make: () => ({ x: rand([128, 256]) }), op: (t) => tf.sum(t.x, 0) },
  { name: 'Sum [128,10] axis -1', make: () => ({ x: rand([128, 10]) }), op: (t) => tf.sum(t.x, -1) },
  { name: 'Sum [128,10] all', make: () => ({ x: rand([128, 10]) }), op: (t) => tf.sum(t.x) },
  { name: 'Sum [784,256] all', make: () => ({ x: rand([784, 256]) }), op: (t) => tf.sum(t.x) },
  { name: 'Mean [128,10] all', make: () => ({ x: rand([128, 10]) }), op: (t) => tf.mean(t.x) },
  { name: 'Max [128,10] axis -1', make: () => ({ x: rand([128, 10]) }), op: (t) => tf.max(t.x, -1, true) },
  { name: 'ArgMax [128,10] axis -1', make: () => ({ x: rand([128, 10]) }), op: (t) => tf.argMax(t.x, -1) },
  { name: 'Softmax [128,10]', make: () => ({ x: rand([128, 10]) }), op: (t) => tf.softmax(t.x) },
  { name: 'logSoftmax [128,10] (composed)', make: () => ({ x: rand([128, 10]) }), op: (t) => tf.logSoftmax(t.x) },
  {
    name: 'GatherV2 [60000,784] 128 rows',
    make: () => ({ x: rand([6000, 784]), i: tf.tensor1d(Array.from({ length: 128 }, (_, k) => (k * 7919) % 6000), 'int32') }),
    op: (t) => tf.gather(t.x, t.i),
  },
  { name: 'Transpose [128,784]', make: () => ({ x: rand([128, 784]) }), op: (t) => tf.transpose(t.x) },
  { name: 'Transpose [784,256]', make: () => ({ x: rand([784, 256]) }), op: (t) => tf.transpose(t.x) },
  { name: 'Cast [128,784] f32->i32', make: () => ({ x: rand([128, 784]) }), op: (t) => tf.cast(t.x, 'int32') },
  { name: 'OneHot 128 x 10', make: () => ({ i: tf.tensor1d(Array.from({ length: 128 }, (_, k) => k % 10), 'int32') }), op: (t) => tf.oneHot(t.i, 10, 1, 0, 'float32') },
];

const rows = [];
for (const c of CASES) {
  const r = { name: c.name };
  for (const b of ['cpu', 'nodegrad']) {
    await tf.setBackend(b);
    const t = c.make();
    r[b] = time(() => c.op(t));
    for (const v of Object.values(t)) v.dispose();
  }
  r.ratio = r.cpu / r.nodegrad;
  rows.push(r);
  console.log(`${c.name.padEnd(34)} cpu ${(r.cpu * 1e6).toFixed(1).padStart(9)} µs   nodegrad ${(r.nodegrad * 1e6).toFixed(1).padStart(8)} µs   ${r.ratio.toFixed(2).padStart(6)}x`);
}
const json = process.argv.indexOf('--json');
if (json > 0) writeFileSync(process.argv[json + 1], JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
