// The reductions-family tfjs kernels (lib/tfjs/kernels/{reductions,softmax,
// gather,transpose,cast}.ts) against tfjs-cpu, kernel x shape x axes x
// keepDims x dtype, with NaN/±Inf/±0 and empty tensors; each case also
// asserts whether the native kernel ran (a silent fall back to cpu would
// pass every comparison otherwise), that inputs are unchanged, that no
// tensor leaks, and that bad input gets tfjs's own error.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../../lib/tfjs/index.js';
import { loadNative } from '../../lib/backend/native.js';
import { Rng } from '../../lib/random.js';
import { ulpDistance } from '../fuzz/tolerance.js';

type Values = Float32Array | Int32Array | Uint8Array;
interface Result {
  dtype: string;
  shape: number[];
  values: number[];
}

// Counts the native kernels' calls by wrapping the addon's exports (the tfjs
// kernels look them up on every call).
const addon = loadNative() as unknown as Record<string, (...a: unknown[]) => void>;
const calls = new Map<string, number>();
for (const k of ['sumRows', 'meanRows', 'maxRows', 'minRows', 'argMaxRows', 'sumCols', 'meanCols', 'maxCols', 'minCols', 'argMaxCols', 'softmax', 'gatherRows', 'transpose', 'castFloat32ToInt32', 'castFloat32ToBool', 'oneHot']) {
  const f = addon[k]!;
  addon[k] = (...a: unknown[]) => {
    calls.set(k, (calls.get(k) ?? 0) + 1);
    return f(...a);
  };
}
const nativeCalls = () => [...calls.values()].reduce((a, b) => a + b, 0);

async function on(backendName: string, f: () => tf.Tensor): Promise<Result> {
  await tf.setBackend(backendName);
  const t = tf.tidy(f);
  const r = { dtype: t.dtype, shape: t.shape, values: Array.from(t.dataSync() as Values) };
  t.dispose();
  return r;
}

/** f on both backends; `native`: whether the nodegrad run must call a native kernel. */
async function both(f: () => tf.Tensor, native: boolean): Promise<{ ng: Result; cpu: Result }> {
  const cpu = await on('cpu', f);
  const before = nativeCalls();
  const tensors = tf.memory().numTensors;
  const ng = await on(BACKEND_NAME, f);
  expect(tf.memory().numTensors, 'tensors leaked').toBe(tensors);
  expect(nativeCalls() > before, native ? 'the native kernel must run' : 'the cpu kernel must run').toBe(native);
  expect(ng.dtype).toBe(cpu.dtype);
  expect(ng.shape).toEqual(cpu.shape);
  return { ng, cpu };
}

function sameValues(ng: number[], cpu: number[], what: string): void {
  for (let i = 0; i < cpu.length; i++) {
    if (Number.isNaN(cpu[i]!) && Number.isNaN(ng[i]!)) continue;
    if (!Object.is(ng[i], cpu[i])) expect.fail(`${what}[${i}]: nodegrad ${ng[i]}, cpu ${cpu[i]}`);
  }
}

function data(n: number, rng: Rng, edges: boolean): Float32Array {
  const special = [NaN, Infinity, -Infinity, 0, -0];
  return Float32Array.from({ length: n }, () => (edges && rng.uniform() < 0.08 ? special[Math.floor(rng.uniform() * 5)]! : 4 * rng.normal()));
}

beforeAll(async () => {
  await tf.ready();
});
afterEach(async () => {
  await tf.setBackend(BACKEND_NAME);
});

const SHAPES: number[][] = [[1], [7], [33], [3, 1], [1, 5], [4, 10], [128, 10], [17, 33], [2, 3, 4], [5, 1, 300]];

