// BatchMatMul and _FusedMatMul on the 'nodegrad' backend: every transpose,
// batch dims (equal, broadcast, and the cpu fallback for a partial
// broadcast), every bias shape, every fused activation; against a float64
// reference, against the cpu backend, and the epilogue against the native
// product it is applied to.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../../lib/tfjs/index.js';
import { Rng } from '../../lib/random.js';
import { rawBackend } from '../../lib/backend/index.js';
import { sameValue, ulpDistance } from '../helpers/floats.js';

const U = 2 ** -24; // float32 unit roundoff

type Act = 'linear' | 'relu' | 'relu6' | 'elu' | 'leakyrelu' | 'prelu' | 'sigmoid';

function randn(rng: Rng, n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return v;
}

interface MM {
  aShape: number[];
  bShape: number[];
  transA: boolean;
  transB: boolean;
}

/** op(A) (m×k) of one batch as a float64 accessor, from A stored as in tfjs. */
function dims(c: MM): { m: number; n: number; k: number } {
  const ra = c.aShape.length;
  const rb = c.bShape.length;
  return {
    m: c.transA ? c.aShape[ra - 1]! : c.aShape[ra - 2]!,
    k: c.transA ? c.aShape[ra - 2]! : c.aShape[ra - 1]!,
    n: c.transB ? c.bShape[rb - 2]! : c.bShape[rb - 1]!,
  };
}

/**
 * The float64 product and Σ|a·b| per element (for the bound), batch dims
 * broadcast whole (one side's batch 1) or equal: written from the
 * definition, independent of the kernel's batching.
 */
function reference(c: MM, a: Float32Array, b: Float32Array): { y: Float64Array; absSum: Float64Array; batch: number } {
  const { m, n, k } = dims(c);
  const batchA = c.aShape.slice(0, -2).reduce((x, y) => x * y, 1);
  const batchB = c.bShape.slice(0, -2).reduce((x, y) => x * y, 1);
  const batch = Math.max(batchA, batchB);
  const y = new Float64Array(batch * m * n);
  const absSum = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = (batchA === 1 ? 0 : t) * m * k;
    const bo = (batchB === 1 ? 0 : t) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let abs = 0;
        for (let p = 0; p < k; p++) {
          const av = a[ao + (c.transA ? p * m + i : i * k + p)]!;
          const bv = b[bo + (c.transB ? j * k + p : p * n + j)]!;
          s += av * bv;
          abs += Math.abs(av * bv);
        }
        y[t * m * n + i * n + j] = s;
        absSum[t * m * n + i * n + j] = abs;
      }
    }
  }
  return { y, absSum, batch };
}

async function on<T>(backend: string, f: () => T): Promise<T> {
  await tf.setBackend(backend);
  // tidy disposes every tensor made inside; f returns plain arrays.
  return tf.tidy(f as unknown as () => tf.TensorContainer) as unknown as T;
}

function matmulOn(backend: string, c: MM, a: Float32Array, b: Float32Array): Promise<Float32Array> {
  return on(backend, () => tf.matMul(tf.tensor(a, c.aShape), tf.tensor(b, c.bShape), c.transA, c.transB).dataSync() as Float32Array);
}

interface Fused extends MM {
  bias?: { shape: number[]; values: Float32Array };
  act: Act;
  prelu?: { shape: number[]; values: Float32Array };
  alpha?: number;
}

function fusedOn(backend: string, c: Fused, a: Float32Array, b: Float32Array): Promise<{ values: Float32Array; shape: number[] }> {
  return on(backend, () => {
    const y = tf.fused.matMul({
      a: tf.tensor(a, c.aShape),
      b: tf.tensor(b, c.bShape),
      transposeA: c.transA,
      transposeB: c.transB,
      bias: c.bias ? tf.tensor(c.bias.values, c.bias.shape) : undefined,
      activation: c.act,
      preluActivationWeights: c.prelu ? tf.tensor(c.prelu.values, c.prelu.shape) : undefined,
      leakyreluAlpha: c.alpha,
    });
    return { values: y.dataSync() as Float32Array, shape: y.shape };
  });
}

/** Index of `values` (of `shape`) broadcast against an output of `outShape`, for output element `i`. */
function broadcastIndex(shape: number[], outShape: number[], i: number): number {
  let idx = 0;
  let stride = 1;
  let rest = i;
  for (let d = outShape.length - 1, s = shape.length - 1; d >= 0; d--, s--) {
    const od = outShape[d]!;
    const coord = rest % od;
    rest = (rest - coord) / od;
    if (s >= 0) {
      if (shape[s] !== 1) idx += coord * stride;
      stride *= shape[s]!;
    }
  }
  return idx;
}

