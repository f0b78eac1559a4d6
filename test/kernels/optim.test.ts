// Optimizer step kernels on every backend (and, via scripts/test.mjs, every
// SIMD path): hand-worked values, sizes around the vector widths against an
// independent float64 oracle, native against the reference over 1000 steps,
// aliasing and the error table.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random.js';
import type { Kernels } from '../../lib/backend/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { firstMismatch, oracleStep, type Hyper, type Kind } from '../helpers/optim-oracle.js';

const backends = backendsUnderTest();
const native = backends.find((b) => b.name === 'native');
const reference = backends.find((b) => b.name === 'reference')!;

interface State {
  p: Float32Array;
  g: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

function run(k: Kernels, kind: Kind, s: State, h: Hyper): void {
  const o = { ...h } as never;
  if (kind === 'sgd') k.sgdStep(s.p, s.g, o);
  else if (kind === 'momentum') k.momentumStep(s.p, s.g, s.m, o);
  else if (kind === 'adagrad') k.adagradStep(s.p, s.g, s.v, o);
  else if (kind === 'rmsprop') k.rmspropStep(s.p, s.g, s.v, o);
  else k.adamStep(s.p, s.g, s.m, s.v, o);
}

function state(n: number, seed: number, gradZero = false): State {
  const r = new Rng(seed);
  const s = { p: new Float32Array(n), g: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    s.p[i] = r.normal();
    s.g[i] = gradZero ? 0 : r.normal();
    s.m[i] = 0.1 * r.normal();
    s.v[i] = 0.01 * r.uniform();
  }
  return s;
}

const clone = (s: State): State => ({ p: s.p.slice(), g: s.g.slice(), m: s.m.slice(), v: s.v.slice() });

// |got − want| relative to the size of the terms: scalars (lr, β, ε) are
// rounded to float32 (relative error ≤ 2⁻²⁴ each), and the two steps store
// float32 values; a handful of roundings of 6e-8 each stays below 1e-6.
function close(got: number, want: number, magnitude = Math.abs(want)): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-6 * magnitude + 1e-12);
}

