// Optimizer step kernels: one step over flat arrays for each convention
// (the note's defaults and the named variants), every length in SIZES, with
// weight decay and gradient scaling on and off. Native code rounds after
// every operation, the reference once per stored value: each output may
// differ by a few roundings of the magnitudes of the terms that make it up.
import { bounded } from './compare.mjs';
import { rng, seedOf, SIZES, uniform } from './inputs.mjs';

const U = 2 ** -24;
// The suite's bound (test/kernels/optim.test.ts): each backend is within
// K·u·M of the float64 formula, M the sum of the magnitudes of the terms a
// value is built from and K = 16 (about ten float32 roundings per value plus
// the float32 step scalars, with headroom); native vs reference: 2K.
const C = 32;
const f = Math.fround;

// Gradient preprocessing magnitudes: |scale·g| + |wd·θ|, and θ's own terms.
const gmag = (g0, th, scale, wd) => Math.abs(scale * g0) + Math.abs(wd * th);
const thmag = (th, decay) => Math.abs(th) + Math.abs(decay * th);

function stepCases(name, variants, make, out) {
  const cases = [];
  for (const [vname, hp] of Object.entries(variants)) {
    for (const n of SIZES) {
      cases.push({
        label: `${vname} n=${n}`,
        args: () => make(rng(seedOf(`${name}/${vname}/${n}`)), n, hp),
        out,
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
const momentumVariants = {
  // The note's EMA: a = 1−β, p = lr.
  ema: { beta: 0.9, a: 0.1, p: 0.01, q: 0, nesterov: false, c: PLAIN },
  classic: { beta: 0.9, a: 1, p: 0.01, q: 0, nesterov: false, c: EXTRAS },
  nesterov: { beta: 0.9, a: 1, p: 0.009, q: 0.01, nesterov: true, c: PLAIN },
  keras: { beta: 0.9, a: -0.01, p: -1, q: 0, nesterov: false, c: PLAIN },
};
const rmsVariants = {
  adagrad: { lr: 0.01, b: 1, c2: 1, eps: 1e-8, outside: false, c: PLAIN },
  'adagrad-outside': { lr: 0.01, b: 1, c2: 1, eps: 1e-8, outside: true, c: EXTRAS },
  rmsprop: { lr: 0.001, b: 0.9, c2: 0.1, eps: 1e-8, outside: false, c: EXTRAS },
};
// Bias corrections for step t as the TS layer computes them (float64, then float32).
function adamHp(lr, t, epsHat, c) {
  const b1 = 0.9;
  const b2 = 0.999;
  const alpha = epsHat ? (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t) : lr / (1 - b1 ** t);
  const k = epsHat ? 1 : 1 / Math.sqrt(1 - b2 ** t);
  return { alpha, k, beta1: b1, c1: 1 - b1, beta2: b2, c2: 1 - b2, eps: 1e-8, c };
}
const adamVariants = {
  't=1': adamHp(0.001, 1, false, PLAIN),
  't=10 extras': adamHp(0.01, 10, false, EXTRAS),
  't=3 eps-hat': adamHp(0.001, 3, true, PLAIN),
};

const common = (c) => c.map(f);

export const checks = {
  sgdStep: {
    params: ['param', 'grad', 'lr', 'scale', 'wd', 'decay'],
    cases: () =>
      stepCases('sgdStep', sgdVariants, (r, n, hp) => [params(r, n), grads(r, n), f(hp.lr), ...common(hp.c)], {
        0: ([th, g0, lr, scale, wd, decay]) => bounded(1, (i) => C * U * (thmag(th[i], decay) + Math.abs(lr) * gmag(g0[i], th[i], scale, wd))),
      }),
  },
  momentumStep: {
    params: ['param', 'grad', 'm', 'beta', 'a', 'p', 'q', 'nesterov', 'scale', 'wd', 'decay'],
    cases: () =>
      stepCases(
        'momentumStep',
        momentumVariants,
        (r, n, hp) => [params(r, n), grads(r, n), moments(r, n), f(hp.beta), f(hp.a), f(hp.p), f(hp.q), hp.nesterov, ...common(hp.c)],
        {
          2: ([th, g0, m, beta, a, , , , scale, wd]) => bounded(1, (i) => C * U * (Math.abs(beta * m[i]) + Math.abs(a) * gmag(g0[i], th[i], scale, wd))),
          0: ([th, g0, m, beta, a, p, q, , scale, wd, decay]) =>
            bounded(1, (i) => {
              const g = gmag(g0[i], th[i], scale, wd);
              return C * U * (thmag(th[i], decay) + Math.abs(p) * (Math.abs(beta * m[i]) + Math.abs(a) * g) + Math.abs(q) * g);
            }),
        },
      ),
  },
  rmsStep: {
    params: ['param', 'grad', 'v', 'lr', 'b', 'c2', 'eps', 'epsOutside', 'scale', 'wd', 'decay'],
    cases: () =>
      stepCases(
        'rmsStep',
        rmsVariants,
        (r, n, hp) => [params(r, n), grads(r, n), squares(r, n), f(hp.lr), f(hp.b), f(hp.c2), f(hp.eps), hp.outside, ...common(hp.c)],
        {
          2: ([th, g0, v, , b, c2, , , scale, wd]) => bounded(1, (i) => C * U * (Math.abs(b * v[i]) + Math.abs(c2) * gmag(g0[i], th[i], scale, wd) ** 2)),
          // g/den: den comes from a sum of non-negative terms (relative error), so
          // the quotient is good to a few ulp of |lr·g|/den.
          0: ([th, g0, v, lr, b, c2, eps, outside, scale, wd, decay]) =>
            bounded(1, (i) => {
              const g = gmag(g0[i], th[i], scale, wd);
              const v1 = b * v[i] + c2 * g * g;
              const den = outside ? Math.sqrt(v1) + eps : Math.sqrt(v1 + eps);
              return C * U * (thmag(th[i], decay) + (Math.abs(lr) * g) / den);
            }),
        },
      ),
  },
  adamStep: {
    params: ['param', 'grad', 'm', 'v', 'alpha', 'k', 'beta1', 'c1', 'beta2', 'c2', 'eps', 'scale', 'wd', 'decay'],
    cases: () =>
      stepCases(
        'adamStep',
        adamVariants,
        (r, n, hp) => [
          params(r, n),
          grads(r, n),
          moments(r, n),
          squares(r, n),
          ...[hp.alpha, hp.k, hp.beta1, hp.c1, hp.beta2, hp.c2, hp.eps].map(f),
          ...common(hp.c),
        ],
        {
          2: ([th, g0, m, , , , b1, c1, , , , scale, wd]) => bounded(1, (i) => C * U * (Math.abs(b1 * m[i]) + Math.abs(c1) * gmag(g0[i], th[i], scale, wd))),
          3: ([th, g0, , v, , , , , b2, c2, , scale, wd]) => bounded(1, (i) => C * U * (Math.abs(b2 * v[i]) + Math.abs(c2) * gmag(g0[i], th[i], scale, wd) ** 2)),
          0: ([th, g0, m, v, alpha, k, b1, c1, b2, c2, eps, scale, wd, decay]) =>
            bounded(1, (i) => {
              const g = gmag(g0[i], th[i], scale, wd);
              const m1 = Math.abs(b1 * m[i]) + Math.abs(c1) * g;
              const v1 = b2 * v[i] + c2 * g * g;
              return C * U * (thmag(th[i], decay) + (Math.abs(alpha) * m1) / (Math.sqrt(v1) * k + eps));
            }),
        },
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
