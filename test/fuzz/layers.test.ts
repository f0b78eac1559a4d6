// Property-based fuzzing of every public layer through its entry point, a
// one-layer Sequential, on every backend. The layer list comes from the
// package's exports (every exported subclass of Layer), so a layer without a
// spec fails here.
//
// Valid calls: parameters, inputs and output gradients are dyadic (k/8,
// |k| ≤ 64), so every product and sum in a GEMM is exact in float32 whatever
// the summation order; ReLU-family layers and Dense without an exp-based
// activation must then match the reference bit for bit. Exp-based ones
// (ELU, sigmoid, tanh, fused or not) match within 4 ulp, or an absolute
// bound where a derivative is taken from a forward output that itself
// differs by up to 4 ulp: |Δ| ≤ R·64·(2⁻²⁰ + (R+2)·2⁻²⁴) for a reduction of
// length R over terms below 64 in magnitude (|σ'| and |tanh'| change by at
// most 4·2⁻²⁴·2 per ulp-perturbed output, and each sum rounds R times).
// Invalid calls (not a Tensor, wrong shape, a detached buffer, backward
// before forward or with the wrong batch) must throw the documented error and
// leave parameters, gradients and later results untouched.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as lib from '../../lib/index.js';
import { BatchNorm1d, Concat, Dense, Dropout, ELU, Embedding, GELU, Layer, LayerNorm, LeakyReLU, PReLU, ReLU, Sequential, SiLU, Sigmoid, Standardize, Tanh, Tensor } from '../../lib/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { reportCount } from './budget.js';
import { ulpDistance } from './tolerance.js';

const CASES = Number(process.env.NODEGRAD_FUZZ_LAYER_CASES ?? 6_000);
let cases = 0;
afterAll(() => reportCount('layers', cases));

interface Made {
  layer: Layer;
  /** exact arithmetic: bitwise equal to the reference */
  exact: boolean;
  /** Maps the drawn input ([rows, inF]) to values the layer takes (Embedding indices). */
  fixInput?: (x: Float32Array, inF: number) => void;
}

/** Drawn dyadic values to indices in [0, n) at every `stride`-th element from `at`. */
const toIndices = (n: number, stride: (inF: number) => number, at = 0) => (x: Float32Array, inF: number) => {
  for (let i = at; i < x.length; i += stride(inF)) x[i] = Math.abs(Math.round(x[i]! * 8)) % n;
};

const DENSE_ACTS = [null, 'relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh', 'gelu', 'silu'] as const;