/** tfjs's activations on a float32 pre-activation, evaluated in float64 (expm1 for elu). */
function act64(act: Act, x: number, alpha: number, w: number): number {
  switch (act) {
    case 'linear':
      return x;
    case 'relu':
      return x < 0 ? 0 : x;
    case 'relu6':
      return Math.min(Math.max(x, 0), 6);
    case 'elu':
      return x >= 0 ? x : Math.expm1(x);
    case 'leakyrelu':
      return x < 0 ? alpha * x : x;
    case 'prelu':
      return x < 0 ? w * x : x;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
  }
}

/**
 * Allowed ulps of the epilogue from act64 on the same float32
 * pre-activation. relu/relu6/linear/prelu: a comparison and at most one
 * product of two float32 values, rounded once either way: bitwise.
 * leakyrelu: nodegrad rounds α to float32 at its boundary (DESIGN.md,
 * scalars) where tfjs multiplies by the float64 α: 0 when α is a float32, at
 * most 1 ulp otherwise. elu: native expm1 measured ≤ 1 ulp (test/kernels/
 * activations.test.ts) plus α·: 2. sigmoid: measured ≤ 2, +1 headroom: 3.
 */
function epilogueUlps(act: Act, alpha: number): number {
  if (act === 'leakyrelu') return Math.fround(alpha) === alpha ? 0 : 1;
  if (act === 'elu') return 2;
  if (act === 'sigmoid') return 3;
  return 0;
}

let rng: Rng;
beforeAll(async () => {
  await tf.ready();
  rng = new Rng(1234);
});
afterAll(async () => {
  await tf.setBackend(BACKEND_NAME);
});

const SIZES: [number, number, number][] = [
  [7, 13, 19], // none a multiple of a SIMD width or tile
  [1, 9, 33], // one row: the GEMV path
  [65, 33, 70], // past one micro-tile and the k block edges
  [4, 1, 5], // one output column
  [3, 4, 0], // k = 0: zeros (plus bias)
];

function shapesFor(m: number, n: number, k: number, transA: boolean, transB: boolean, batchA: number[], batchB: number[]): MM {
  return {
    aShape: [...batchA, ...(transA ? [k, m] : [m, k])],
    bShape: [...batchB, ...(transB ? [n, k] : [k, n])],
    transA,
    transB,
  };
}

const TRANSPOSES: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
const BATCHES: [number[], number[]][] = [
  [[], []],
  [[3], [3]],
  [[2, 3], [2, 3]],
  [[3], [1]], // b broadcast (a Dense layer on a 3-D input)
  [[1], [3]], // a broadcast
  [[2, 3], []], // b rank 2
];

