// The tfjs elementwise overrides (lib/tfjs/kernels/elementwise.ts and the
// activation ones) against tfjs's own cpu backend: every op × broadcast case
// × dtype, with NaN/±Inf/±0 in the data, empty tensors and the dtype
// fallbacks. Each float32 case also checks that the native kernel took it
// (run() returned a tensor), so a silent fallback cannot pass for native.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME, type NodegradBackend } from '../../lib/tfjs/index.js';
import { NATIVE_KERNELS } from '../../lib/tfjs/kernels/index.js';
import { MIN_NATIVE_SIZE } from '../../lib/tfjs/kernels/elementwise.js';
import { ELEMENTWISE } from '../../lib/backend/families/elementwise.js';
import { Rng } from '../../lib/random.js';
import { sameValue, ulpDistance } from '../helpers/floats.js';
import { ULP } from '../shared/elementwise-tolerances.mjs';

type DType = 'float32' | 'int32' | 'bool';
const EDGES = [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e30, 1, -1, 6.5, -14, 14];

function data(n: number, seed: number, dtype: DType): Float32Array | Int32Array | Uint8Array {
  const rng = new Rng(seed);
  if (dtype === 'int32') return Int32Array.from({ length: n }, () => Math.floor((rng.uniform() - 0.5) * 20) || 1);
  if (dtype === 'bool') return Uint8Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0));
  return Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? EDGES[(i / 5 + seed) % EDGES.length]! : (rng.uniform() - 0.5) * 8));
}

const sizeOf = (s: number[]) => s.reduce((p, d) => p * d, 1);

/** Runs `kernel` on both backends from the same data; returns [nodegrad, cpu] results and whether native took it. */
async function both(
  kernel: string,
  inputs: Record<string, { shape: number[]; dtype: DType; seed: number }>,
  attrs: Record<string, unknown> = {},
): Promise<{ ng: tf.Tensor; cpu: tf.Tensor; native: boolean }> {
  const out: tf.Tensor[] = [];
  let native = false;
  for (const name of [BACKEND_NAME, 'cpu']) {
    await tf.setBackend(name);
    const ts: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(inputs)) ts[k] = tf.tensor(data(sizeOf(v.shape), v.seed, v.dtype), v.shape, v.dtype);
    if (name === BACKEND_NAME) {
      // Ask the override directly whether it takes this case (null: cpu fallback).
      const override = NATIVE_KERNELS.find((k) => k.kernelName === kernel)!;
      const backend = tf.backend() as NodegradBackend;
      const r = override.run({ inputs: ts, attrs: attrs as tf.NamedAttrMap, backend }, () => {
        throw new Error('unused');
      });
      native = r !== null;
      if (r && !Array.isArray(r)) backend.disposeData(r.dataId);
    }
    const before = tf.memory().numTensors;
    const y = tf.engine().runKernel(kernel, ts as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
    // One new tensor: the result (no leaked intermediates).
    expect(tf.memory().numTensors).toBe(before + 1);
    out.push(tf.tensor(await y.data(), y.shape, y.dtype));
    // Inputs unchanged by the kernel.
    for (const [k, v] of Object.entries(inputs)) expect(Array.from(await ts[k]!.data()).map(String)).toEqual(Array.from(data(sizeOf(v.shape), v.seed, v.dtype)).map(String));
    tf.dispose([y, ...Object.values(ts)]);
  }
  await tf.setBackend(BACKEND_NAME);
  return { ng: out[0]!, cpu: out[1]!, native };
}

function expectSame(got: tf.Tensor, want: tf.Tensor, ulps: number, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  expect(got.dtype, what).toBe(want.dtype);
  const g = got.dataSync();
  const w = want.dataSync();
  for (let i = 0; i < w.length; i++) {
    const ok = ulps === 0 ? sameValue(g[i]!, w[i]!) : ulpDistance(g[i]!, w[i]!) <= ulps;
    if (!ok) expect.fail(`${what} [${i}]: nodegrad ${g[i]}, cpu ${w[i]} (bound ${ulps} ulp)`);
  }
}

// [a shape, b shape, label]; every case has at least MIN_NATIVE_SIZE output elements except 'empty' and 'tiny'.
const BROADCASTS: [number[], number[], string][] = [
  [[6, 37], [6, 37], 'same shape'],
  [[6, 37], [], 'scalar right'],
  [[], [6, 37], 'scalar left'],
  [[6, 37], [37], 'row vector'],
  [[6, 37], [6, 1], 'column'],
  [[2, 1, 3, 1], [1, 4, 1, 5], 'general 4-D'],
  [[0, 3], [3], 'empty'],
  [[3], [3], 'tiny'],
];
const takesNative = (label: string) => label !== 'empty' && label !== 'tiny';

