// tfjs's elementwise ops at the sizes of a 784-256-128-10 training step
// (a 784×256 weight, a 128×256 activation, a 128×10 output), on 'nodegrad'
// against 'cpu', through tf.* (the engine included), in one run: median of
// 7 batches of calls, µs per call. The optimizer and loss-gradient ops of a
// fit step are these shapes with same-shape or scalar operands.
//   node bench/tfjs/elementwise-ops.mjs        (needs dist/: npm run build:ts)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../dist/tfjs/index.js';

const SHAPES = [
  [128, 10],
  [128, 256],
  [784, 256],
];
const OPS = {
  'mul a*b': (a, b) => tf.mul(a, b),
  'mul a*scalar': (a, _b, s) => tf.mul(a, s),
  'add a+b': (a, b) => tf.add(a, b),
  'add a+row': (a, _b, _s, row) => tf.add(a, row),
  'div a/b': (a, b) => tf.div(a, b),
  square: (a) => tf.square(a),
  sqrt: (a) => tf.sqrt(a),
  exp: (a) => tf.exp(a),
  log: (a) => tf.log(a),
  'greater a>0': (a, _b, s) => tf.greater(a, s),
  relu6: (a) => tf.relu6(a),
  'leakyRelu 0.2': (a) => tf.leakyRelu(a, 0.2),
};

const median = (v) => [...v].sort((x, y) => x - y)[v.length >> 1];

async function time(backend, op, shape) {
  await tf.setBackend(backend);
  const n = shape[0] * shape[1];
  const a = tf.tensor2d(Float32Array.from({ length: n }, (_, i) => 0.5 + (i % 13) / 7), shape);
  const b = tf.tensor2d(Float32Array.from({ length: n }, (_, i) => 0.75 + (i % 11) / 5), shape);
  const s = tf.scalar(0.9);
  const row = tf.tensor1d(Float32Array.from({ length: shape[1] }, (_, i) => i / 100));
  const calls = Math.max(5, Math.min(2000, Math.floor(2e7 / n / (backend === 'cpu' ? 8 : 1))));
  const batch = () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) op(a, b, s, row).dispose();
    return Number(process.hrtime.bigint() - t0) / 1e3 / calls;
  };
  batch();
  const r = median(Array.from({ length: 7 }, batch));
  tf.dispose([a, b, s, row]);
  return r;
}

console.log('op              shape      nodegrad µs    cpu µs   cpu/nodegrad');
for (const shape of SHAPES) {
  for (const [name, op] of Object.entries(OPS)) {
    const ng = await time('nodegrad', op, shape);
    const cpu = await time('cpu', op, shape);
    console.log(`${name.padEnd(15)} ${`[${shape}]`.padEnd(10)} ${ng.toFixed(1).padStart(11)} ${cpu.toFixed(1).padStart(9)} ${(cpu / ng).toFixed(1).padStart(10)}`);
  }
}
