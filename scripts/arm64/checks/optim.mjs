// Optimizer step kernels: one step over flat arrays for each convention
// (the note's defaults and the named variants), every length in SIZES, with
// weight decay and gradient scaling on and off. Native code rounds after
// every operation, the reference once per stored value: each output may
// differ by a few roundings of the magnitudes of the terms that make it up.
import { bounded } from './compare.mjs';
import { rng, seedOf, SIZES, uniform } from './inputs.mjs';

const { readBlock, scalarBlock } = await import(new URL('../../../dist/backend/optim-scalars.js', import.meta.url).href);

const U = 2 ** -24;
// The suite's bound (test/kernels/optim.test.ts): each backend is within
// K·u·M of the float64 formula, M the sum of the magnitudes of the terms a
// value is built from and K = 16 (about ten float32 roundings per value plus
// the float32 step scalars, with headroom); native vs reference: 2K.
const C = 32;

// Gradient preprocessing magnitudes: |scale·g| + |wd·θ|, and θ's own terms.
const gmag = (g0, th, scale, wd) => Math.abs(scale * g0) + Math.abs(wd * th);
const thmag = (th, decay) => Math.abs(th) + Math.abs(decay * th);

function stepCases(name, variants, make, out, ret) {
  const cases = [];
  for (const [vname, hp] of Object.entries(variants)) {
    for (const n of SIZES) {
      cases.push({
        label: `${vname} n=${n}`,
        args: () => make(rng(seedOf(`${name}/${vname}/${n}`)), n, hp),
        out,
        ret,
      });
    }
  }
  return cases;
}

// Parameters, gradients (with exact zeros), and state in its natural range.
const params = (r, n) => uniform(r, n, -1, 1);
function grads(r, n) {
  const g = uniform(r, n, -1, 1);
  for (let i = 2; i < n; i += 7) g[i] = 0;
  return g;
}
const moments = (r, n) => uniform(r, n, -0.1, 0.1);
const squares = (r, n) => uniform(r, n, 0, 0.01);

// [scale, wd, decay]
const PLAIN = [1, 0, 0];
const EXTRAS = [0.5, 0.01, 0.001];

const sgdVariants = {
  plain: { lr: 0.01, c: PLAIN },
  extras: { lr: 0.1, c: EXTRAS },
};
// Each variant is a scalar block (dist/backend/optim-scalars.js: the one
// layout both backends read), written as its named fields.
const momentumVariants = {
  // The note's EMA: c1 = 1−β, lr = lr.
  ema: { b1: 0.9, c1: 0.1, lr: 0.01, c: PLAIN },
  classic: { b1: 0.9, c1: 1, lr: 0.01, c: EXTRAS },
  nesterov: { b1: 0.9, c1: 1, lr: 0.009, q: 0.01, nesterov: 1, c: PLAIN },
  keras: { b1: 0.9, c1: -0.01, lr: -1, c: PLAIN },
};
const rmsVariants = {
  adagrad: { lr: 0.01, b2: 1, c2: 1, eps: 1e-8, c: PLAIN },
  'adagrad-outside': { lr: 0.01, b2: 1, c2: 1, eps: 1e-8, outside: 1, c: EXTRAS },
  rmsprop: { lr: 0.001, b2: 0.9, c2: 0.1, eps: 1e-8, c: EXTRAS },
  // The guard's check-then-write path, on finite data (it writes).
  'rmsprop-guarded': { lr: 0.001, b2: 0.9, c2: 0.1, eps: 1e-8, guard: 1, c: PLAIN },
};
const rmsMomentumVariants = {
  plain: { lr: 0.001, b1: 0.9, b2: 0.9, c2: 0.1, eps: 1e-7, c: PLAIN },
  centered: { lr: 0.001, b1: 0.5, b2: 0.9, c2: 0.1, eps: 1e-7, centered: true, c: PLAIN },
};
// Bias corrections for step t as the TS layer computes them (float64, then float32).
function adamHp(lr, t, epsHat, c) {
  const b1 = 0.9;
  const b2 = 0.999;
  const alpha = epsHat ? (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t) : lr / (1 - b1 ** t);
  const k = epsHat ? 1 : 1 / Math.sqrt(1 - b2 ** t);
  return { lr: alpha, k, b1, c1: 1 - b1, b2, c2: 1 - b2, eps: 1e-8, c };
}
const adamVariants = {
  't=1': adamHp(0.001, 1, false, PLAIN),
  't=10 extras': adamHp(0.01, 10, false, EXTRAS),
  't=3 eps-hat': adamHp(0.001, 3, true, PLAIN),
  // TF.js's arrangement with given bias corrections (t = 2), guarded.
  'tfjs t=2': { lr: 0.001, b1: 0.9, c1: 0.1, b2: 0.999, c2: 0.001, eps: 1e-7, bc1: 0.19, bc2: 0.001999, divide: 1, guard: 1, c: PLAIN },
};