// The five formulas and the named variants, on θ₀ = 1, m₀ = v₀ = 0, with
// g₁ = 0.5 then g₂ = −0.25 (each case: [kind, hyper, θ₁, θ₂, state after 2]).
type Hand = [string, Kind, Hyper, number, number, { m?: number; v?: number }];
const hand: Hand[] = [
  // θ₁ = 1 − 0.1·0.5 = 0.95;  θ₂ = 0.95 − 0.1·(−0.25) = 0.975
  ['SGD', 'sgd', { lr: 0.1 }, 0.95, 0.975, {}],
  // m₁ = 0.9·0 + 0.1·0.5 = 0.05, θ₁ = 1 − 0.1·0.05 = 0.995;
  // m₂ = 0.9·0.05 + 0.1·(−0.25) = 0.045 − 0.025 = 0.02, θ₂ = 0.995 − 0.1·0.02 = 0.993
  ['Momentum (EMA, the note)', 'momentum', { lr: 0.1, beta: 0.9 }, 0.995, 0.993, { m: 0.02 }],
  // m₁ = 0.5, θ₁ = 1 − 0.05 = 0.95; m₂ = 0.45 − 0.25 = 0.2, θ₂ = 0.95 − 0.02 = 0.93
  ['Momentum classic', 'momentum', { lr: 0.1, variant: 'classic' }, 0.95, 0.93, { m: 0.2 }],
  // m₁ = 0.5, θ₁ = 1 − 0.1·(0.5 + 0.9·0.5) = 0.905;
  // m₂ = 0.2, θ₂ = 0.905 − 0.1·(−0.25 + 0.9·0.2) = 0.905 + 0.007 = 0.912
  ['Momentum nesterov', 'momentum', { lr: 0.1, variant: 'nesterov' }, 0.905, 0.912, { m: 0.2 }],
  // m₁ = −0.1·0.5 = −0.05, θ₁ = 1 − 0.05 = 0.95; m₂ = 0.9·(−0.05) + 0.025 = −0.02, θ₂ = 0.93
  ['Momentum keras', 'momentum', { lr: 0.1, variant: 'keras' }, 0.95, 0.93, { m: -0.02 }],
  // θ₁ = 1 + 0.9·(−0.05) − 0.05 = 0.905; θ₂ = 0.905 + 0.9·(−0.02) + 0.025 = 0.912
  ['Momentum keras-nesterov', 'momentum', { lr: 0.1, variant: 'keras-nesterov' }, 0.905, 0.912, { m: -0.02 }],
  // TF.js's arrangement of Nesterov, the same numbers as PyTorch's: m₁ = 0.5, θ₁ = 1 − 0.1·(0.5 + 0.9·0.5) = 0.905; m₂ = 0.2, θ₂ = 0.912
  ['Momentum tfjs-nesterov', 'momentum', { lr: 0.1, variant: 'tfjs-nesterov' }, 0.905, 0.912, { m: 0.2 }],
  // v₁ = 0.25, θ₁ = 1 − 0.1·0.5/√(0.25 + 1e-8) = 1 − 0.05/0.50000001 ≈ 0.900000002;
  // v₂ = 0.25 + 0.0625 = 0.3125, θ₂ = θ₁ + 0.025/√0.31250001 ≈ θ₁ + 0.0447213595
  ['AdaGrad', 'adagrad', { lr: 0.1 }, 1 - 0.05 / Math.sqrt(0.25 + 1e-8), 1 - 0.05 / Math.sqrt(0.25 + 1e-8) + 0.025 / Math.sqrt(0.3125 + 1e-8), { v: 0.3125 }],
  // ε outside: θ₁ = 1 − 0.05/(0.5 + 0.1) = 1 − 1/12 ≈ 0.916667; θ₂ = θ₁ + 0.025/(√0.3125 + 0.1) ≈ θ₁ + 0.0379795
  ['AdaGrad ε outside', 'adagrad', { lr: 0.1, eps: 0.1, epsPlacement: 'outside' }, 1 - 0.05 / 0.6, 1 - 0.05 / 0.6 + 0.025 / (Math.sqrt(0.3125) + 0.1), { v: 0.3125 }],
  // v₁ = 0.1·0.25 = 0.025, θ₁ = 1 − 0.05/√0.02500001 ≈ 1 − 0.316228 = 0.683772;
  // v₂ = 0.9·0.025 + 0.1·0.0625 = 0.0225 + 0.00625 = 0.02875, θ₂ = θ₁ + 0.025/√0.02875001 ≈ θ₁ + 0.147442
  ['RMSProp', 'rmsprop', { lr: 0.1, beta: 0.9 }, 1 - 0.05 / Math.sqrt(0.025 + 1e-8), 1 - 0.05 / Math.sqrt(0.025 + 1e-8) + 0.025 / Math.sqrt(0.02875 + 1e-8), { v: 0.02875 }],
];
// Adam with β₁ = 0.75, β₂ = 0.875 (exact in float32: 0.999 would round to
// 0.99900001, making 1−β₂ off by 1.3e-5 relative, which is the contract but
// obscures the arithmetic), lr 0.1:
// t = 1: m = 0.25·0.5 = 0.125, v = 0.125·0.25 = 0.03125, m̂ = 0.125/0.25 = 0.5,
//   v̂ = 0.03125/0.125 = 0.25, θ₁ = 1 − 0.1·0.5/(0.5 + 1e-8) ≈ 0.9.
// t = 2: m = 0.75·0.125 + 0.25·(−0.25) = 0.09375 − 0.0625 = 0.03125,
//   v = 0.875·0.03125 + 0.125·0.0625 = 0.02734375 + 0.0078125 = 0.03515625,
//   m̂ = 0.03125/(1 − 0.5625) = 0.0714286, v̂ = 0.03515625/(1 − 0.765625) = 0.15,
//   θ₂ = θ₁ − 0.1·0.0714286/(√0.15 + 1e-8) = θ₁ − 0.00714286/0.387298 ≈ θ₁ − 0.0184428.
const ab = { beta1: 0.75, beta2: 0.875 };
const adamT1 = 1 - (0.1 * 0.5) / (0.5 + 1e-8);
const adamT2 = adamT1 - (0.1 * (0.03125 / 0.4375)) / (Math.sqrt(0.03515625 / 0.234375) + 1e-8);
hand.push(['Adam', 'adam', { lr: 0.1, ...ab }, adamT1, adamT2, { m: 0.03125, v: 0.03515625 }]);
// Keras ε-hat with ε = 0.01, same β: alpha_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ);
// t = 1: alpha = 0.1·√0.125/0.25 = 0.141421, θ₁ = 1 − 0.125·alpha/(√0.03125 + 0.01)
//   = 1 − 0.0176777/0.186777 ≈ 0.905354;
// t = 2: alpha = 0.1·√0.234375/0.4375 = 0.110657,
//   θ₂ = θ₁ − 0.03125·alpha/(√0.03515625 + 0.01) = θ₁ − 0.00345803/0.197500 ≈ θ₁ − 0.0175090
const kT1 = 1 - (0.125 * ((0.1 * Math.sqrt(0.125)) / 0.25)) / (Math.sqrt(0.03125) + 0.01);
const kT2 = kT1 - (0.03125 * ((0.1 * Math.sqrt(0.234375)) / 0.4375)) / (Math.sqrt(0.03515625) + 0.01);
hand.push(['Adam ε-hat (Keras)', 'adam', { lr: 0.1, eps: 0.01, epsHat: true, ...ab }, kT1, kT2, { m: 0.03125, v: 0.03515625 }]);
// ε large enough to see where it goes. AdaGrad inside, ε = 0.1:
// θ₁ = 1 − 0.05/√(0.25 + 0.1) = 1 − 0.05/0.591608 ≈ 0.915485; θ₂ = θ₁ + 0.025/√(0.3125 + 0.1) = θ₁ + 0.025/0.642262 ≈ θ₁ + 0.0389249
hand.push(['AdaGrad ε inside, ε = 0.1', 'adagrad', { lr: 0.1, eps: 0.1 }, 1 - 0.05 / Math.sqrt(0.35), 1 - 0.05 / Math.sqrt(0.35) + 0.025 / Math.sqrt(0.4125), { v: 0.3125 }]);
// RMSProp outside, ε = 0.01: θ₁ = 1 − 0.05/(√0.025 + 0.01) = 1 − 0.05/0.168114 ≈ 0.702583;
// θ₂ = θ₁ + 0.025/(√0.02875 + 0.01) = θ₁ + 0.025/0.179558 ≈ θ₁ + 0.139231
const rT1 = 1 - 0.05 / (Math.sqrt(0.025) + 0.01);
hand.push(['RMSProp ε outside, ε = 0.01', 'rmsprop', { lr: 0.1, eps: 0.01, epsPlacement: 'outside' }, rT1, rT1 + 0.025 / (Math.sqrt(0.02875) + 0.01), { v: 0.02875 }]);
// Adam (the note's ε on √v̂), ε = 0.01, β as above: θ₁ = 1 − 0.1·0.5/(0.5 + 0.01) = 1 − 0.05/0.51 ≈ 0.901961;
// θ₂ = θ₁ − 0.1·0.0714286/(√0.15 + 0.01) = θ₁ − 0.00714286/0.397298 ≈ θ₁ − 0.0179786
const aT1 = 1 - 0.05 / 0.51;
hand.push(['Adam, ε = 0.01', 'adam', { lr: 0.1, eps: 0.01, ...ab }, aT1, aT1 - (0.1 * (0.03125 / 0.4375)) / (Math.sqrt(0.15) + 0.01), { m: 0.03125, v: 0.03515625 }]);
// SGD with L2 weightDecay 0.5: g₁ = 0.5 + 0.5·1 = 1, θ₁ = 1 − 0.1 = 0.9;
// g₂ = −0.25 + 0.5·0.9 = 0.2, θ₂ = 0.9 − 0.02 = 0.88
hand.push(['SGD + weightDecay', 'sgd', { lr: 0.1, weightDecay: 0.5 }, 0.9, 0.88, {}]);
// SGD with decoupled λ = 0.5 (decay = lr·λ = 0.05): θ₁ = 1 − 0.05·1 − 0.05 = 0.9;
// θ₂ = 0.9 − 0.05·0.9 + 0.025 = 0.88
hand.push(['SGD + decoupledWeightDecay', 'sgd', { lr: 0.1, decoupledWeightDecay: 0.5 }, 0.9, 0.88, {}]);
// gradScale 0.5 halves g: θ₁ = 1 − 0.1·0.25 = 0.975, θ₂ = 0.975 + 0.1·0.125 = 0.9875
hand.push(['SGD + gradScale', 'sgd', { lr: 0.1, gradScale: 0.5 }, 0.975, 0.9875, {}]);

