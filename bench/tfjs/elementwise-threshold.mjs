// Where crossing into native code starts to pay for tfjs's elementwise ops:
// tf.add / tf.mul / tf.sqrt of small float32 tensors on 'nodegrad' with the
// native kernels forced (threshold 0) against the same call on 'cpu', in one
// run, median of 7 batches of calls; and the kernel functions alone (the
// native override's run() against the cpu kernelFunc, on the same backend and
// tensors, without tfjs's engine around them, which costs both the same).
// Prints a table; the threshold in lib/tfjs/kernels/elementwise.ts
// (MIN_NATIVE_SIZE) is set from it.
//   node bench/tfjs/elementwise-threshold.mjs     (needs dist/: npm run build:ts)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../dist/tfjs/index.js';
import { setElementwiseMinSize } from '../../dist/tfjs/kernels/elementwise.js';
import { NATIVE_KERNELS } from '../../dist/tfjs/kernels/index.js';

const SIZES = [1, 4, 8, 16, 32, 64, 128, 256, 1024, 4096];
const OPS = {
  add: (a, b) => tf.add(a, b),
  mul: (a, b) => tf.mul(a, b),
  'add-scalar': (a) => tf.add(a, 2),
  sqrt: (a) => tf.sqrt(a),
};

function timeOne(op, a, b, calls) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) op(a, b).dispose();
  return Number(process.hrtime.bigint() - t0) / 1e3 / calls; // µs per call
}

function median(v) {
  const s = [...v].sort((x, y) => x - y);
  return s[s.length >> 1];
}

async function measure(backend, op, n) {
  await tf.setBackend(backend);
  const a = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => 1 + (i % 7)));
  const b = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => 2 + (i % 5)));
  const calls = Math.max(200, Math.min(20000, Math.floor(2e6 / n)));
  timeOne(op, a, b, calls); // warm-up
  const r = median(Array.from({ length: 7 }, () => timeOne(op, a, b, calls)));
  tf.dispose([a, b]);
  return r;
}

// The kernel functions alone: [kernel name, inputs(a, b)].
const KERNELS = {
  Add: (a, b) => ({ a, b }),
  Multiply: (a, b) => ({ a, b }),
  Sqrt: (a) => ({ x: a }),
};

async function measureKernel(name, n) {
  await tf.setBackend('nodegrad');
  const backend = tf.backend();
  const a = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => 1 + (i % 7)));
  const b = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => 2 + (i % 5)));
  const inputs = KERNELS[name](a, b);
  const cpu = tf.getKernel(name, 'cpu').kernelFunc;
  const nat = NATIVE_KERNELS.find((k) => k.kernelName === name);
  const calls = Math.max(500, Math.min(50000, Math.floor(4e6 / n)));
  const run = (f) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) backend.disposeData(f().dataId);
    return Number(process.hrtime.bigint() - t0) / 1e3 / calls;
  };
  const fNat = () => nat.run({ inputs, attrs: {}, backend }, cpu);
  const fCpu = () => cpu({ inputs, attrs: {}, backend });
  run(fNat);
  run(fCpu);
  const rn = [];
  const rc = [];
  for (let r = 0; r < 7; r++) {
    rn.push(run(fNat));
    rc.push(run(fCpu));
  }
  tf.dispose([a, b]);
  return [median(rn), median(rc)];
}

setElementwiseMinSize(0);
console.log('kernel functions alone (no engine): µs per call, median of 7 interleaved batches');
console.log('kernel        n   native µs  cpu µs  cpu/native');
for (const name of Object.keys(KERNELS)) {
  for (const n of SIZES) {
    const [ng, cpu] = await measureKernel(name, n);
    console.log(`${name.padEnd(9)} ${String(n).padStart(5)} ${ng.toFixed(3).padStart(10)} ${cpu.toFixed(3).padStart(7)} ${(cpu / ng).toFixed(2).padStart(8)}`);
  }
}
if (process.argv.includes('--engine')) {
  console.log('through tf.* (engine included): µs per call');
  console.log('op           n    nodegrad µs  cpu µs  cpu/nodegrad');
  for (const [name, op] of Object.entries(OPS)) {
    for (const n of SIZES) {
      const ng = await measure('nodegrad', op, n);
      const cpu = await measure('cpu', op, n);
      console.log(`${name.padEnd(11)} ${String(n).padStart(5)} ${ng.toFixed(2).padStart(11)} ${cpu.toFixed(2).padStart(7)} ${(cpu / ng).toFixed(2).padStart(8)}`);
    }
  }
}
