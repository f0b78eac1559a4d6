// Native activation gradients on the nodegrad backend (lib/tfjs/gradients.ts):
// tf.grad through relu, leakyRelu, prelu, sigmoid and tanh runs one nodegrad
// backward kernel (seen in tfjs's profiler) and gives cpu's gradient; second
// order gradients go through the backward kernels' own gradients; cases the
// native path does not take run tfjs's own gradient.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_NAME } from '../../lib/tfjs/index.js';
// Loaded after nodegrad/tfjs on purpose: tfjs-layers registers tfjs's
// gradients again (over nodegrad's), and nodegrad's must still apply.
import '@tensorflow/tfjs-layers';
import { Rng } from '../../lib/random.js';

const rng = new Rng(77);
const N = 37;
// Values away from 0 (the kinks), plus exact zeros, which relu-like gradients send to the x ≤ 0 side.
const XS = Float32Array.from({ length: 4 * N }, (_, i) => (i % 17 === 0 ? 0 : rng.normal() * 2));
const W = Float32Array.from({ length: 4 * N }, () => rng.normal());
const ALPHA = Float32Array.from({ length: N }, () => 0.05 + 0.3 * rng.uniform());

interface Result {
  values: Float32Array[];
  kernels: string[];
}

/** Runs f on `backend`, returning its outputs' values and the kernels tfjs ran. */
async function on(backend: string, f: () => tf.Tensor[]): Promise<Result> {
  await tf.setBackend(backend);
  let values: Float32Array[] = [];
  const prof = await tf.profile(() => {
    const out = f();
    values = out.map((t) => t.dataSync().slice() as Float32Array);
    return out;
  });
  return { values, kernels: prof.kernels.map((k) => k.name) };
}

// sigmoid and tanh: nodegrad's backward arranges y(1 − y) and 1 − y² in
// another order than tfjs's ops, a few float32 roundings of the terms:
// 4 ulp of the element's largest term |dy|. relu-like gradients are exact
// (a select of dy or α·dy, one rounding like tfjs's multiply).
function expectClose(mine: Float32Array, cpu: Float32Array, ulps: number, scale: Float32Array | number = 1): void {
  expect(mine.length).toBe(cpu.length);
  const off: string[] = [];
  for (let i = 0; i < mine.length; i++) {
    const s = typeof scale === 'number' ? scale : Math.abs(scale[i % scale.length]!);
    const tol = ulps * 2 ** -23 * Math.max(s, Math.abs(cpu[i]!));
    if (!(Math.abs(mine[i]! - cpu[i]!) <= tol) && !(Number.isNaN(mine[i]!) && Number.isNaN(cpu[i]!))) off.push(`[${i}] ${mine[i]} vs cpu ${cpu[i]}`);
  }
  expect(off.slice(0, 5)).toEqual([]);
}

type Act = [name: string, kernel: string, f: (x: tf.Tensor) => tf.Tensor, ulps: number];
const ACTS: Act[] = [
  ['relu', 'NodegradReluGrad', (x) => tf.relu(x), 0],
  ['leakyRelu', 'NodegradLeakyReluGrad', (x) => tf.leakyRelu(x, 0.15), 0],
  ['sigmoid', 'NodegradSigmoidGrad', (x) => tf.sigmoid(x), 4],
  ['tanh', 'NodegradTanhGrad', (x) => tf.tanh(x), 4],
  ['prelu', 'NodegradPreluGradX', (x) => tf.prelu(x, tf.tensor1d(ALPHA)), 0],
];

afterAll(async () => {
  await tf.setBackend(BACKEND_NAME);
});

