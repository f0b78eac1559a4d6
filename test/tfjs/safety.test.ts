// The 'nodegrad' backend is safe to hand real programs: no tensor or data
// leak across repeated calls and training epochs, int32/bool inputs go to the
// cpu kernels (same values and dtype), bad input gets tfjs's own errors (the
// same message as on cpu, never a crash), and no kernel writes into an input
// (tfjs hands the user's own Float32Array to the backend).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAME, nativeKernelNames } from '../../lib/tfjs/index.js';
import { Rng } from '../../lib/random.js';

const rng = new Rng(99);
const randn = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

beforeAll(async () => {
  await tf.setBackend(BACKEND_NAME);
});

/** The error message `f` throws on `backend` (undefined if none). */
async function errorOn(backend: string, f: () => unknown): Promise<string | undefined> {
  await tf.setBackend(backend);
  try {
    tf.tidy(() => {
      f();
    });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await tf.setBackend(BACKEND_NAME);
  }
}

describe('no leaks', () => {
  it('tensors and backend data ids stay flat across repeated matmul and fused matmul calls', () => {
    const a = tf.tensor2d(randn(64 * 32), [64, 32]);
    const b = tf.tensor2d(randn(32 * 32), [32, 32]);
    const bias = tf.tensor1d(randn(32));
    const count = () => ({ tensors: tf.memory().numTensors, dataIds: tf.engine().backend.numDataIds() });
    const before = count();
    for (let i = 0; i < 20; i++) {
      tf.matMul(a, b).dispose();
      tf.matMul(b, b, true, true).dispose();
      // tidy keeps what it returns: dispose that too.
      tf.tidy(() => tf.fused.matMul({ a, b, bias, activation: i % 2 ? 'relu6' : 'elu' }).sum()).dispose();
      tf.tidy(() => {
        tf.fused.matMul({ a, b, bias: tf.scalar(1), activation: 'prelu', preluActivationWeights: tf.fill([64, 1], 0.3) });
      });
    }
    expect(count()).toEqual(before);
    tf.dispose([a, b, bias]);
  });

  it('tensors stay flat across tfjs-layers fit epochs on nodegrad', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const xs = tf.tensor2d(randn(64 * 8), [64, 8]);
    const ys = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 3), 'int32'), 3);
    const counts: number[] = [];
    await model.fit(xs, ys, {
      epochs: 4,
      batchSize: 16,
      verbose: 0,
      callbacks: { onEpochEnd: () => void counts.push(tf.memory().numTensors) },
    });
    // The first epoch creates the optimizer's slots; from then on, flat.
    expect(counts.slice(1)).toEqual([counts[1], counts[1], counts[1]]);
    const p = model.predict(xs) as tf.Tensor;
    expect(p.shape).toEqual([64, 3]);
    p.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('int32 and bool inputs run the cpu kernels', () => {
  const cases: [string, () => tf.Tensor][] = [
    ['matMul int32', () => tf.matMul(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), tf.tensor2d([7, 8, 9, 10, 11, 12], [3, 2], 'int32'))],
    ['matMul int32 transposed', () => tf.matMul(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor2d([7, 8, 9, 10, 11, 12], [2, 3], 'int32'), true, true)],
    ['fused matMul int32 + bias + relu', () => tf.fused.matMul({ a: tf.tensor2d([1, -2, 3, 4], [2, 2], 'int32'), b: tf.tensor2d([-1, 2, 3, -4], [2, 2], 'int32'), bias: tf.tensor1d([1, -100], 'int32'), activation: 'relu' })],
    ['relu int32', () => tf.relu(tf.tensor1d([-3, 0, 4], 'int32'))],
    ['relu bool', () => tf.relu(tf.tensor1d([true, false], 'bool'))],
    // The ops refuse int32 here; the kernels, called directly, must still take it to cpu.
    ['Sigmoid kernel int32', () => tf.engine().runKernel('Sigmoid', { x: tf.tensor1d([-3, 0, 4], 'int32') }) as tf.Tensor],
    ['Tanh kernel bool', () => tf.engine().runKernel('Tanh', { x: tf.tensor1d([true, false], 'bool') }) as tf.Tensor],
  ];
  for (const [name, f] of cases) {
    it(`${name}: the same values and dtype as on cpu`, async () => {
      const native = tf.tidy(() => {
        const y = f();
        return { dtype: y.dtype, shape: y.shape, values: Array.from(y.dataSync()) };
      });
      await tf.setBackend('cpu');
      const cpu = tf.tidy(() => {
        const y = f();
        return { dtype: y.dtype, shape: y.shape, values: Array.from(y.dataSync()) };
      });
      await tf.setBackend(BACKEND_NAME);
      expect(native).toEqual(cpu);
    });
  }
});