describe('BatchMatMul on nodegrad', () => {
  for (const [ta, tb] of TRANSPOSES) {
    for (const [m, n, k] of SIZES) {
      for (const [ba, bb] of BATCHES) {
        const c = shapesFor(m, n, k, ta, tb, ba, bb);
        it(`${JSON.stringify(c.aShape)}${ta ? 'ᵀ' : ''} x ${JSON.stringify(c.bShape)}${tb ? 'ᵀ' : ''}`, async () => {
          const a = randn(rng, c.aShape.reduce((x, y) => x * y, 1));
          const b = randn(rng, c.bShape.reduce((x, y) => x * y, 1));
          const native = await matmulOn(BACKEND_NAME, c, a, b);
          const cpu = await matmulOn('cpu', c, a, b);
          const ref = reference(c, a, b);
          expect(native.length).toBe(ref.y.length);
          expect(cpu.length).toBe(ref.y.length);
          // Recursive float32 summation of k products: |error| ≤ k·u·Σ|a·b|
          // (γ_k), plus the final rounding u·|y|. The cpu kernel (float64
          // partial sums of 48) must meet the same bound: it checks the
          // reference too.
          for (let i = 0; i < ref.y.length; i++) {
            const bound = k * U * ref.absSum[i]! + U * Math.abs(ref.y[i]!);
            expect(Math.abs(native[i]! - ref.y[i]!), `native [${i}]`).toBeLessThanOrEqual(bound);
            expect(Math.abs(cpu[i]! - ref.y[i]!), `cpu [${i}]`).toBeLessThanOrEqual(bound);
          }
        });
      }
    }
  }

  it('a partial batch broadcast ([2,1] x [1,3]) runs the cpu kernel: the same bits and shape', async () => {
    const c: MM = { aShape: [2, 1, 3, 4], bShape: [1, 3, 4, 5], transA: false, transB: false };
    const a = randn(rng, 24);
    const b = randn(rng, 60);
    const native = await on(BACKEND_NAME, () => {
      const y = tf.matMul(tf.tensor(a, c.aShape), tf.tensor(b, c.bShape));
      return { v: Array.from(y.dataSync()), s: y.shape };
    });
    const cpu = await on('cpu', () => {
      const y = tf.matMul(tf.tensor(a, c.aShape), tf.tensor(b, c.bShape));
      return { v: Array.from(y.dataSync()), s: y.shape };
    });
    expect(native.s).toEqual(cpu.s);
    expect(native.v).toEqual(cpu.v);
  });

  it('NaN and ±Infinity propagate as on cpu', async () => {
    const c: MM = { aShape: [2, 3], bShape: [3, 2], transA: false, transB: false };
    const a = new Float32Array([NaN, 1, 2, Infinity, 1, 1]);
    const b = new Float32Array([1, 2, 3, 4, 5, 6]);
    const native = await matmulOn(BACKEND_NAME, c, a, b);
    const cpu = await matmulOn('cpu', c, a, b);
    for (let i = 0; i < 4; i++) {
      if (Number.isFinite(cpu[i]!)) expect(native[i]).toBe(cpu[i]); // small integers: exact on both
      else expect(sameValue(native[i]!, cpu[i]!), `[${i}] ${native[i]} vs ${cpu[i]}`).toBe(true);
    }
  });
});

describe('the native path is the one taken', () => {
  // The accuracy tests above would also pass on the cpu fallback: these
  // count the native GEMM calls.
  it('BatchMatMul calls the native gemm (one call for a batch over a shared B)', async () => {
    const raw = rawBackend('native');
    const gemm = vi.spyOn(raw, 'gemm');
    try {
      await matmulOn(BACKEND_NAME, { aShape: [4, 5, 6], bShape: [6, 7], transA: false, transB: false }, randn(rng, 120), randn(rng, 42));
      expect(gemm).toHaveBeenCalledTimes(1);
      await matmulOn(BACKEND_NAME, { aShape: [3, 6, 5], bShape: [3, 7, 6], transA: true, transB: true }, randn(rng, 90), randn(rng, 126));
      expect(gemm).toHaveBeenCalledTimes(4);
      // int32 goes to the cpu kernel.
      await on(BACKEND_NAME, () => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([1, 0, 0, 1], [2, 2], 'int32')).dataSync());
      expect(gemm).toHaveBeenCalledTimes(4);
    } finally {
      gemm.mockRestore();
    }
  });

  it('_FusedMatMul with a row bias and no transpose runs denseForward; with a transpose, gemm then the native activation', async () => {
    const raw = rawBackend('native');
    const dense = vi.spyOn(raw, 'denseForward');
    const gemm = vi.spyOn(raw, 'gemm');
    const relu = vi.spyOn(raw, 'relu');
    try {
      const base: Fused = { aShape: [5, 6], bShape: [6, 7], transA: false, transB: false, act: 'relu', bias: { shape: [7], values: randn(rng, 7) } };
      await fusedOn(BACKEND_NAME, base, randn(rng, 30), randn(rng, 42));
      expect(dense).toHaveBeenCalledTimes(1);
      expect(gemm).toHaveBeenCalledTimes(0);
      await fusedOn(BACKEND_NAME, { ...base, bShape: [7, 6], transB: true }, randn(rng, 30), randn(rng, 42));
      expect(dense).toHaveBeenCalledTimes(1);
      expect(gemm).toHaveBeenCalledTimes(1);
      expect(relu).toHaveBeenCalledTimes(1);
    } finally {
      dense.mockRestore();
      gemm.mockRestore();
      relu.mockRestore();
    }
  });
});