function rmsMomentumCases(variants, extra) {
  return (
      stepCases(
        'rmsMomentumStep',
        variants,
        (r, n, hp) => {
          const v = hp.centered ? uniform(r, n, 0.02, 0.03) : squares(r, n);
          const { centered, ...fields } = hp;
          return [params(r, n), grads(r, n), v, moments(r, n), centered ? moments(r, n) : null, block(fields)];
        },
        {
          ...extra,
          2: (a) => {
            const [, g0, v] = a;
            const { b2, c2 } = S(a);
            return bounded(1, (i) => C * U * (Math.abs(b2 * v[i]) + Math.abs(c2) * g0[i] ** 2));
          },
          3: (a) => {
            const [, g0, v, mom] = a;
            const { b1, b2, c2, lr, eps } = S(a);
            return bounded(1, (i) => C * U * (Math.abs(b1 * mom[i]) + (Math.abs(lr * g0[i]) / Math.sqrt(Math.abs(b2 * v[i] + c2 * g0[i] ** 2 - (a[4] ? 0.01 : 0)) + eps)) * 4));
          },
          0: (a) => {
            const [th, g0, v, mom] = a;
            const { b1, b2, c2, lr, eps } = S(a);
            return bounded(1, (i) => C * U * (Math.abs(th[i]) + Math.abs(b1 * mom[i]) + (Math.abs(lr * g0[i]) / Math.sqrt(Math.abs(b2 * v[i] + c2 * g0[i] ** 2 - (a[4] ? 0.01 : 0)) + eps)) * 4));
          },
        },
        ret,
      )
  );
}

const block = (hp) => {
  const { c, ...fields } = hp;
  return scalarBlock({ ...fields, scale: c[0], wd: c[1], decay: c[2] });
};
const S = (args) => readBlock(args[args.length - 1]);
// Both backends return 0 (nothing refused) on these finite cases.
const ret = () => 0;

