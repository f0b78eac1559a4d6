// Activation kernels, two checks per entry of the family's list (derived from
// it and its ENTRY_CHECKS row in test/shared/activation-tolerances.mjs) plus
// PReLU's: every length in SIZES with edge values mixed in, plus
// in-place calls (y = x, dx = dy). Tolerances are those of
// test/kernels/activations.test.ts (native vs the float64 formula rounded
// once, which is what the reference computes), per path.
import { bounded, exact, perPath, ulps } from './compare.mjs';
import { rng, seedOf, SIZES, uniform, withSpecials } from './inputs.mjs';
import * as erf from '../../../dist/backend/reference/erf.js';
import { backwardSlack, ENTRY_CHECKS, forwardSlack, sharedKey, TOLERANCES } from '../../../test/shared/activation-tolerances.mjs';

const { ACTIVATIONS } = await import(new URL('../../../dist/backend/families/activations.js', import.meta.url).href);

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

// ELU's backward, (α·eˣ)·dy: exp <= 1 ulp, then two float32 products: 3 on
// SIMD. For x < -87 eˣ is subnormal in float32: also allow (|α| + 1)·|dy|·2^-149 absolute.
const eluBackwardTol = (args) => {
  const [, dy, , alpha] = args;
  const slack = (i) => (Math.abs(alpha) + 1) * Math.abs(dy[i]) * 2 ** -149;
  return perPath(bounded(1, slack), bounded(3, slack));
};

// GELU and SiLU: the shared tolerances (test/shared/activation-tolerances.mjs,
// reasons there).
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

// An ENTRY_CHECKS tolerance as the checker's tolerance; per form for GELU.
function tolerance(tol, name, form, backwardKernel) {
  if (tol === 'eluBackward') return eluBackwardTol;
  if (tol === 'shared') return (backwardKernel ? sharedBwd : sharedFwd)(sharedKey(name, form, backwardKernel));
  const ulpsOf = (n) => (n === 0 ? exact : ulps(n));
  return tol.scalar === tol.simd ? ulpsOf(tol.simd) : perPath(ulpsOf(tol.scalar), ulpsOf(tol.simd));
}

// The forward's output range, for a backward that takes y: the float64
// function of edge-laden inputs, rounded (NaN included).
const FORWARD_F64 = { sigmoid: (v) => 1 / (1 + Math.exp(-v)), tanh: Math.tanh };
function yInput(name) {
  const f = FORWARD_F64[name];
  if (!f) throw new Error(`scripts/arm64/checks/activations.mjs: no float64 forward for ${name}, whose backward takes y`);
  return outputOf(f);
}

/**
 * The two checks of one entry of the activation list (dist/backend/families/
 * activations.js), from its parameter kind, backward input and ENTRY_CHECKS
 * row: α entries run each of `alphas` (the backward the non-negative ones),
 * GELU each form (the raw kernels take it as its index: 0 none, 1 tanh).
 */
function entryChecks(e) {
  const c = ENTRY_CHECKS[e.name];
  if (!c) throw new Error(`test/shared/activation-tolerances.mjs: ENTRY_CHECKS has no entry for ${e.name}`);
  const bwdName = `${e.name}Backward`;
  const first = e.backwardInput === 'y' ? yInput(e.name) : x;
  if (e.param === 'alpha') {
    return [
      [e.name, unary(e.name, tolerance(c.forward, e.name), c.alphas)],
      [bwdName, backward(bwdName, first, tolerance(c.backward, e.name, undefined, true), c.alphas.filter((a) => a >= 0))],
    ];
  }
  if (e.param === 'approximate') {
    const forms = Object.keys(e.approximate);
    const each = (build) => forms.flatMap((form, i) => build(form, i).map((k) => ({ ...k, label: `${k.label} approximate=${i}` })));
    return [
      [
        e.name,
        {
          params: ['x', 'y', 'approximate'],
          cases: () => each((form, i) => elementwise(`${e.name}/${i}`, (r, n) => [fwdInput(r, n), new Float32Array(n), i], { 1: tolerance(c.forward, e.name, form, false) }, { 1: 0 })),
        },
      ],
      [
        bwdName,
        {
          params: [first.name, 'dy', 'dx', 'approximate'],
          cases: () =>
            each((form, i) =>
              elementwise(`${bwdName}/${i}`, (r, n) => [first.make(r, n), dyInput(r, n), new Float32Array(n), i], { 2: tolerance(c.backward, e.name, form, true) }, { 2: 1 }),
            ),
        },
      ],
    ];
  }
  return [
    [e.name, unary(e.name, tolerance(c.forward, e.name, undefined, false))],
    [bwdName, backward(bwdName, first, tolerance(c.backward, e.name, undefined, true))],
  ];
}

export const checks = {
  ...Object.fromEntries(ACTIVATIONS.flatMap(entryChecks)),
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