describe('_FusedMatMul on nodegrad', () => {
  const ACTS: Act[] = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'];
  const m = 9;
  const n = 11;
  const k = 17;
  const biasShapes = (batch: number[]): (number[] | undefined)[] => [undefined, [n], [1, n], [], [m, 1], [m, n], ...(batch.length ? [[...batch, 1, n]] : [])];
  const preluShapes: number[][] = [[n], [], [m, 1], [m, n]];
  const layouts: { ta: boolean; tb: boolean; ba: number[]; bb: number[] }[] = [
    { ta: false, tb: false, ba: [], bb: [] },
    { ta: true, tb: true, ba: [], bb: [] },
    { ta: false, tb: true, ba: [3], bb: [3] },
    { ta: false, tb: false, ba: [3], bb: [1] },
    { ta: true, tb: false, ba: [1], bb: [2] },
  ];

  for (const L of layouts) {
    for (const act of ACTS) {
      for (const bs of biasShapes(L.ba.length ? [Math.max(L.ba[0]!, L.bb[0]!)] : [])) {
        const pShapes = act === 'prelu' ? preluShapes : [undefined];
        for (const ps of pShapes) {
          // α: a float32 value (bitwise) and tfjs's default 0.2 (not one: ≤ 1 ulp).
          const alphas = act === 'leakyrelu' ? [0.25, 0.2] : [undefined];
          for (const alpha of alphas) {
            const name = `${L.ta ? 'Aᵀ' : 'A'}${JSON.stringify(L.ba)} ${L.tb ? 'Bᵀ' : 'B'}${JSON.stringify(L.bb)} ${act}${alpha !== undefined ? `(${alpha})` : ''} bias ${bs ? JSON.stringify(bs) : 'none'}${ps ? ` weights ${JSON.stringify(ps)}` : ''}`;
            it(name, async () => {
              const c: Fused = { ...shapesFor(m, n, k, L.ta, L.tb, L.ba, L.bb), act, alpha };
              const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
              if (bs) c.bias = { shape: bs, values: randn(rng, size(bs)) };
              // prelu weights in [0.05, 0.55): positive, so the sign of a zero
              // product cannot differ between the forms (x > 0 vs x < 0 tests).
              if (ps) c.prelu = { shape: ps, values: Float32Array.from({ length: size(ps) }, () => 0.05 + rng.uniform() / 2) };
              const a = randn(rng, size(c.aShape));
              const b = randn(rng, size(c.bShape));
              // Scale so that relu6's clamp and sigmoid's tails are reached.
              for (let i = 0; i < a.length; i++) a[i] = a[i]! * 1.5;

              const native = await fusedOn(BACKEND_NAME, c, a, b);
              const cpu = await fusedOn('cpu', c, a, b);
              expect(native.shape).toEqual(cpu.shape);
              // The plain native product these epilogues apply to.
              const prod = await matmulOn(BACKEND_NAME, c, a, b);
              const outShape = native.shape;
              const ulps = epilogueUlps(act, alpha ?? 0.2);
              const ref = reference(c, a, b);
              let worst = 0;
              for (let i = 0; i < native.values.length; i++) {
                const bias = c.bias ? c.bias.values[broadcastIndex(c.bias.shape, outShape, i)]! : 0;
                const w = c.prelu ? c.prelu.values[broadcastIndex(c.prelu.shape, outShape, i)]! : 0;
                const j = i; // the bias never broadcasts the output past the product's shape
                // The pre-activation as tfjs's Add forms it: one float32 rounding.
                const pre = Math.fround(prod[j]! + bias);
                const expected = Math.fround(act64(act, pre, alpha ?? 0.2, w));
                const d = ulpDistance(native.values[i]!, expected);
                worst = Math.max(worst, d);
                if (d > ulps) expect.fail(`[${i}] ${native.values[i]} vs ${expected} (pre ${pre}): ${d} ulps > ${ulps}`);
                // End to end against cpu: both products lie within k·u·Σ|a·b|
                // (+ the bias add's rounding) of the exact one; every
                // activation here is 1-Lipschitz (prelu/leakyrelu α < 1), so
                // the outputs differ by at most twice that plus the epilogue's ulps.
                const absTerms = ref.absSum[j]! + Math.abs(bias);
                const tol = 2 * ((k + 1) * U * absTerms) + (ulps + 1) * U * 2 * Math.abs(cpu.values[i]!);
                expect(Math.abs(native.values[i]! - cpu.values[i]!), `vs cpu [${i}]`).toBeLessThanOrEqual(tol);
              }
              expect(worst).toBeLessThanOrEqual(ulps);
            });
          }
        }
      }
    }
  }
});