describe('Sum, Mean, Max, Min, ArgMax against tfjs-cpu', () => {
  const rng = new Rng(21);
  for (const shape of SHAPES) {
    const rank = shape.length;
    // Native: the last axis, axis 0, all axes, a trailing or leading block; cpu: a middle axis.
    const axesList: Array<{ axis: number | number[] | null; native: boolean }> = [
      { axis: -1, native: true },
      { axis: 0, native: true },
      { axis: null, native: true },
      ...(rank === 3 ? [{ axis: [1, 2], native: true }, { axis: [0, 1], native: true }, { axis: 1, native: false }, { axis: [0, 2], native: false }] : []),
    ];
    for (const { axis, native } of axesList) {
      for (const keepDims of [false, true]) {
        for (const edges of [false, true]) {
          it(`shape [${shape}] axis ${JSON.stringify(axis)} keepDims ${keepDims}${edges ? ' with NaN/±Inf/±0' : ''}`, async () => {
            const x = data(shape.reduce((a, b) => a * b, 1), rng, edges);
            const before = x.slice();
            const t = () => tf.tensor(x, shape);
            for (const op of ['max', 'min'] as const) {
              const { ng, cpu } = await both(() => tf[op](t(), axis, keepDims), native);
              sameValues(ng.values, cpu.values, op); // the same NaN and first-wins rules
            }
            const { ng: s, cpu: sc } = await both(() => tf.sum(t(), axis, keepDims), native);
            const { ng: m, cpu: mc } = await both(() => tf.mean(t(), axis, keepDims), native);
            // Per output element: Σ|x| over what it reduces, from cpu's own
            // abs-sum (the same axes); the bounds: two float32 roundings of
            // float64 sums taken in different orders (n·2⁻⁵³·Σ|x| apart), and
            // for Mean cpu's rounding of each x/n (Σ|x|/n·2⁻²⁴).
            const { cpu: absSum } = await both(() => tf.sum(tf.abs(t()), axis, keepDims), native);
            const n = x.length / Math.max(1, sc.values.length);
            for (let i = 0; i < sc.values.length; i++) {
              const a = absSum.values[i]!;
              if (!Number.isFinite(a) || Number.isNaN(sc.values[i]!)) {
                expect(Number.isNaN(s.values[i]!) ? Number.isNaN(sc.values[i]!) : s.values[i] === sc.values[i], `sum[${i}] ${s.values[i]} vs ${sc.values[i]}`).toBe(true);
                continue;
              }
              expect(Math.abs(s.values[i]! - sc.values[i]!), `sum[${i}]`).toBeLessThanOrEqual(2 ** -23 * Math.abs(sc.values[i]!) + n * 2 ** -52 * a + 1e-45);
              expect(Math.abs(m.values[i]! - mc.values[i]!), `mean[${i}]`).toBeLessThanOrEqual(2 ** -23 * Math.abs(mc.values[i]!) + 2 ** -23 * (a / n) + 1e-45);
            }
            if (axis === -1 || axis === 0) {
              // ArgMax takes one axis and has no keepDims.
              const { ng, cpu } = await both(() => tf.argMax(t(), axis), true);
              sameValues(ng.values, cpu.values, 'argMax');
            }
            expect(Array.from(x)).toEqual(Array.from(before));
          });
        }
      }
    }
  }

  it('int32 and bool inputs and empty tensors run the cpu kernels', async () => {
    for (const f of [
      () => tf.sum(tf.tensor1d([1, 2, 3], 'int32')),
      () => tf.max(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 1),
      () => tf.sum(tf.tensor1d([1, 0, 1], 'bool')),
      () => tf.argMax(tf.tensor1d([1, 5, 3], 'int32')),
      () => tf.sum(tf.zeros([0, 3]), 1),
      () => tf.mean(tf.zeros([2, 0]), 1),
      () => tf.max(tf.zeros([0, 3]), 0),
    ]) {
      const { ng, cpu } = await both(f, false);
      sameValues(ng.values, cpu.values, 'fallback');
    }
  });

  it('a bad axis gets tfjs’s own error', async () => {
    await tf.setBackend(BACKEND_NAME);
    expect(() => tf.sum(tf.ones([2, 3]), 2)).toThrow(/axis param must be in range/);
  });
});

describe('Softmax against tfjs-cpu', () => {
  const rng = new Rng(22);
  for (const shape of [[10], [1, 1], [128, 10], [3, 1000], [2, 3, 7]]) {
    for (const edges of [false, true]) {
      it(`shape [${shape}]${edges ? ' with NaN/±Inf' : ''}`, async () => {
        const x = data(shape.reduce((a, b) => a * b, 1), rng, edges);
        const { ng, cpu } = await both(() => tf.softmax(tf.tensor(x, shape)), true);
        // Both round x − max to float32 the same way; then cpu: fl32(e/fl32(Σe))
        // with e = fl32(Math.exp); native: fl32(e/Σe) with the ISA's exp (1 ulp,
        // activations_body.inc): 1 ulp (exp) + 0.5 (cpu's rounded Σe) + 0.5 + 0.5
        // (the two final roundings, and e's) ≤ 3 ulp; measured 2.
        for (let i = 0; i < cpu.values.length; i++) {
          const c = cpu.values[i]!;
          if (Number.isNaN(c)) {
            expect(ng.values[i], `softmax[${i}]`).toBeNaN();
            continue;
          }
          expect(ulpDistance(ng.values[i]!, c), `softmax[${i}] ${ng.values[i]} vs ${c}`).toBeLessThanOrEqual(3);
        }
      });
    }
  }
  it('logSoftmax (composed by tfjs of the native Max and Sum) matches cpu', async () => {
    const x = data(128 * 10, rng, false);
    const { ng, cpu } = await both(() => tf.logSoftmax(tf.tensor(x, [128, 10])), true);
    for (let i = 0; i < cpu.values.length; i++) expect(Math.abs(ng.values[i]! - cpu.values[i]!)).toBeLessThanOrEqual(4 * 2 ** -24 * (Math.abs(cpu.values[i]!) + 1));
  });
});

