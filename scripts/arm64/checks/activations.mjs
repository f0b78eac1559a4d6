// Activation kernels: every length in SIZES with edge values mixed in, plus
// in-place calls (y = x, dx = dy). Tolerances as in the vitest suites.
import { bounded, exact, ulps, U } from './compare.mjs';
import { rng, seedOf, SIZES, uniform, withSpecials } from './inputs.mjs';

// Forward inputs span exp's interesting range and the edge values.
const fwdInput = (r, n) => withSpecials(r, n, -12, 12);
// dy gets NaN/Inf too: backward kernels select, so a NaN dy where the branch
// is not taken must not leak (DESIGN.md "edge semantics").
const dyInput = (r, n) => withSpecials(r, n, -3, 3, [0, -0, 1e30, -1e30, Infinity, NaN, 2 ** -149]);

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
      label: `n=1000 in-place (arg ${o} = arg ${i})`,
      args: () => {
        const a = make(rng(seedOf(`${name}/inplace`)), 1000);
        a[o] = a[i];
        return a;
      },
      out,
    });
  }
  return cases;
}

const unary = (name, tol) => ({
  params: ['x', 'y'],
  cases: () => elementwise(name, (r, n) => [fwdInput(r, n), new Float32Array(n)], { 1: tol }, { 1: 0 }),
});

const unaryAlpha = (name, tol, alphas) => ({
  params: ['x', 'y', 'alpha'],
  cases: () =>
    alphas.flatMap((alpha) =>
      elementwise(`${name}/${alpha}`, (r, n) => [fwdInput(r, n), new Float32Array(n), Math.fround(alpha)], { 1: tol }, { 1: 0 }).map(
        (c) => ({ ...c, label: `${c.label} alpha=${alpha}` }),
      ),
    ),
});

// `first(r, n)`: x, or y (the forward output) for the output-based backwards.
const backward = (name, first, tol, alphas) => ({
  params: alphas ? ['x', 'dy', 'dx', 'alpha'] : [first.name, 'dy', 'dx'],
  cases: () =>
    (alphas ?? [undefined]).flatMap((alpha) =>
      elementwise(
        `${name}/${alpha}`,
        (r, n) => {
          const a = [first.make(r, n), dyInput(r, n), new Float32Array(n)];
          return alpha === undefined ? a : [...a, Math.fround(alpha)];
        },
        { 2: tol },
        { 2: 1 },
      ).map((c) => ({ ...c, label: alpha === undefined ? c.label : `${c.label} alpha=${alpha}` })),
    ),
});

const x = { name: 'x', make: fwdInput };
// Forward outputs with their saturated ends and a few out-of-range values.
const sigmoidY = { name: 'y', make: (r, n) => withSpecials(r, n, 0, 1, [0, 1, 0.5, 2 ** -149, 1 - 2 ** -24, NaN]) };
const tanhY = { name: 'y', make: (r, n) => withSpecials(r, n, -1, 1, [0, -0, 1, -1, 1 - 2 ** -24, -1 + 2 ** -24, NaN]) };

// PReLU: x is rows of alpha.length features; shared alpha when length 1.
const PRELU_SHAPES = [
  [0, 1],
  [1, 1],
  [17, 1],
  [1000, 1],
  [0, 3],
  [5, 7],
  [3, 16],
  [9, 33],
  [40, 9],
];
function preluCases(name, make, out) {
  return PRELU_SHAPES.map(([rows, f]) => ({
    label: `rows=${rows} features=${f}`,
    args: () => make(rng(seedOf(`${name}/${rows}/${f}`)), rows, f),
    out,
  }));
}
const preluAlpha = (r, f) => uniform(r, f, -0.5, 0.5);

// dalpha sums x·dy over the rows where x <= 0, in float32 on the native side:
// each element may be off by (rows + 1) roundings of the sum of |terms|.
function dalphaBound(args) {
  const [xs, alpha, dy] = args;
  const f = alpha.length;
  const mag = new Float64Array(f);
  const rows = f === 0 ? 0 : xs.length / f;
  for (let i = 0; i < xs.length; i++) if (!(xs[i] > 0)) mag[i % f] += Math.abs(xs[i] * dy[i]);
  return (j) => (rows + 1) * U * mag[j];
}

// Exact: the ReLU family is one comparison and at most one product, rounded
// once on both sides. exp-based kernels: the vectorised exp's documented
// bound plus the roundings of the surrounding float32 arithmetic.
const EXP_ULPS = 4;

export const checks = {
  relu: unary('relu', exact),
  reluBackward: backward('reluBackward', x, exact),
  leakyRelu: unaryAlpha('leakyRelu', exact, [0.01, 0.3, -2]),
  leakyReluBackward: backward('leakyReluBackward', x, exact, [0.01, 0.3]),
  elu: unaryAlpha('elu', ulps(EXP_ULPS), [1, 0.5]),
  // α·eˣ·dy: the exp's error plus two float32 products.
  eluBackward: backward('eluBackward', x, ulps(EXP_ULPS + 2), [1, 0.5]),
  sigmoid: unary('sigmoid', ulps(EXP_ULPS)),
  // dy·s·(1−s): 1−s is exact for s >= 0.5 (Sterbenz), three roundings at most.
  sigmoidBackward: backward('sigmoidBackward', sigmoidY, ulps(3)),
  tanh: unary('tanh', ulps(EXP_ULPS)),
  // dy·(1−t)(1+t): the differences are exact near ±1, three roundings at most.
  tanhBackward: backward('tanhBackward', tanhY, ulps(3)),
  prelu: {
    params: ['x', 'alpha', 'y'],
    cases: () =>
      preluCases('prelu', (r, rows, f) => [fwdInput(r, rows * f), preluAlpha(r, f), new Float32Array(rows * f)], { 2: exact }),
  },
  preluBackward: {
    params: ['x', 'alpha', 'dy', 'dx', 'dalpha'],
    cases: () =>
      preluCases(
        'preluBackward',
        (r, rows, f) => [uniform(r, rows * f, -3, 3), preluAlpha(r, f), uniform(r, rows * f, -2, 2), new Float32Array(rows * f), new Float32Array(f).fill(NaN)],
        { 3: exact, 4: (args) => bounded(1, dalphaBound(args)) },
      ),
  },
};