for (const b of backends) {
  describe(`optimizer kernels, hand-worked two steps [${b.label}]`, () => {
    for (const [title, kind, h, t1, t2, st] of hand) {
      it(title, () => {
        const s: State = { p: new Float32Array([1, 1, 1]), g: new Float32Array(3).fill(0.5), m: new Float32Array(3), v: new Float32Array(3) };
        run(b.kernels, kind, s, { ...h, step: 1 });
        for (const x of s.p) close(x, t1, 1);
        s.g.fill(-0.25);
        run(b.kernels, kind, s, { ...h, step: 2 });
        for (let i = 0; i < 3; i++) {
          close(s.p[i]!, t2, 1);
          if (st.m !== undefined) close(s.m[i]!, st.m, 0.05);
          if (st.v !== undefined) close(s.v[i]!, st.v);
        }
      });
    }
  });
}

// Configurations covering every formula path and option.
const configs: [string, Kind, Hyper][] = [
  ['sgd', 'sgd', { lr: 0.05 }],
  ['momentum ema', 'momentum', { lr: 0.05 }],
  ['momentum classic', 'momentum', { lr: 0.05, variant: 'classic' }],
  ['momentum nesterov', 'momentum', { lr: 0.05, variant: 'nesterov' }],
  ['momentum keras-nesterov', 'momentum', { lr: 0.05, variant: 'keras-nesterov' }],
  ['momentum tfjs-nesterov', 'momentum', { lr: 0.05, variant: 'tfjs-nesterov' }],
  ['adagrad', 'adagrad', { lr: 0.05 }],
  ['adagrad ε outside', 'adagrad', { lr: 0.05, epsPlacement: 'outside', eps: 1e-10 }],
  ['rmsprop', 'rmsprop', { lr: 0.05, beta: 0.99 }],
  ['adam', 'adam', { lr: 0.05, step: 3 }],
  ['adam ε-hat', 'adam', { lr: 0.05, step: 7, epsHat: true, eps: 1e-7 }],
  ['adam + all extras', 'adam', { lr: 0.05, step: 2, weightDecay: 0.01, decoupledWeightDecay: 0.1, gradScale: 0.7 }],
  ['rmsprop + all extras', 'rmsprop', { lr: 0.05, weightDecay: 0.01, decoupledWeightDecay: 0.1, gradScale: 0.7 }],
];