const layerSpecs: Record<string, (inF: number, v: number) => Made> = {
  Dense: (inF, v) => {
    const activation = DENSE_ACTS[v % DENSE_ACTS.length]!;
    return {
      // A dyadic α keeps leakyRelu's derivative, and so the GEMMs after it, exact.
      layer: new Dense(inF, 1 + ((v >> 3) % 17), { activation, bias: (v >> 2) % 2 === 0, ...(activation === 'leakyRelu' ? { alpha: 0.25 } : {}) }),
      exact: activation === null || activation === 'relu' || activation === 'leakyRelu',
    };
  },
  ReLU: () => ({ layer: new ReLU(), exact: true }),
  LeakyReLU: (_inF, v) => ({ layer: new LeakyReLU(v % 2 ? 0.25 : undefined), exact: true }),
  PReLU: (_inF, v) => ({ layer: new PReLU({ perFeature: v % 2 === 0 }), exact: true }),
  ELU: (_inF, v) => ({ layer: new ELU(v % 2 ? 0.5 : undefined), exact: false }),
  Sigmoid: () => ({ layer: new Sigmoid(), exact: false }),
  Tanh: () => ({ layer: new Tanh(), exact: false }),
  GELU: (_inF, v) => ({ layer: new GELU(v % 2 ? { approximate: 'tanh' } : {}), exact: false }),
  SiLU: () => ({ layer: new SiLU(), exact: false }),
  // The same TypeScript on every backend: bitwise equal. Power-of-two deviations keep (x − mean)/std exact.
  Standardize: (inF, v) => ({
    layer: new Standardize({ mean: Array.from({ length: inF }, (_, j) => ((v + j) % 9) / 4 - 1), std: Array.from({ length: inF }, (_, j) => 2 ** (((v >> 2) + j) % 5 - 2)) }),
    exact: true,
  }),
  // These run the same TypeScript arithmetic on every backend: bit for bit.
  Dropout: (_inF, v) => ({ layer: new Dropout([0, 0.25, 0.5][v % 3]), exact: true }),
  LayerNorm: (inF, v) => ({ layer: new LayerNorm(inF, { elementwiseAffine: v % 2 === 0 }), exact: true }),
  BatchNorm1d: (inF, v) => ({ layer: new BatchNorm1d(inF, { affine: v % 2 === 0, trackRunningStats: (v >> 1) % 2 === 0 }), exact: true }),
  // A lookup and a scatter-add of dyadic values in row order, in TypeScript on every backend: bit for bit.
  Embedding: (_inF, v) => ({ layer: new Embedding(1 + (v % 9), 1 + ((v >> 4) % 4)), exact: true, fixInput: toIndices(1 + (v % 9), () => 1) }),
  Concat: (inF, v) => ({
    layer: new Concat([{ columns: [0], layer: new Embedding(1 + (v % 5), 1 + ((v >> 3) % 3)) }, { columns: Array.from({ length: inF }, (_, j) => inF - 1 - j) }]),
    exact: true,
    fixInput: toIndices(1 + (v % 5), (inF) => inF),
  }),
};

const exportedLayers = Object.entries(lib)
  .filter(([, v]) => typeof v === 'function' && v.prototype instanceof Layer)
  .map(([k]) => k)
  .sort();

const dyadic = fc.integer({ min: -64, max: 64 }).map((k) => k / 8);
const batchSize = fc.constantFrom(0, 1, 2, 3, 7, 8, 9, 16, 17);
const features = fc.constantFrom(1, 2, 3, 7, 8, 9, 16, 17);

function fill(arr: Float32Array, values: number[]): void {
  for (let i = 0; i < arr.length; i++) arr[i] = values[i % values.length]!;
}

function model(spec: (inF: number, v: number) => Made, inF: number, v: number, backend: lib.BackendName, params: number[]): { m: Sequential; exact: boolean; fix: (x: Float32Array) => void } {
  const made = spec(inF, v);
  const m = new Sequential([made.layer], { backend, inputFeatures: inF, seed: 1 });
  fill(m.values, params);
  return { m, exact: made.exact, fix: (x) => made.fixInput?.(x, inF) };
}

function compare(e: Float32Array, a: Float32Array, exact: boolean, reduction: number): string | undefined {
  if (e.length !== a.length) return `length ${a.length}, expected ${e.length}`;
  const abs = reduction * 64 * (2 ** -20 + (reduction + 2) * 2 ** -24);
  for (let i = 0; i < e.length; i++) {
    const ev = e[i]!;
    const av = a[i]!;
    if (Number.isNaN(ev) && Number.isNaN(av)) continue;
    if (exact ? Object.is(ev, av) : ulpDistance(ev, av) <= 4 || Math.abs(ev - av) <= abs) continue;
    return `element ${i}: expected ${ev}, got ${av}`;
  }
  return undefined;
}

const snapshot = (m: Sequential) => [m.values.slice(), m.grads.slice()];
const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i]!)));

function detachedTensor(shape: number[]): Tensor {
  const t = Tensor.zeros(shape);
  structuredClone(t.data.buffer, { transfer: [t.data.buffer as ArrayBuffer] });
  return t;
}

const covered = exportedLayers.filter((n) => layerSpecs[n]);
const backends = backendsUnderTest();
const runs = Math.ceil(CASES / Math.max(1, covered.length * backends.length * 2));