describe('GatherV2 of rows against tfjs-cpu', () => {
  it('float32 and int32 rows, any index order and repeats: the same bits', async () => {
    const rng = new Rng(23);
    for (const [rows, cols] of [[1, 1], [5, 3], [60, 784], [10, 1]]) {
      const x = data(rows * cols, rng, true);
      const idx = Array.from({ length: 37 }, () => Math.floor(rng.uniform() * rows));
      for (const dtype of ['float32', 'int32'] as const) {
        const { ng, cpu } = await both(() => tf.gather(tf.tensor(dtype === 'int32' ? Int32Array.from(x, (v) => v | 0) : x, [rows, cols], dtype), tf.tensor1d(idx, 'int32')), true);
        sameValues(ng.values, cpu.values, `gather ${dtype}`);
      }
      const { ng, cpu } = await both(() => tf.gather(tf.tensor(x, [rows, cols]), tf.tensor2d(idx.slice(0, 6), [2, 3], 'int32')), true);
      sameValues(ng.values, cpu.values, 'gather 2-D indices');
    }
  });
  it('other axes, batchDims and bool run the cpu kernel', async () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    for (const f of [() => tf.gather(x, [2, 0], 1), () => tf.gather(tf.tensor2d([1, 0, 1, 1], [2, 2], 'bool'), [1]), () => tf.gather(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([[1], [0]], [2, 1], 'int32'), 1, 1)]) {
      const { ng, cpu } = await both(f, false);
      sameValues(ng.values, cpu.values, 'gather fallback');
    }
    x.dispose();
  });
  it('an out-of-range index gets tfjs’s own error, never a crash', async () => {
    await tf.setBackend(BACKEND_NAME);
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    expect(() => tf.gather(x, tf.tensor1d([0, 2], 'int32'))).toThrow(/GatherV2: the index value 2 is not in \[0, 1\]/);
    expect(() => tf.gather(x, tf.tensor1d([-1], 'int32'))).toThrow(/GatherV2: the index value -1 is not in \[0, 1\]/);
    x.dispose();
  });
});

describe('Transpose against tfjs-cpu', () => {
  const rng = new Rng(24);
  const cases: Array<{ shape: number[]; perm: number[]; native: boolean }> = [
    { shape: [3, 5], perm: [1, 0], native: true },
    { shape: [128, 784], perm: [1, 0], native: true },
    { shape: [33, 65], perm: [1, 0], native: true },
    { shape: [2, 3, 4], perm: [0, 2, 1], native: true },
    { shape: [2, 3, 4], perm: [2, 0, 1], native: true },
    { shape: [2, 3, 4], perm: [1, 2, 0], native: true },
    { shape: [2, 1, 4], perm: [2, 1, 0], native: true },
    { shape: [2, 3, 4], perm: [0, 1, 2], native: true },
    { shape: [2, 3, 4], perm: [2, 1, 0], native: false },
    { shape: [2, 3, 4, 5], perm: [1, 0, 3, 2], native: false },
  ];
  for (const { shape, perm, native } of cases) {
    it(`shape [${shape}] perm [${perm}] (${native ? 'native' : 'cpu'}), float32 and int32`, async () => {
      const x = data(shape.reduce((a, b) => a * b, 1), rng, true);
      for (const dtype of ['float32', 'int32'] as const) {
        const { ng, cpu } = await both(() => tf.transpose(tf.tensor(dtype === 'int32' ? Int32Array.from(x, (v) => v | 0) : x, shape, dtype), perm), native);
        sameValues(ng.values, cpu.values, `transpose ${dtype}`);
      }
    });
  }
});

describe('Cast and OneHot against tfjs-cpu', () => {
  it('float32 → int32 and bool: the same values (ToInt32, NaN → true)', async () => {
    const x = Float32Array.from([0, -0, 0.5, -0.5, 1.5, -2.5, 3e9, -3e9, 1e20, NaN, Infinity, -Infinity, 16777217, 7]);
    for (const dtype of ['int32', 'bool'] as const) {
      const { ng, cpu } = await both(() => tf.cast(tf.tensor1d(x), dtype), true);
      sameValues(ng.values, cpu.values, `cast ${dtype}`);
    }
  });
  it('casts cpu makes without a copy stay with cpu', async () => {
    for (const f of [() => tf.cast(tf.tensor1d([1, 2], 'int32'), 'float32'), () => tf.cast(tf.tensor1d([1, 0], 'bool'), 'int32'), () => tf.cast(tf.tensor1d([1, 0], 'bool'), 'float32')]) {
      const { ng, cpu } = await both(f, false);
      sameValues(ng.values, cpu.values, 'cast fallback');
    }
  });
  it('oneHot: float32 with on/off values, out-of-range indices all off', async () => {
    const idx = [3, 0, -1, 9, 2, 2];
    const { ng, cpu } = await both(() => tf.oneHot(tf.tensor1d(idx, 'int32'), 4, 0.9, 0.025), true);
    sameValues(ng.values, cpu.values, 'oneHot');
    const r = await both(() => tf.oneHot(tf.tensor2d(idx, [2, 3], 'int32'), 5), true);
    sameValues(r.ng.values, r.cpu.values, 'oneHot 2-D');
    const i32 = await both(() => tf.oneHot(tf.tensor1d(idx, 'int32'), 4, 1, 0, 'int32'), true);
    sameValues(i32.ng.values, i32.cpu.values, 'oneHot int32');
    const b = await both(() => tf.oneHot(tf.tensor1d(idx, 'int32'), 4, 1, 0, 'bool'), false);
    sameValues(b.ng.values, b.cpu.values, 'oneHot bool');
  });
});