// Native rounds after each of at most ~10 operations per value (gradient
// preprocessing 2–4, the EMA 3, sqrt/add/div/mul 4, the final subtraction 1),
// plus the float32 step scalars (alpha, k, decay: 1 each): K = 16 leaves a
// little headroom over that count; the reference rounds once (K = 1 would do).
const K = 16;

function checkAgainstOracle(kind: Kind, h: Hyper, before: State, after: State): void {
  const n = before.p.length;
  const want = { p: new Float64Array(n), m: new Float64Array(n), v: new Float64Array(n) };
  const M = { p: new Float64Array(n), m: new Float64Array(n), v: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const o = oracleStep(kind, h, before.p[i]!, before.g[i]!, before.m[i]!, before.v[i]!);
    [want.p[i], want.m[i], want.v[i], M.p[i], M.m[i], M.v[i]] = [o.th, o.m, o.v, o.Mth, o.Mm, o.Mv];
  }
  expect(firstMismatch(after.p, want.p, M.p, K), 'param').toBe(-1);
  if (kind === 'momentum' || kind === 'adam') expect(firstMismatch(after.m, want.m, M.m, K), 'm').toBe(-1);
  if (kind !== 'sgd' && kind !== 'momentum') expect(firstMismatch(after.v, want.v, M.v, K), 'v').toBe(-1);
  expect(after.g).toEqual(before.g);
}

const sizes = [0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 97, 100_000];

for (const b of backends) {
  describe(`optimizer kernels vs float64 oracle, sizes around SIMD widths [${b.label}]`, () => {
    for (const [title, kind, h] of configs) {
      it(title, () => {
        for (const n of sizes) {
          const before = state(n, 1000 + n);
          const after = clone(before);
          run(b.kernels, kind, after, h);
          checkAgainstOracle(kind, h, before, after);
        }
      });
    }
  });

  describe(`sumOfSquares [${b.label}]`, () => {
    it('is exact for small integers and 0 for length 0', () => {
      for (const n of sizes) {
        const x = new Float32Array(n).map((_, i) => (i % 7) - 3);
        let want = 0;
        for (const e of x) want += e * e;
        expect(b.kernels.sumOfSquares(x)).toBe(want);
      }
    });
  });
}