describe('layer fuzz coverage', () => {
  it('every exported layer class has a fuzz spec', () => {
    expect(exportedLayers.length).toBeGreaterThan(0);
    expect(exportedLayers.filter((n) => !layerSpecs[n])).toEqual([]);
  });
});

for (const name of covered) {
  const spec = layerSpecs[name]!;
  describe(`fuzz layer ${name}`, () => {
    for (const b of backends) {
      it(`${name} [${b.label}]: forward and backward match the reference`, () => {
        fc.assert(
          fc.property(features, batchSize, fc.nat(), fc.array(dyadic, { minLength: 1, maxLength: 64 }), fc.array(dyadic, { minLength: 1, maxLength: 64 }), (inF, batch, v, params, data) => {
            cases++;
            const ref = model(spec, inF, v, 'reference', params);
            const got = model(spec, inF, v, b.name, params);
            const x = Tensor.zeros([batch, inF]);
            fill(x.data, data);
            ref.fix(x.data);
            let refErr: unknown;
            let yRef: Float32Array | undefined;
            try {
              yRef = ref.m.forward(x).data.slice();
            } catch (e) {
              refErr = e;
            }
            if (refErr) {
              const before = snapshot(got.m);
              expect(() => got.m.forward(x)).toThrow((refErr as Error).message);
              expect(snapshot(got.m)).toEqual(before);
              return;
            }
            const y = got.m.forward(x).data.slice();
            const out = ref.m.outputFeatures;
            let bad = compare(yRef!, y, got.exact, inF + 1);
            if (bad) throw new Error(`forward: ${bad}`);
            const dy = Tensor.zeros([batch, out]);
            fill(dy.data, data.slice().reverse());
            const dxRef = ref.m.backward(dy).data.slice();
            const dx = got.m.backward(dy).data.slice();
            bad = compare(dxRef, dx, got.exact, out + 1) ?? compare(ref.m.grads, got.m.grads, got.exact, batch + 1);
            if (bad) throw new Error(`backward: ${bad}`);
          }),
          { numRuns: runs },
        );
      });

      it(`${name} [${b.label}]: bad inputs throw the documented error and change no state`, () => {
        const bads: Array<{ label: string; call: (m: Sequential, inF: number, out: number) => unknown; cls: typeof TypeError; re: RegExp; forwardFirst: boolean }> = [
          { label: 'x not a Tensor', call: (m, inF) => m.forward(new Float32Array(inF) as unknown as Tensor), cls: TypeError, re: /^Sequential\.forward: x/, forwardFirst: false },
          { label: 'x of rank 1', call: (m, inF) => m.forward(Tensor.zeros([inF])), cls: RangeError, re: /^Sequential\.forward: x/, forwardFirst: false },
          { label: 'x with the wrong features', call: (m, inF) => m.forward(Tensor.zeros([2, inF + 1])), cls: RangeError, re: /^Sequential\.forward: x/, forwardFirst: false },
          { label: 'x detached', call: (m, inF) => m.forward(detachedTensor([2, inF])), cls: TypeError, re: /^Sequential\.forward: x/, forwardFirst: false },
          { label: 'backward before forward', call: (m, _inF, out) => m.backward(Tensor.zeros([2, out])), cls: RangeError, re: /^Sequential\.backward: dLoss/, forwardFirst: false },
          { label: 'dLoss not a Tensor', call: (m, _inF, out) => m.backward(new Float32Array(2 * out) as unknown as Tensor), cls: TypeError, re: /^Sequential\.backward: dLoss/, forwardFirst: true },
          { label: 'dLoss with the wrong batch', call: (m, _inF, out) => m.backward(Tensor.zeros([3, out])), cls: RangeError, re: /^Sequential\.backward: dLoss/, forwardFirst: true },
          { label: 'dLoss detached', call: (m, _inF, out) => m.backward(detachedTensor([2, out])), cls: TypeError, re: /^Sequential\.backward: dLoss/, forwardFirst: true },
        ];
        fc.assert(
          fc.property(features, fc.nat(), fc.nat(), fc.array(dyadic, { minLength: 1, maxLength: 32 }), (inF, v, which, params) => {
            cases++;
            const bad = bads[which % bads.length]!;
            const { m, fix } = model(spec, inF, v, b.name, params);
            const twin = model(spec, inF, v, b.name, params).m;
            const x = Tensor.zeros([2, inF]);
            fill(x.data, params);
            fix(x.data);
            if (bad.forwardFirst) {
              m.forward(x);
              twin.forward(x);
            }
            const before = snapshot(m);
            let thrown: unknown;
            try {
              bad.call(m, inF, m.outputFeatures);
            } catch (e) {
              thrown = e;
            }
            if (!(thrown instanceof bad.cls) || !bad.re.test(thrown.message)) {
              throw new Error(`${bad.label}: expected ${bad.cls.name} matching ${bad.re}, got ${thrown instanceof Error ? `${thrown.constructor.name}: ${thrown.message}` : String(thrown)}`);
            }
            const after = snapshot(m);
            if (!sameBits(after[0]!, before[0]!) || !sameBits(after[1]!, before[1]!)) throw new Error(`${bad.label}: parameters or gradients changed`);
            // The model still computes what an untouched twin computes.
            const dy = Tensor.zeros([2, m.outputFeatures]);
            fill(dy.data, params);
            const y1 = m.forward(x).data.slice();
            const g1 = m.backward(dy).data.slice();
            const y2 = twin.forward(x).data.slice();
            const g2 = twin.backward(dy).data.slice();
            if (!sameBits(y1, y2) || !sameBits(g1, g2) || !sameBits(m.grads, twin.grads)) throw new Error(`${bad.label}: later results differ from an untouched model`);
          }),
          { numRuns: runs },
        );
      });
    }
  });
}