describe("bad input gets tfjs's own errors", () => {
  const bad: [string, () => unknown][] = [
    ['matMul inner dims differ', () => tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 2]))],
    ['matMul rank 1', () => tf.matMul(tf.zeros([3]) as unknown as tf.Tensor2D, tf.zeros([3, 2]))],
    ['matMul batch dims incompatible', () => tf.matMul(tf.zeros([2, 2, 3]), tf.zeros([3, 3, 2]))],
    ['fused bias not broadcastable', () => tf.fused.matMul({ a: tf.zeros([2, 3]), b: tf.zeros([3, 4]), bias: tf.zeros([3]) })],
    ['fused unknown activation', () => tf.fused.matMul({ a: tf.zeros([2, 3]), b: tf.zeros([3, 4]), activation: 'gelu' as 'relu' })],
    ['fused prelu without weights', () => tf.fused.matMul({ a: tf.zeros([2, 3]), b: tf.zeros([3, 4]), activation: 'prelu' })],
    // Straight to the kernels, past the ops' own checks: the native
    // overrides decline and the cpu kernels raise their errors.
    ['BatchMatMul kernel, inner dims differ', () => tf.engine().runKernel('BatchMatMul', { a: tf.zeros([1, 2, 3]), b: tf.zeros([1, 4, 2]) }, { transposeA: false, transposeB: false })],
    ['_FusedMatMul kernel, bias of a wrong shape', () => tf.engine().runKernel('_FusedMatMul', { a: tf.zeros([1, 2, 3]), b: tf.zeros([1, 3, 4]), bias: tf.zeros([5]) }, { transposeA: false, transposeB: false, activation: 'linear' })],
    ['_FusedMatMul kernel, unknown activation', () => tf.engine().runKernel('_FusedMatMul', { a: tf.zeros([1, 2, 3]), b: tf.zeros([1, 3, 4]) }, { transposeA: false, transposeB: false, activation: 'swish' })],
  ];
  for (const [name, f] of bad) {
    it(`${name}: the same error as on cpu, and the backend keeps working`, async () => {
      const cpu = await errorOn('cpu', f);
      const native = await errorOn(BACKEND_NAME, f);
      expect(cpu).toBeDefined();
      expect(native).toBe(cpu);
      expect(Array.from(tf.matMul(tf.ones([1, 2]), tf.ones([2, 1])).dataSync())).toEqual([2]);
    });
  }
});

describe('switching backends', () => {
  // tfjs-core's "Switching cpu backends" specs run on cpu only; the same for nodegrad.
  it('a tensor made on nodegrad is used on cpu and back (its data moves), with the same bits', async () => {
    const v = randn(12);
    const a = tf.tensor2d(v, [3, 4]);
    await tf.setBackend('cpu');
    const moved = tf.abs(a); // runs on cpu: a's data moved there; |x| is exact
    await tf.setBackend(BACKEND_NAME);
    const back = tf.matMul(moved, moved, false, true); // moved back, native
    const direct = tf.matMul(tf.tensor2d(v.map(Math.abs), [3, 4]), tf.tensor2d(v.map(Math.abs), [3, 4]), false, true);
    // The same native kernel on the same values: the same bits.
    expect(Array.from(back.dataSync())).toEqual(Array.from(direct.dataSync()));
    expect(Array.from(a.dataSync())).toEqual(Array.from(v));
    tf.dispose([a, moved, back, direct]);
  });
});

describe('no kernel writes into its inputs', () => {
  it("the user's own Float32Arrays are unchanged after every native matmul form", async () => {
    const arrays = { a: randn(6 * 5), b: randn(5 * 4), bt: randn(4 * 5), bias: randn(4), col: randn(6), w: Float32Array.from({ length: 4 }, () => 0.1 + rng.uniform()) };
    const copies = Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, v.slice()]));
    tf.tidy(() => {
      const a = tf.tensor2d(arrays.a, [6, 5]);
      const b = tf.tensor2d(arrays.b, [5, 4]);
      const bt = tf.tensor2d(arrays.bt, [4, 5]);
      const bias = tf.tensor1d(arrays.bias);
      const col = tf.tensor2d(arrays.col, [6, 1]);
      const w = tf.tensor1d(arrays.w);
      // tfjs really hands these arrays to the backend (else the test proves nothing).
      expect(tf.engine().backend.readSync(a.dataId)).toBe(arrays.a);
      const outs = [tf.matMul(a, b), tf.matMul(a, bt, false, true)];
      for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const) {
        outs.push(tf.fused.matMul({ a, b, bias, activation }));
        outs.push(tf.fused.matMul({ a, b: bt, transposeB: true, bias: col, activation }));
      }
      outs.push(tf.fused.matMul({ a, b, bias, activation: 'prelu', preluActivationWeights: w }));
      outs.push(tf.fused.matMul({ a, b: bt, transposeB: true, activation: 'prelu', preluActivationWeights: w }));
      for (const name of ['Relu', 'Sigmoid', 'Tanh']) if (nativeKernelNames().includes(name)) outs.push(tf.engine().runKernel(name, { x: a }) as tf.Tensor);
      for (const o of outs) {
        const v = tf.engine().backend.readSync(o.dataId);
        for (const input of Object.values(arrays)) expect(v).not.toBe(input);
        o.dataSync();
      }
    });
    for (const [k, v] of Object.entries(arrays)) expect(Array.from(v), k).toEqual(Array.from(copies[k]!));
  });
});
