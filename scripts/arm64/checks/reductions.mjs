// The reductions family (dist/backend/families/reductions.js), one check per
// list entry, with the tolerances of test/kernels/reductions.test.ts: every
// kernel is bitwise equal to the reference (it repeats the native arithmetic
// order) except softmax/logSoftmax, whose exp is NEON's polynomial (1 ulp):
// 4 ulp, or 2^-20·(|y| + 1) absolute where logSoftmax cancels near 0.
import { REDUCTIONS } from '../../../dist/backend/families/reductions.js';
import { bounded, exact } from './compare.mjs';
import { rng, seedOf, withSpecials } from './inputs.mjs';

// Around NEON's 4 lanes, the 16 virtual lanes of a row sum and the 256-column block.
const SHAPES = [
  [0, 0], [0, 3], [2, 0], [1, 1], [1, 3], [3, 4], [1, 15], [2, 16], [3, 17], [5, 33], [4, 255], [3, 257], [128, 10], [9, 1000],
];
const softmaxTol = bounded(4, (_i, want) => 2 ** -20 * (Math.abs(want) + 1));

const cases = {
  reduceRows: (name) => rowsCols(name, (r) => r),
  reduceCols: (name) => rowsCols(name, (_r, c) => c),
  mapRows: (name) => rowsCols(name, (r, c) => r * c),
  indexRows: (name) => rowsCols(name, (r) => r, Int32Array),
  indexCols: (name) => rowsCols(name, (_r, c) => c, Int32Array),
  transpose: (name) =>
    SHAPES.flatMap(([rows, cols]) =>
      [1, 3].map((batch) => ({
        label: `${batch}x${rows}x${cols}`,
        args: () => [withSpecials(rng(seedOf(`${name}/${batch}x${rows}x${cols}`)), batch * rows * cols, -5, 5), new Float32Array(batch * rows * cols), batch, rows, cols],
        out: { 1: exact },
      })),
    ),
  gather: (name) =>
    SHAPES.filter(([rows]) => rows > 0).map(([rows, cols]) => ({
      label: `${rows}x${cols}`,
      args: () => {
        const r = rng(seedOf(`${name}/${rows}x${cols}`));
        const idx = Int32Array.from({ length: 19 }, () => r.int(rows));
        return [withSpecials(r, rows * cols, -5, 5), idx, new Float32Array(19 * cols), rows, cols];
      },
      out: { 2: exact },
    })),
  cast: (name, e) =>
    [0, 1, 5, 17, 1009].map((n) => ({
      label: `n=${n}`,
      args: () => {
        const r = rng(seedOf(`${name}/${n}`));
        const make = (d, len) => (d === 'float32' ? new Float32Array(len) : d === 'int32' ? new Int32Array(len) : new Uint8Array(len));
        const x = make(e.from, n);
        const big = [2147483648, -2147483649, 5e9, 1e20, NaN, Infinity, -0, 0.5, -1.5, 16777217];
        for (let i = 0; i < n; i++) x[i] = e.from === 'bool' ? r.int(2) : i % 4 === 1 ? big[i % big.length] : (r.uniform() - 0.5) * 2 ** 26;
        return [x, make(e.to, n)];
      },
      out: { 1: exact },
    })),
  oneHot: (name) =>
    [[0, 3], [5, 1], [17, 10], [128, 10]].map(([n, depth]) => ({
      label: `n=${n} depth=${depth}`,
      args: () => {
        const r = rng(seedOf(`${name}/${n}/${depth}`));
        return [Int32Array.from({ length: n }, () => r.int(depth + 2) - 1), new Float32Array(n * depth), depth, 0.9, 0.01];
      },
      out: { 1: exact },
    })),
};

function rowsCols(name, outLength, Out = Float32Array) {
  const tol = name === 'softmax' || name === 'logSoftmax' ? softmaxTol : exact;
  return SHAPES.map(([rows, cols]) => ({
    label: `${rows}x${cols}`,
    args: () => [withSpecials(rng(seedOf(`${name}/${rows}x${cols}`)), rows * cols, -5, 5), new Out(outLength(rows, cols)), rows, cols],
    out: { 1: tol },
  }));
}

const PARAMS = {
  transpose: ['x', 'y', 'batch', 'rows', 'cols'],
  gather: ['x', 'indices', 'y', 'rows', 'rowLength'],
  cast: ['x', 'y'],
  oneHot: ['indices', 'y', 'depth', 'onValue', 'offValue'],
};

export const checks = Object.fromEntries(
  REDUCTIONS.map((e) => [e.name, { params: PARAMS[e.kind] ?? ['x', 'y', 'rows', 'cols'], cases: () => cases[e.kind](e.name, e) }]),
);