// The model-level losses' entry point, Loss.compute: a detached pred or
// target Tensor, or a non-Tensor, is refused with the documented error, and
// the Loss computes as a fresh one afterwards.
const LOSS_NAMES = ['mse', 'softmaxCrossEntropy', 'binaryCrossEntropy'] as const;
for (const name of LOSS_NAMES) {
  for (const b of backends) {
    it(`loss ${name} [${b.label}]: bad pred/target refused, the loss unchanged`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.nat(), fc.array(dyadic, { minLength: 1, maxLength: 16 }), (n, classes, which, vals) => {
          cases++;
          const l = lib.loss(name, { backend: b.name });
          const fresh = lib.loss(name, { backend: b.name });
          const pred = Tensor.zeros([n, classes]);
          fill(pred.data, vals);
          const target = Tensor.zeros([n, classes]);
          for (let r = 0; r < n; r++) target.data[r * classes + (r % classes)] = name === 'mse' ? vals[r % vals.length]! : 1;
          const bads: Array<[string, () => unknown, typeof TypeError, RegExp]> = [
            ['pred detached', () => l.compute(detachedTensor([n, classes]), target), TypeError, new RegExp(`^${name}: pred`)],
            ['target detached', () => l.compute(pred, detachedTensor([n, classes])), TypeError, new RegExp(`^${name}: target`)],
            ['pred not a Tensor', () => l.compute(pred.data as unknown as Tensor, target), TypeError, new RegExp(`^${name}: pred`)],
          ];
          const [label, call, cls, re] = bads[which % bads.length]!;
          let thrown: unknown;
          try {
            call();
          } catch (e) {
            thrown = e;
          }
          if (!(thrown instanceof cls) || !re.test(thrown.message)) throw new Error(`${label}: expected ${cls.name} matching ${re}, got ${String(thrown)}`);
          const v1 = l.compute(pred, target);
          const v2 = fresh.compute(pred, target);
          if (!Object.is(v1, v2) || !sameBits(l.grad.data, fresh.grad.data)) throw new Error(`${label}: the loss computes differently afterwards`);
        }),
        { numRuns: Math.ceil(runs / 4) },
      );
    });
  }
}
