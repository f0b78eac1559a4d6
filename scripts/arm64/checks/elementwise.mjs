// The elementwise family (lib/backend/families/elementwise.ts), one check per
// list entry, derived from the list: every length in SIZES with edge values,
// the three flat modes of the binary and comparison kernels (both vectors,
// b scalar, a scalar), a broadcast plan (row vector over a matrix) and, for
// the float outputs, an in-place call. Tolerances: test/shared/elementwise-tolerances.mjs.
import { exact, perPath, ulps } from './compare.mjs';
import { rng, seedOf, SIZES, withSpecials } from './inputs.mjs';
import { ELEMENTWISE } from '../../../dist/backend/families/elementwise.js';
import { broadcastPlan } from '../../../dist/backend/broadcast.js';
import { ULP } from '../../../test/shared/elementwise-tolerances.mjs';

const tolOf = (name) => (ULP[name] ? perPath(ulps(ULP[name].scalar), ulps(ULP[name].simd)) : exact);
const input = (r, n) => withSpecials(r, n, -30, 30);
const PARAMS = { step: [0.3], clip: [-0.5, 2.25], leakyReluTf: [0.2] };

function binaryCases(name, kind) {
  const make = (n) => (kind === 'binary' ? new Float32Array(n) : new Uint8Array(n));
  const tol = { 2: tolOf(name) };
  const cases = [];
  for (const n of SIZES) {
    const seed = seedOf(`${name}/${n}`);
    cases.push({ label: `n=${n} vv`, args: () => [input(rng(seed), n), input(rng(seed + 1), n), make(n)], out: tol });
    if (n > 0) {
      cases.push({ label: `n=${n} vs`, args: () => [input(rng(seed), n), input(rng(seed + 2), 1), make(n)], out: tol });
      cases.push({ label: `n=${n} sv`, args: () => [input(rng(seed + 3), 1), input(rng(seed), n), make(n)], out: tol });
    }
  }
  const { plan } = broadcastPlan([33, 17], [17]);
  cases.push({ label: '[33,17] with [17] (plan)', args: () => [input(rng(7), 33 * 17), input(rng(8), 17), make(33 * 17), plan], out: tol });
  const col = broadcastPlan([17, 33], [17, 1]).plan;
  cases.push({ label: '[17,33] with [17,1] (plan)', args: () => [input(rng(9), 17 * 33), input(rng(10), 17), make(17 * 33), col], out: tol });
  if (kind === 'binary') {
    cases.push({
      label: 'n=1009 in-place (out = a)',
      args: () => {
        const a = input(rng(11), 1009);
        return [a, input(rng(12), 1009), a];
      },
      out: tol,
    });
  }
  return { params: ['a', 'b', 'out', 'plan'], cases: () => cases };
}

function unaryCases(name, params) {
  const tol = { 1: tolOf(name) };
  const cases = SIZES.map((n) => ({ label: `n=${n}`, args: () => [input(rng(seedOf(`${name}/${n}`)), n), new Float32Array(n), ...params], out: tol }));
  cases.push({
    label: 'n=1009 in-place (y = x)',
    args: () => {
      const x = input(rng(13), 1009);
      return [x, x, ...params];
    },
    out: tol,
  });
  return { params: ['x', 'y', ...params.map((_, i) => `p${i}`)], cases: () => cases };
}

function gradCases(name) {
  const tol = { 2: tolOf(name) };
  return {
    params: ['y', 'dy', 'dx'],
    cases: () =>
      SIZES.map((n) => ({
        label: `n=${n}`,
        args: () => [input(rng(seedOf(`${name}/${n}`)), n).map((v) => (Number.isFinite(v) ? Math.max(-1, v) : v)), input(rng(14), n), new Float32Array(n)],
        out: tol,
      })),
  };
}

export const checks = Object.fromEntries([
  ...ELEMENTWISE.map((e) => [
    e.name,
    e.kind === 'binary' || e.kind === 'compare' ? binaryCases(e.name, e.kind) : e.kind === 'grad' ? gradCases(e.name) : unaryCases(e.name, PARAMS[e.name] ?? []),
  ]),
  [
    'select',
    {
      params: ['condition', 't', 'e', 'out'],
      cases: () =>
        SIZES.map((n) => ({
          label: `n=${n}`,
          args: () => [new Uint8Array(n).map((_, i) => i % 3), input(rng(15), n), input(rng(16), n), new Float32Array(n)],
          out: { 3: exact },
        })),
    },
  ],
]);
