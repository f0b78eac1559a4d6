// Activation kernels: every length in SIZES with edge values mixed in, plus
// in-place calls (y = x, dx = dy). Tolerances are those of
// test/kernels/activations.test.ts (native vs the float64 formula rounded
// once, which is what the reference computes), per path.
import { bounded, exact, perPath, ulps } from './compare.mjs';
import { rng, seedOf, SIZES, uniform, withSpecials } from './inputs.mjs';
import * as erf from '../../../dist/backend/reference/erf.js';
import { backwardSlack, forwardSlack, TOLERANCES } from '../../../test/shared/activation-tolerances.mjs';

// Forward inputs span exp's interesting range and the edge values.
const fwdInput = (r, n) => withSpecials(r, n, -12, 12);
// dy gets NaN and huge values too: backward kernels select (x > 0 ? dy : α·dy),
// they do not multiply by a mask, so a NaN dy where the branch is not taken
// must not leak, on every backend and path.
const dyInput = (r, n) => withSpecials(r, n, -4, 4, [0, -0, 1e-40, -1e-40, 1e30, -1e30, NaN, 1, -1]);

/**
 * One case per size plus an in-place case; `make(r, n)` returns the argument
 * list, `alias` maps an output index to the input index it may share memory with.
 */
function elementwise(name, make, out, alias) {
  const cases = SIZES.map((n) => ({
    label: `n=${n}`,
    args: () => make(rng(seedOf(`${name}/${n}`)), n),
    out,
  }));
  for (const [o, i] of Object.entries(alias)) {
    cases.push({
      label: `n=1009 in-place (arg ${o} = arg ${i})`,
      args: () => {
        const a = make(rng(seedOf(`${name}/inplace`)), 1009);
        a[o] = a[i];
        return a;
      },
      out,
    });
  }
  return cases;
}

const withAlpha = (alphas, build) =>
  alphas.flatMap((alpha) => build(Math.fround(alpha)).map((c) => ({ ...c, label: `${c.label} alpha=${alpha}` })));

const unary = (name, tol, alphas) => ({
  params: alphas ? ['x', 'y', 'alpha'] : ['x', 'y'],
  cases: () =>
    alphas
      ? withAlpha(alphas, (alpha) => elementwise(`${name}/${alpha}`, (r, n) => [fwdInput(r, n), new Float32Array(n), alpha], { 1: tol }, { 1: 0 }))
      : elementwise(name, (r, n) => [fwdInput(r, n), new Float32Array(n)], { 1: tol }, { 1: 0 }),
});

// `first`: x, or y (the forward output) for the output-based backwards.
const backward = (name, first, tol, alphas) => {
  const make = (alpha) => (r, n) => {
    const a = [first.make(r, n), dyInput(r, n), new Float32Array(n)];
    return alpha === undefined ? a : [...a, alpha];
  };
  return {
    params: alphas ? ['x', 'dy', 'dx', 'alpha'] : [first.name, 'dy', 'dx'],
    cases: () =>
      alphas
        ? withAlpha(alphas, (alpha) => elementwise(`${name}/${alpha}`, make(alpha), { 2: tol }, { 2: 1 }))
        : elementwise(name, make(undefined), { 2: tol }, { 2: 1 }),
  };
};

const x = { name: 'x', make: fwdInput };
// Forward outputs: the float64 function of edge-laden inputs, rounded (NaN included).
const outputOf = (f) => ({ name: 'y', make: (r, n) => fwdInput(r, n).map(f) });
const sigmoidY = outputOf((v) => 1 / (1 + Math.exp(-v)));
const tanhY = outputOf(Math.tanh);

// PReLU: x is rows of alpha.length features; a shared alpha when length 1.
const PRELU_SHAPES = [
  [0, 1],
  [1, 1],
  [17, 1],
  [1009, 1],
  [0, 3],
  [5, 7],
  [3, 16],
  [31, 13],
  [9, 33],
];
function preluCases(name, make, out) {
  return PRELU_SHAPES.map(([rows, f]) => ({
    label: `rows=${rows} features=${f}`,
    args: () => make(rng(seedOf(`${name}/${rows}/${f}`)), rows, f),
    out,
  }));
}
const preluAlpha = (r, f) => uniform(r, f, -0.5, 0.5);

// dalpha: a per-feature α, and the scalar path, add the exact products in
// double in row order as the reference does: bitwise. A shared α on SIMD
// sums in vector lanes: the double sums differ by <= n·2^-53·Σ|terms| and
// each float32 rounding by ½ ulp: 1 ulp + n·2^-52·Σ|x·dy| (the suite's bound).
function dalphaTol(args) {
  const [xs, alpha, dy] = args;
  if (alpha.length !== 1) return exact;
  let abs = 0;
  for (let i = 0; i < xs.length; i++) if (!(xs[i] > 0)) abs += Math.abs(xs[i] * dy[i]);
  return perPath(exact, bounded(1, (_, want) => 2 ** -23 * Math.abs(want) + xs.length * 2 ** -52 * abs));
}