export const checks = {
  sgdStep: {
    params: ['param', 'grad', 'scalars'],
    cases: () =>
      stepCases('sgdStep', sgdVariants, (r, n, hp) => [params(r, n), grads(r, n), block(hp)], {
        0: (a) => {
          const [th, g0] = a;
          const { lr, scale, wd, decay } = S(a);
          return bounded(1, (i) => C * U * (thmag(th[i], decay) + Math.abs(lr) * gmag(g0[i], th[i], scale, wd)));
        },
      }, ret),
  },
  momentumStep: {
    params: ['param', 'grad', 'm', 'scalars'],
    cases: () =>
      stepCases(
        'momentumStep',
        momentumVariants,
        (r, n, hp) => [params(r, n), grads(r, n), moments(r, n), block(hp)],
        {
          2: (a) => {
            const [th, g0, m] = a;
            const { b1, c1, scale, wd } = S(a);
            return bounded(1, (i) => C * U * (Math.abs(b1 * m[i]) + Math.abs(c1) * gmag(g0[i], th[i], scale, wd)));
          },
          0: (a) => {
            const [th, g0, m] = a;
            const { b1, c1, lr, q, scale, wd, decay } = S(a);
            return bounded(1, (i) => {
              const g = gmag(g0[i], th[i], scale, wd);
              return C * U * (thmag(th[i], decay) + Math.abs(lr) * (Math.abs(b1 * m[i]) + Math.abs(c1) * g) + Math.abs(q) * g);
            });
          },
        },
        ret,
      ),
  },
  rmsStep: {
    params: ['param', 'grad', 'v', 'scalars'],
    cases: () =>
      stepCases(
        'rmsStep',
        rmsVariants,
        (r, n, hp) => [params(r, n), grads(r, n), squares(r, n), block(hp)],
        {
          2: (a) => {
            const [th, g0, v] = a;
            const { b2, c2, scale, wd } = S(a);
            return bounded(1, (i) => C * U * (Math.abs(b2 * v[i]) + Math.abs(c2) * gmag(g0[i], th[i], scale, wd) ** 2));
          },
          // g/den: den comes from a sum of non-negative terms (relative error), so
          // the quotient is good to a few ulp of |lr·g|/den.
          0: (a) => {
            const [th, g0, v] = a;
            const { lr, b2, c2, eps, outside, scale, wd, decay } = S(a);
            return bounded(1, (i) => {
              const g = gmag(g0[i], th[i], scale, wd);
              const v1 = b2 * v[i] + c2 * g * g;
              const den = outside ? Math.sqrt(v1) + eps : Math.sqrt(v1 + eps);
              return C * U * (thmag(th[i], decay) + (Math.abs(lr) * g) / den);
            });
          },
        },
        ret,
      ),
  },
  // TF.js's RMSProp (rmsMomentumStep): v' = b2·v + c2·g², den = √(v' + ε)
  // (centered: √(v' − (mg'² + ε))), mom' = b1·mom + g·lr/den, θ' = θ − mom'.
  // Centered cases keep v ≥ 0.02 > mg'² so den stays well away from 0.
  rmsMomentumStep: {
    params: ['param', 'grad', 'v', 'momentumBuffer', 'meanGrad', 'scalars'],
    cases: () => [
      ...rmsMomentumCases({ plain: rmsMomentumVariants.plain }, {}),
      // meanGrad is written too when centered: mg' = b2·mg + c2·g.
      ...rmsMomentumCases(
        { centered: rmsMomentumVariants.centered },
        {
          4: (a) => {
            const [, g0, , , mg] = a;
            const { b2, c2 } = S(a);
            return bounded(1, (i) => C * U * (Math.abs(b2 * mg[i]) + Math.abs(c2 * g0[i])));
          },
        },
      ),
    ],
  },
  adamStep: {
    params: ['param', 'grad', 'm', 'v', 'scalars'],
    cases: () =>
      stepCases(
        'adamStep',
        adamVariants,
        (r, n, hp) => [params(r, n), grads(r, n), moments(r, n), squares(r, n), block(hp)],
        {
          2: (a) => {
            const [th, g0, m] = a;
            const { b1, c1, scale, wd } = S(a);
            return bounded(1, (i) => C * U * (Math.abs(b1 * m[i]) + Math.abs(c1) * gmag(g0[i], th[i], scale, wd)));
          },
          3: (a) => {
            const [th, g0, , v] = a;
            const { b2, c2, scale, wd } = S(a);
            return bounded(1, (i) => C * U * (Math.abs(b2 * v[i]) + Math.abs(c2) * gmag(g0[i], th[i], scale, wd) ** 2));
          },
          0: (a) => {
            const [th, g0, m, v] = a;
            const { lr, k, b1, c1, b2, c2, eps, bc1, bc2, divide, scale, wd, decay } = S(a);
            return bounded(1, (i) => {
              const g = gmag(g0[i], th[i], scale, wd);
              const m1 = Math.abs(b1 * m[i]) + Math.abs(c1) * g;
              const v1 = b2 * v[i] + c2 * g * g;
              const u = divide ? m1 / bc1 / (Math.sqrt(v1 / bc2) + eps) : m1 / (Math.sqrt(v1) * k + eps);
              return C * U * (thmag(th[i], decay) + Math.abs(lr) * u);
            });
          },
        },
        ret,
      ),
  },
  sumSquares: {
    params: ['x'],
    // Accumulated in float64 in any order: n roundings of 2^-53 of Σx².
    cases: () =>
      SIZES.map((n) => ({
        label: `n=${n}`,
        args: () => [uniform(rng(seedOf(`sumSquares/${n}`)), n, -3, 3)],
        out: {},
        ret: ([x], want) => (x.length + 1) * 2 ** -53 * want,
      })),
  },
};
