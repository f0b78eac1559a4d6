// rmspropStep with a momentumBuffer (and meanGrad: centered), TF.js's
// RMSProp (issue 12.4). Hand-computed steps on both backends, native against
// the reference on random data, and bad input refused before anything is
// written. That it reproduces tf.train.rmsprop bit for bit is
// test/tfjs/optimizers.test.ts.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random.js';
import { backend } from '../../lib/backend/index.js';
import { backendsUnderTest } from '../helpers/backends.js';

const U = 2 ** -24;

for (const b of backendsUnderTest()) {
  const k = b.kernels;
  describe(`rmspropStep with momentumBuffer [${b.label}]`, () => {
    // Two steps, θ₀ = 1, g = 0.5 then −0.25, lr 0.1, β 0.9, momentum 0.5, ε 1e-8.
    // Each stored value is float32, within a few roundings of the float64
    // value below: 8 ulp of the value's magnitude covers them.
    const close = (got: number, want: number): void => {
      expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(8 * U * Math.max(1, Math.abs(want)));
    };
    const opts = { lr: 0.1, beta: 0.9, momentum: 0.5, eps: 1e-8 };

    it('plain: v ← βv + (1−β)g², mom ← μ·mom + g·lr/√(v + ε), θ ← θ − mom', () => {
      const [p, v, mom] = [new Float32Array([1]), new Float32Array(1), new Float32Array(1)];
      k.rmspropStep(p, new Float32Array([0.5]), v, { ...opts, momentumBuffer: mom });
      // v₁ = 0.1·0.25 = 0.025; mom₁ = 0.05/√0.02500001 ≈ 0.3162277; θ₁ = 1 − mom₁
      const mom1 = 0.05 / Math.sqrt(0.025 + 1e-8);
      close(v[0]!, 0.025);
      close(mom[0]!, mom1);
      close(p[0]!, 1 - mom1);
      k.rmspropStep(p, new Float32Array([-0.25]), v, { ...opts, momentumBuffer: mom });
      // v₂ = 0.0225 + 0.00625 = 0.02875; mom₂ = 0.5·mom₁ − 0.025/√0.02875001
      const mom2 = 0.5 * mom1 - 0.025 / Math.sqrt(0.02875 + 1e-8);
      close(v[0]!, 0.02875);
      close(mom[0]!, mom2);
      close(p[0]!, 1 - mom1 - mom2);
    });

    it("centered: mg ← βmg + (1−β)g, denominator √(v − (mg² + ε)) (TF.js's ε sign)", () => {
      const [p, v, mom, mg] = [new Float32Array([1]), new Float32Array(1), new Float32Array(1), new Float32Array(1)];
      const eps = 1e-3; // large enough that its sign shows: √(0.0225 − ε) vs √(0.0225 + ε) differ by 4%
      k.rmspropStep(p, new Float32Array([0.5]), v, { ...opts, eps, momentumBuffer: mom, meanGrad: mg });
      // mg₁ = 0.05; v₁ = 0.025; den₁ = √(0.025 − 0.0025 − 0.001) = √0.0215
      const mom1 = 0.05 / Math.sqrt(0.0215);
      close(mg[0]!, 0.05);
      close(mom[0]!, mom1);
      close(p[0]!, 1 - mom1);
      k.rmspropStep(p, new Float32Array([-0.25]), v, { ...opts, eps, momentumBuffer: mom, meanGrad: mg });
      // mg₂ = 0.045 − 0.025 = 0.02; v₂ = 0.02875; den₂ = √(0.02875 − 0.0004 − 0.001) = √0.02735
      const mom2 = 0.5 * mom1 - 0.025 / Math.sqrt(0.02735);
      close(mg[0]!, 0.02);
      close(v[0]!, 0.02875);
      close(mom[0]!, mom2);
      close(p[0]!, 1 - mom1 - mom2);
    });

    it('momentum 0 with a buffer is still TF.js arrangement: mom ← g·lr/√(v + ε)', () => {
      const [p, v, mom] = [new Float32Array([2]), new Float32Array([0.04]), new Float32Array([7])];
      k.rmspropStep(p, new Float32Array([0.3]), v, { lr: 0.5, beta: 0.5, momentum: 0, eps: 1e-8, momentumBuffer: mom });
      // v₁ = 0.02 + 0.045 = 0.065; mom₁ = 0·7 + 0.15/√0.06500001
      const mom1 = 0.15 / Math.sqrt(0.065 + 1e-8);
      close(v[0]!, 0.065);
      close(mom[0]!, mom1);
      close(p[0]!, 2 - mom1);
    });

    describe('bad input: the documented error, nothing written', () => {
      const p = new Float32Array([1, 2, 3]);
      const g = new Float32Array([0.1, -0.2, 0.3]);
      const v = new Float32Array([0.5, 0.5, 0.5]);
      const mom = new Float32Array([0.1, 0.1, 0.1]);
      const mg = new Float32Array([0.01, 0.01, 0.01]);
      const table: [string, () => void, ErrorConstructor, string][] = [
        ['momentumBuffer length', () => k.rmspropStep(p, g, v, { lr: 0.1, momentumBuffer: new Float32Array(2) }), RangeError, 'rmspropStep: momentumBuffer must be of length 3, got length 2'],
        ['meanGrad length', () => k.rmspropStep(p, g, v, { lr: 0.1, momentumBuffer: mom, meanGrad: new Float32Array(4) }), RangeError, 'rmspropStep: meanGrad must be of length 3, got length 4'],
        ['momentumBuffer not Float32Array', () => k.rmspropStep(p, g, v, { lr: 0.1, momentumBuffer: [0, 0, 0] as never }), TypeError, 'rmspropStep: momentumBuffer must be a Float32Array, got Array(3)'],
        ['momentumBuffer is v', () => k.rmspropStep(p, g, v, { lr: 0.1, momentumBuffer: v }), RangeError, 'rmspropStep: v must be memory separate from momentumBuffer, got the same memory as momentumBuffer'],
        ['meanGrad is param', () => k.rmspropStep(p, g, v, { lr: 0.1, momentumBuffer: mom, meanGrad: p }), RangeError, 'rmspropStep: param must be memory separate from meanGrad, got the same memory as meanGrad'],
        ['momentum without buffer', () => k.rmspropStep(p, g, v, { lr: 0.1, momentum: 0.9 }), RangeError, 'rmspropStep: momentum must be 0 without momentumBuffer, got 0.9'],
        ['meanGrad without buffer', () => k.rmspropStep(p, g, v, { lr: 0.1, meanGrad: mg }), RangeError, 'rmspropStep: meanGrad must be given only with momentumBuffer'],
        ['momentum 1', () => k.rmspropStep(p, g, v, { lr: 0.1, momentum: 1, momentumBuffer: mom }), RangeError, 'rmspropStep: momentum must be a number in [0, 1), got 1'],
        ['momentum a string', () => k.rmspropStep(p, g, v, { lr: 0.1, momentum: '0.9' as never, momentumBuffer: mom }), TypeError, 'rmspropStep: momentum must be a number in [0, 1), got string "0.9"'],
        ['epsPlacement outside', () => k.rmspropStep(p, g, v, { lr: 0.1, momentumBuffer: mom, epsPlacement: 'outside' }), RangeError, "rmspropStep: epsPlacement must be 'inside' with momentumBuffer"],
        ['nonFinite refuse', () => k.rmspropStep(p, g, v, { lr: 0.1, momentumBuffer: mom, nonFinite: 'refuse' }), RangeError, "rmspropStep: nonFinite must be 'apply' with momentumBuffer"],
      ];
      for (const [title, call, cls, message] of table) {
        it(title, () => {
          const snapshot = [p, g, v, mom, mg].map((a) => a.slice());
          expect(call).toThrow(cls);
          expect(call).toThrow(message);
          [p, g, v, mom, mg].forEach((a, i) => expect(a).toEqual(snapshot[i]));
        });
      }
    });
  });
}