// The simd/scalar bound of each op against tfjs's float64 JS; the cpu kernel is that formula rounded once.
const ulpOf = (name: string): number => (ULP as Record<string, { simd: number }>)[name]?.simd ?? 0;

describe('nodegrad/tfjs elementwise kernels against tfjs-cpu', () => {
  for (const e of ELEMENTWISE) {
    if (e.kind === 'binary' || e.kind === 'compare') {
      const [ia, ib] = e.name === 'preluTf' ? ['x', 'alpha'] : ['a', 'b'];
      for (const [sa, sb, label] of BROADCASTS) {
        it(`${e.tfjs} float32 ${label}`, async () => {
          const r = await both(e.tfjs, { [ia]: { shape: sa, dtype: 'float32', seed: 1 }, [ib]: { shape: sb, dtype: 'float32', seed: 2 } });
          expect(r.native, 'native kernel took the case').toBe(takesNative(label));
          expectSame(r.ng, r.cpu, 0, `${e.tfjs} ${label}`);
        });
      }
      it(`${e.tfjs} int32 goes to the cpu kernel`, async () => {
        const r = await both(e.tfjs, { [ia]: { shape: [6, 37], dtype: 'int32', seed: 3 }, [ib]: { shape: [37], dtype: 'int32', seed: 4 } });
        expect(r.native).toBe(false);
        expectSame(r.ng, r.cpu, 0, `${e.tfjs} int32`);
      });
    } else if (e.kind === 'unary' || e.kind === 'unary_param') {
      const attrs = e.name === 'step' ? { alpha: 0.3 } : e.name === 'clip' ? { clipValueMin: -0.1, clipValueMax: 2.5 } : e.name === 'leakyReluTf' ? { alpha: 0.2 } : {};
      for (const shape of [[6, 37], [0, 4], [2]]) {
        it(`${e.tfjs} float32 [${shape}]`, async () => {
          const r = await both(e.tfjs, { x: { shape, dtype: 'float32', seed: 5 } }, attrs);
          expect(r.native).toBe(sizeOf(shape) >= MIN_NATIVE_SIZE);
          expectSame(r.ng, r.cpu, ulpOf(e.name), `${e.tfjs} [${shape}]`);
        });
      }
      if (['Neg', 'Abs', 'Square', 'Step', 'ClipByValue', 'Relu6'].includes(e.tfjs)) {
        it(`${e.tfjs} int32 goes to the cpu kernel`, async () => {
          const r = await both(e.tfjs, { x: { shape: [6, 37], dtype: 'int32', seed: 6 } }, attrs);
          expect(r.native).toBe(false);
          expectSame(r.ng, r.cpu, 0, `${e.tfjs} int32`);
        });
      }
    } else {
      it(`${e.tfjs} float32 (tfjs passes y)`, async () => {
        const r = await both(e.tfjs, { dy: { shape: [6, 37], dtype: 'float32', seed: 7 }, y: { shape: [6, 37], dtype: 'float32', seed: 8 } });
        expect(r.native).toBe(true);
        expectSame(r.ng, r.cpu, 0, e.tfjs);
      });
    }
  }

  it('Select float32 same shape natively; int32 branches and a rank-1 condition go to cpu', async () => {
    const r = await both('Select', { condition: { shape: [6, 37], dtype: 'bool', seed: 9 }, t: { shape: [6, 37], dtype: 'float32', seed: 1 }, e: { shape: [6, 37], dtype: 'float32', seed: 2 } });
    expect(r.native).toBe(true);
    expectSame(r.ng, r.cpu, 0, 'Select');
    const i = await both('Select', { condition: { shape: [6, 37], dtype: 'bool', seed: 9 }, t: { shape: [6, 37], dtype: 'int32', seed: 1 }, e: { shape: [6, 37], dtype: 'int32', seed: 2 } });
    expect(i.native).toBe(false);
    expectSame(i.ng, i.cpu, 0, 'Select int32');
    const c = await both('Select', { condition: { shape: [6], dtype: 'bool', seed: 9 }, t: { shape: [6, 37], dtype: 'float32', seed: 1 }, e: { shape: [6, 37], dtype: 'float32', seed: 2 } });
    expect(c.native).toBe(false);
    expectSame(c.ng, c.cpu, 0, 'Select rank-1 condition');
  });

  it('a float32 with an int32 operand goes to the cpu kernel (its upcast)', async () => {
    const r = await both('Add', { a: { shape: [6, 37], dtype: 'float32', seed: 1 }, b: { shape: [37], dtype: 'int32', seed: 2 } });
    expect(r.native).toBe(false);
    expectSame(r.ng, r.cpu, 0, 'Add float32+int32');
  });

  it('shapes that do not broadcast get tfjs own error', async () => {
    await tf.setBackend(BACKEND_NAME);
    expect(() => tf.add(tf.zeros([2, 3]), tf.zeros([4]))).toThrow(/broadcast/i);
  });

  it('rank beyond the plan bound falls back to cpu and still matches', async () => {
    const m = await both('Multiply', { a: { shape: [2, 3, 2, 3, 2, 3, 2, 3, 2], dtype: 'float32', seed: 1 }, b: { shape: [3, 1, 3, 1, 3, 1, 3, 1], dtype: 'float32', seed: 2 } });
    expect(m.native).toBe(false);
    expectSame(m.ng, m.cpu, 0, 'Multiply rank 9');
  });
});