// Native and reference from the same inputs at every step (resynchronised to
// native's state after each step, so per-step rounding differences cannot
// compound): each step must stay within K·2⁻²⁴·M of the float64 oracle, and
// native within 2K·2⁻²⁴·M of the reference (each is within K of the oracle).
// Arrays: a zero-size parameter, one whose gradient is always 0 (must stay
// bitwise unchanged: m = v = 0 gives an update of exactly 0), and two others.
describe.skipIf(!native)(`native vs reference over 1000 steps [${native?.label ?? 'no native'}]`, () => {
  for (const lr of [1e-3, 1, 10]) {
    for (const [title, kind, h0] of configs.filter(([, , h]) => !h.decoupledWeightDecay)) {
      it(`${title}, lr ${lr}`, () => {
        const h = { ...h0, lr };
        const params = [state(0, 1), state(37, 2, true), state(33, 3), state(64, 4)];
        for (const s of params) {
          s.m.fill(0);
          s.v.fill(0);
        }
        const zeroGradStart = params[1]!.p.slice();
        const rng = new Rng(77);
        for (let t = 1; t <= 1000; t++) {
          for (let j = 0; j < params.length; j++) {
            const s = params[j]!;
            if (j !== 1) for (let i = 0; i < s.g.length; i++) s.g[i] = rng.normal();
            const before = clone(s);
            const ref = clone(s);
            const hs = { ...h, step: t };
            run(native!.kernels, kind, s, hs);
            run(reference.kernels, kind, ref, hs);
            if (t % 50 === 1 || t > 990) {
              // The oracle check on every step costs more than the kernels; a
              // sample of steps plus the native-vs-reference check below suffices.
              checkAgainstOracle(kind, hs, before, s);
            }
            for (const key of ['p', 'm', 'v'] as const) {
              const M = new Float64Array(s.p.length);
              for (let i = 0; i < M.length; i++) {
                const o = oracleStep(kind, hs, before.p[i]!, before.g[i]!, before.m[i]!, before.v[i]!);
                M[i] = key === 'p' ? o.Mth : key === 'm' ? o.Mm : o.Mv;
              }
              const bad = firstMismatch(s[key], ref[key], M, 2 * K);
              if (bad !== -1) throw new Error(`step ${t}, array ${j}, ${key}[${bad}]: native ${s[key][bad]} vs reference ${ref[key][bad]}`);
            }
          }
        }
        expect(params[1]!.p).toEqual(zeroGradStart);
        expect(params[0]!.p.length).toBe(0);
      });
    }
  }
});