describe(`native activation gradients on '${BACKEND_NAME}'`, () => {
  for (const [name, kernel, act, ulps] of ACTS) {
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(act(x), tf.tensor2d(W, [4, N])));
    const grad = () => [tf.grad(loss)(tf.tensor2d(XS, [4, N]))];

    it(`${name}: tf.grad runs ${kernel} and gives cpu's gradient`, async () => {
      const cpu = await on('cpu', grad);
      const mine = await on(BACKEND_NAME, grad);
      expectClose(mine.values[0]!, cpu.values[0]!, ulps, W);
      expect(mine.kernels).toContain(kernel);
      expect(cpu.kernels.some((k) => k.startsWith('Nodegrad'))).toBe(false);
    });

    it(`${name}: second order (tf.grad of a function of tf.grad) matches cpu`, async () => {
      // loss2 = Σ W·act(x)², so the backward kernel's dy (2W·act(x)) depends on x and
      // h = Σ W·∂loss2/∂x needs the backward kernel's own gradient wrt dy. (tfjs's tape
      // carries no gradient through a saved output y, on cpu as here, so sigmoid and
      // tanh get tfjs's partial second order; this compares with cpu's.)
      const w = () => tf.tensor2d(W, [4, N]);
      const loss2 = (x: tf.Tensor) => tf.sum(tf.mul(tf.square(act(x)), w()));
      const h = (x: tf.Tensor) => tf.sum(tf.mul(tf.grad(loss2)(x), w()));
      const second = () => [tf.grad(h)(tf.tensor2d(XS, [4, N]))];
      let cpu: Result;
      if (name === 'leakyRelu' || name === 'prelu') {
        // tfjs cannot: its gradient uses Greater, which has no gradient.
        await expect(on('cpu', second)).rejects.toThrow('gradient function not found for Greater');
        // ∂loss2/∂x = 2W·s²·x with s = 1 (x > 0) or α, so ∂h/∂x = 2W²s².
        const alpha = (i: number) => (name === 'prelu' ? ALPHA[i % N]! : 0.15);
        cpu = { values: [Float32Array.from(XS, (x, i) => 2 * W[i]! * W[i]! * (x > 0 ? 1 : alpha(i) ** 2))], kernels: [] };
      } else {
        cpu = await on('cpu', second);
      }
      const mine = await on(BACKEND_NAME, second);
      // A few roundings more than the first order (products of W, s and x): 16 ulp of 2W²(1 + |x|).
      expectClose(mine.values[0]!, cpu.values[0]!, 16, Float32Array.from(W, (v, i) => 2 * v * v * (1 + Math.abs(XS[i]!))));
      expect(mine.kernels).toContain(kernel);
    });
  }

  it("prelu: alpha's gradient (summed over the batch) matches cpu, natively", async () => {
    const f = () => {
      const x = tf.tensor2d(XS, [4, N]);
      const a = tf.tensor1d(ALPHA);
      const g = tf.grads((xx: tf.Tensor, aa: tf.Tensor) => tf.sum(tf.mul(tf.prelu(xx, aa), tf.tensor2d(W, [4, N]))))([x, a]);
      return g;
    };
    const cpu = await on('cpu', f);
    const mine = await on(BACKEND_NAME, f);
    // dα sums 4 products: nodegrad in float64 then rounded, tfjs in float32: 4 roundings of the terms (|x·w| ≤ 10).
    expectClose(mine.values[1]!, cpu.values[1]!, 4, 10);
    expectClose(mine.values[0]!, cpu.values[0]!, 0, W);
    expect(mine.kernels).toContain('NodegradPreluGradAlpha');
  });

  it('prelu with an alpha that does not broadcast over leading axes only runs tfjs gradient', async () => {
    // alpha [4, 1] against x [4, N]: per row, not per trailing block.
    const f = () => {
      const a = tf.tensor2d([0.1, 0.2, 0.3, 0.4], [4, 1]);
      return tf.grads((xx: tf.Tensor, aa: tf.Tensor) => tf.sum(tf.prelu(xx, aa)))([tf.tensor2d(XS, [4, N]), a]);
    };
    const cpu = await on('cpu', f);
    const mine = await on(BACKEND_NAME, f);
    expectClose(mine.values[0]!, cpu.values[0]!, 0);
    expectClose(mine.values[1]!, cpu.values[1]!, 0, 100);
    expect(mine.kernels.some((k) => k.startsWith('Nodegrad'))).toBe(false);
  });

  it('tensor count is flat across repeated gradients', async () => {
    await tf.setBackend(BACKEND_NAME);
    const x = tf.tensor2d(XS, [4, N]);
    const step = () => tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.sigmoid(tf.relu(v))))(x).dataSync());
    step();
    const n = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(n);
    x.dispose();
  });
});