describe('nodegrad/tfjs activation overrides against tfjs-cpu', () => {
  // Bounds: sigmoid 2 and tanh 2 ulp (activations_body.inc's measured sweep),
  // elu 2 ulp; plus, for elu, 1e-15 absolute: tfjs's exp(x) − 1 in float64
  // has that much absolute error, which is many ulps of a result near 0.
  for (const [kernel, ulps, abs] of [['Relu', 0, 0], ['Sigmoid', 2, 0], ['Tanh', 2, 0], ['Elu', 2, 1e-15]] as const) {
    it(`${kernel} float32 matches cpu`, async () => {
      const r = await both(kernel, { x: { shape: [6, 37], dtype: 'float32', seed: 11 } });
      expect(r.native).toBe(true);
      const g = r.ng.dataSync();
      const w = r.cpu.dataSync();
      for (let i = 0; i < w.length; i++) {
        const ok = ulps === 0 ? sameValue(g[i]!, w[i]!) : ulpDistance(g[i]!, w[i]!) <= ulps || Math.abs(g[i]! - w[i]!) <= abs;
        if (!ok) expect.fail(`${kernel} [${i}]: nodegrad ${g[i]}, cpu ${w[i]}`);
      }
    });
  }
  it('Elu near 0: within 1e-15 of tfjs where its exp(x) − 1 loses digits', async () => {
    await tf.setBackend(BACKEND_NAME);
    const x = new Float32Array(64).map((_, i) => -(2 ** -(i % 40)) * 1.5);
    const ng = tf.elu(tf.tensor1d(x)).dataSync();
    await tf.setBackend('cpu');
    const cpu = tf.elu(tf.tensor1d(x)).dataSync();
    await tf.setBackend(BACKEND_NAME);
    for (let i = 0; i < x.length; i++) expect(Math.abs(ng[i]! - cpu[i]!) <= 1e-15 || ulpDistance(ng[i]!, cpu[i]!) <= 2, `elu(${x[i]})`).toBe(true);
  });
});

describe('nodegrad/tfjs Pow', () => {
  it('a scalar exponent of 2 runs natively (x·x, bitwise tfjs-cpu); 3 and a tensor exponent go to cpu', async () => {
    for (const [exp, native] of [[2, true], [3, false]] as const) {
      const out: tf.Tensor[] = [];
      let took = false;
      for (const name of [BACKEND_NAME, 'cpu']) {
        await tf.setBackend(name);
        const a = tf.tensor(data(6 * 37, 1, 'float32'), [6, 37]);
        const b = tf.scalar(exp);
        if (name === BACKEND_NAME) {
          const k = NATIVE_KERNELS.find((n) => n.kernelName === 'Pow')!;
          const r = k.run({ inputs: { a, b }, attrs: {}, backend: tf.backend() as NodegradBackend }, () => null as never);
          took = r !== null;
          if (r && !Array.isArray(r)) (tf.backend() as NodegradBackend).disposeData(r.dataId);
        }
        const y = tf.pow(a, b);
        out.push(tf.tensor(await y.data(), y.shape));
        tf.dispose([a, b, y]);
      }
      await tf.setBackend(BACKEND_NAME);
      expect(took, `exponent ${exp}`).toBe(native);
      expectSame(out[0]!, out[1]!, 0, `Pow ${exp}`);
    }
  });
});