// ---- errors: class, message, and nothing touched ----
for (const b of backends) {
  describe(`optimizer kernels reject bad input [${b.label}]`, () => {
    const k = b.kernels;
    const p = new Float32Array([1, 2, 3]);
    const g = new Float32Array([0.5, 0.5, 0.5]);
    const m = new Float32Array(3);
    const v = new Float32Array(3);
    const table: [string, () => void, ErrorConstructor, string][] = [
      ['lr < 0', () => k.sgdStep(p, g, { lr: -1 }), RangeError, 'sgdStep: lr must be a finite number >= 0, got -1'],
      ['lr NaN', () => k.adamStep(p, g, m, v, { lr: NaN, step: 1 }), RangeError, 'adamStep: lr must be a finite number >= 0, got NaN'],
      ['lr Infinity', () => k.momentumStep(p, g, m, { lr: Infinity }), RangeError, 'momentumStep: lr must be a finite number >= 0, got Infinity'],
      ['lr missing', () => k.sgdStep(p, g, {} as never), TypeError, 'sgdStep: lr must be a finite number >= 0, got undefined'],
      ['beta 1', () => k.momentumStep(p, g, m, { lr: 0.1, beta: 1 }), RangeError, 'momentumStep: beta must be a number in [0, 1), got 1'],
      ['beta rounds to 1', () => k.rmspropStep(p, g, v, { lr: 0.1, beta: 0.99999999 }), RangeError, 'rmspropStep: beta must be a number in [0, 1), got 0.99999999'],
      ['beta < 0', () => k.rmspropStep(p, g, v, { lr: 0.1, beta: -0.1 }), RangeError, 'rmspropStep: beta must be a number in [0, 1), got -0.1'],
      ['beta1 NaN', () => k.adamStep(p, g, m, v, { lr: 0.1, beta1: NaN, step: 1 }), RangeError, 'adamStep: beta1 must be a number in [0, 1), got NaN'],
      ['beta2 1', () => k.adamStep(p, g, m, v, { lr: 0.1, beta2: 1, step: 1 }), RangeError, 'adamStep: beta2 must be a number in [0, 1), got 1'],
      ['eps 0', () => k.adagradStep(p, g, v, { lr: 0.1, eps: 0 }), RangeError, 'adagradStep: eps must be a finite number > 0, got 0'],
      ['eps underflows float32', () => k.adagradStep(p, g, v, { lr: 0.1, eps: 1e-50 }), RangeError, 'adagradStep: eps must be a finite number > 0, got 1e-50'],
      ['eps < 0', () => k.adamStep(p, g, m, v, { lr: 0.1, eps: -1, step: 1 }), RangeError, 'adamStep: eps must be a finite number > 0, got -1'],
      ['step 0', () => k.adamStep(p, g, m, v, { lr: 0.1, step: 0 }), RangeError, 'adamStep: step must be an integer >= 1, got 0'],
      ['step 1.5', () => k.adamStep(p, g, m, v, { lr: 0.1, step: 1.5 }), RangeError, 'adamStep: step must be an integer >= 1, got 1.5'],
      ['step NaN', () => k.adamStep(p, g, m, v, { lr: 0.1, step: NaN }), RangeError, 'adamStep: step must be an integer >= 1, got NaN'],
      ['weightDecay < 0', () => k.sgdStep(p, g, { lr: 0.1, weightDecay: -0.1 }), RangeError, 'sgdStep: weightDecay must be a finite number >= 0, got -0.1'],
      ['decoupledWeightDecay NaN', () => k.sgdStep(p, g, { lr: 0.1, decoupledWeightDecay: NaN }), RangeError, 'sgdStep: decoupledWeightDecay must be a finite number >= 0, got NaN'],
      ['variant unknown', () => k.momentumStep(p, g, m, { lr: 0.1, variant: 'heavy' as never }), TypeError, "momentumStep: variant must be 'ema' | 'classic' | 'nesterov' | 'keras' | 'keras-nesterov' | 'tfjs-nesterov', got string \"heavy\""],
      ['grad length', () => k.sgdStep(p, new Float32Array(2), { lr: 0.1 }), RangeError, 'sgdStep: grad must be of length 3, got length 2'],
      ['v length', () => k.adamStep(p, g, m, new Float32Array(4), { lr: 0.1, step: 1 }), RangeError, 'adamStep: v must be of length 3, got length 4'],
      ['grad not Float32Array', () => k.sgdStep(p, [1, 2, 3] as never, { lr: 0.1 }), TypeError, 'sgdStep: grad must be a Float32Array, got Array(3)'],
      ['param is grad', () => k.sgdStep(p, p, { lr: 0.1 }), RangeError, 'sgdStep: param must be memory separate from grad, got the same memory as grad'],
      ['m is v', () => k.adamStep(p, g, m, m, { lr: 0.1, step: 1 }), RangeError, 'adamStep: m must be memory separate from v, got the same memory as v'],
      ['options missing', () => k.sgdStep(p, g, undefined as never), TypeError, 'sgdStep: options must be an object, got undefined'],
    ];
    for (const [title, call, cls, message] of table) {
      it(title, () => {
        const snapshot = [p, g, m, v].map((a) => a.slice());
        expect(call).toThrow(cls);
        expect(call).toThrow(message);
        [p, g, m, v].forEach((a, i) => expect(a).toEqual(snapshot[i]));
      });
    }
    it('partial overlap of state and param in one buffer', () => {
      const arena = new Float32Array(8);
      const pp = arena.subarray(0, 4);
      const mm = arena.subarray(2, 6);
      const before = arena.slice();
      expect(() => k.momentumStep(pp, new Float32Array(4), mm, { lr: 0.1 })).toThrow(
        'momentumStep: param must be memory separate from m, got memory overlapping m',
      );
      expect(arena).toEqual(before);
    });
    it('adjacent, non-overlapping views of one buffer are accepted', () => {
      const arena = new Float32Array(8).fill(1);
      k.sgdStep(arena.subarray(0, 4), arena.subarray(4, 8), { lr: 0.5 });
      expect([...arena]).toEqual([0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1]);
    });
  });
}