// The ReLU family is one comparison and at most one product: bitwise. The
// scalar path uses libm in double: 1 ulp where another libm rounds the
// float64 value differently. SIMD: the polynomial exp's measured error plus
// the float32 roundings around it: elu 2, sigmoid 3, tanh 2.
const upTo = (scalar, simd) => perPath(ulps(scalar), ulps(simd));
// (α·eˣ)·dy: exp <= 1 ulp, then two float32 products: 3 on SIMD. For x < -87
// eˣ is subnormal in float32: also allow (|α| + 1)·|dy|·2^-149 absolute.
const eluBackwardTol = (args) => {
  const [, dy, , alpha] = args;
  const slack = (i) => (Math.abs(alpha) + 1) * Math.abs(dy[i]) * 2 ** -149;
  return perPath(bounded(1, slack), bounded(3, slack));
};

// GELU and SiLU: the shared tolerances (test/shared/activation-tolerances.mjs,
// reasons there). GELU's raw kernels take `approximate` as 0 (none) or 1 (tanh).
const sharedFwd = (key) => (args) => {
  const [xs] = args;
  const t = TOLERANCES[key];
  return perPath(bounded(t.scalar, (i) => forwardSlack(xs[i])), bounded(t.simd, (i) => forwardSlack(xs[i])));
};
const sharedBwd = (key) => (args) => {
  const [xs, dy] = args;
  const t = TOLERANCES[key];
  const slack = (i) => backwardSlack(key, xs[i], dy[i], erf);
  return perPath(bounded(t.scalar, slack), bounded(t.simd, slack));
};
const geluForms = (build) => [0, 1].flatMap((form) => build(form).map((c) => ({ ...c, label: `${c.label} approximate=${form}` })));
const gelu = {
  params: ['x', 'y', 'approximate'],
  cases: () =>
    geluForms((form) =>
      elementwise(`gelu/${form}`, (r, n) => [fwdInput(r, n), new Float32Array(n), form], { 1: sharedFwd(form ? 'geluTanh' : 'gelu') }, { 1: 0 }),
    ),
};
const geluBackward = {
  params: ['x', 'dy', 'dx', 'approximate'],
  cases: () =>
    geluForms((form) =>
      elementwise(
        `geluBackward/${form}`,
        (r, n) => [fwdInput(r, n), dyInput(r, n), new Float32Array(n), form],
        { 2: sharedBwd(form ? 'geluTanhBackward' : 'geluBackward') },
        { 2: 1 },
      ),
    ),
};

export const checks = {
  gelu,
  geluBackward,
  silu: unary('silu', sharedFwd('silu')),
  siluBackward: backward('siluBackward', x, sharedBwd('siluBackward')),
  relu: unary('relu', exact),
  reluBackward: backward('reluBackward', x, exact),
  leakyRelu: unary('leakyRelu', exact, [0.01, 0.3, -2]),
  leakyReluBackward: backward('leakyReluBackward', x, exact, [0.01, 0.3]),
  elu: unary('elu', upTo(1, 2), [1, 0.7]),
  eluBackward: backward('eluBackward', x, eluBackwardTol, [1, 0.7]),
  sigmoid: unary('sigmoid', upTo(1, 3)),
  // Scalar: dy·y·(1−y) in double like the reference; SIMD rounds three float32 operations: 2.
  sigmoidBackward: backward('sigmoidBackward', sigmoidY, upTo(0, 2)),
  tanh: unary('tanh', upTo(1, 2)),
  // dy·((1−y)(1+y)): four float32 roundings against one on SIMD: 3.
  tanhBackward: backward('tanhBackward', tanhY, upTo(0, 3)),
  prelu: {
    params: ['x', 'alpha', 'y'],
    cases: () => preluCases('prelu', (r, rows, f) => [fwdInput(r, rows * f), preluAlpha(r, f), new Float32Array(rows * f)], { 2: exact }),
  },
  preluBackward: {
    params: ['x', 'alpha', 'dy', 'dx', 'dalpha'],
    cases: () =>
      preluCases(
        'preluBackward',
        (r, rows, f) => [fwdInput(r, rows * f), preluAlpha(r, f), dyInput(r, rows * f), new Float32Array(rows * f), new Float32Array(f).fill(NaN)],
        { 3: exact, 4: dalphaTol },
      ),
  },
};