describe('rmspropStep with momentumBuffer: native against the reference', () => {
  const native = backendsUnderTest().find((b) => b.name === 'native');
  const ref = backend('reference');
  const N = 1003; // a tail on every vector width
  for (const centered of [false, true]) {
    it.skipIf(!native)(`${centered ? 'centered' : 'plain'}: 20 steps, every value within the bound`, () => {
      const rng = new Rng(centered ? 31 : 30);
      const init = () => Float32Array.from({ length: N }, () => rng.normal());
      const p0 = init();
      // v starts large against mg² (v ≥ 1, |mg| ≤ 0.1), so the centered
      // denominator v − mg² − ε never cancels more than a factor 2.
      const v0 = Float32Array.from({ length: N }, () => 1 + Math.abs(rng.normal()));
      const mom0 = init().map((x) => 0.01 * x);
      const mg0 = init().map((x) => 0.01 * x);
      const sides = [native!.kernels, ref].map((kern) => ({ kern, p: p0.slice(), v: v0.slice(), mom: mom0.slice(), mg: mg0.slice() }));
      for (let t = 0; t < 20; t++) {
        const g = Float32Array.from({ length: N }, () => 0.1 * rng.normal());
        for (const s of sides) s.kern.rmspropStep(s.p, g, s.v, { lr: 0.01, beta: 0.9, momentum: 0.9, eps: 1e-7, momentumBuffer: s.mom, meanGrad: centered ? s.mg : undefined });
        const [a, r] = sides as [(typeof sides)[0], (typeof sides)[0]];
        // Native rounds after each of ~12 operations per value (the EMAs 3
        // each, the centered square/add/sub, sqrt, mul, div, the momentum
        // EMA, the final subtraction), the reference once; each step's error
        // carries into the next through the state, so after t steps the gap
        // is at most ~ (t + 1)·16 roundings of the terms' magnitude
        // (|θ| + |mom|, v, |mom|, |mg| + |g|).
        const bound = (t + 1) * 16 * U;
        const bad: string[] = [];
        const check = (what: string, i: number, x: number, y: number, scale: number) => {
          if (!(Math.abs(x - y) <= bound * scale)) bad.push(`${what}[${i}] step ${t}: ${x} vs ${y}`);
        };
        for (let i = 0; i < N; i++) {
          check('θ', i, a.p[i]!, r.p[i]!, Math.abs(r.p[i]!) + Math.abs(r.mom[i]!) + 0.01);
          check('v', i, a.v[i]!, r.v[i]!, r.v[i]!);
          check('mom', i, a.mom[i]!, r.mom[i]!, Math.abs(r.mom[i]!) + 0.01);
          if (centered) check('mg', i, a.mg[i]!, r.mg[i]!, Math.abs(r.mg[i]!) + 0.1);
        }
        expect(bad.slice(0, 5)).toEqual([]);
      }
    });
  }
});
