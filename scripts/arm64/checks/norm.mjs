// The normalisation family (dist/backend/families/norm.js), one check per
// list entry, with the tolerance of test/kernels/norm.test.ts: every kernel
// is bitwise equal to the reference, which repeats the native arithmetic
// order (per-feature sums in row order, 16 virtual lanes per row, float64
// statistics, no FMA) — the float64 rstd and the Rng state included.
import { NORM_KERNELS } from '../../../dist/backend/families/norm.js';
import { exact } from './compare.mjs';
import { rng, seedOf, uniform } from './inputs.mjs';

// Around NEON's 4 lanes, the 16 virtual lanes and the 256-feature block.
const SHAPES = [[0, 3], [2, 0], [2, 1], [3, 4], [2, 15], [2, 16], [3, 17], [5, 33], [4, 255], [3, 257], [128, 10], [9, 300]];

/** x, dy, w, b, running mean/var and gradient accumulators for one shape. */
function data(name, rows, f) {
  const r = rng(seedOf(`${name}/${rows}x${f}`));
  return {
    x: uniform(r, rows * f, -4, 6),
    dy: uniform(r, rows * f, -1, 1),
    w: uniform(r, f, 0.5, 1.5),
    b: uniform(r, f, -1, 1),
    rm: uniform(r, f, -0.5, 0.5),
    rv: uniform(r, f, 0.5, 1.5),
    dw: uniform(r, f, -0.1, 0.1),
    db: uniform(r, f, -0.1, 0.1),
    xhat: uniform(r, rows * f, -2, 2),
    rstd: Float64Array.from(uniform(r, Math.max(rows, f), 0.5, 2)),
  };
}

const out = (...idx) => Object.fromEntries(idx.map((i) => [i, exact]));
const F32 = (n) => new Float32Array(n);

const cases = {
  batchNormTrain: (name) =>
    SHAPES.filter(([rows]) => rows !== 1).flatMap(([rows, f]) =>
      [true, false].map((affine) => ({
        label: `${rows}x${f}${affine ? '' : ' no affine, no running stats'}`,
        args: () => {
          const d = data(name, rows, f);
          return [d.x, affine ? d.w : null, affine ? d.b : null, F32(rows * f), F32(rows * f), new Float64Array(f), rows, f, 1e-5, 0.1, affine ? d.rm : null, affine ? d.rv : null];
        },
        out: affine ? out(3, 4, 5, 10, 11) : out(3, 4, 5),
      })),
    ),
  batchNormEval: (name) =>
    SHAPES.map(([rows, f]) => ({
      label: `${rows}x${f}`,
      args: () => {
        const d = data(name, rows, f);
        return [d.x, d.w, d.b, F32(rows * f), F32(rows * f), new Float64Array(f), rows, f, 1e-5, d.rm, d.rv];
      },
      out: out(3, 4, 5),
    })),
  batchNormBackward: (name) =>
    SHAPES.flatMap(([rows, f]) =>
      [true, false].map((batch) => ({
        label: `${rows}x${f} ${batch ? 'batch' : 'running'} statistics`,
        args: () => {
          const d = data(name, rows, f);
          return [d.dy, d.xhat, d.rstd, batch ? d.w : null, F32(rows * f), d.dw, d.db, rows, f, batch];
        },
        out: out(4, 5, 6),
      })),
    ),
  layerNormForward: (name) =>
    SHAPES.map(([rows, f]) => ({
      label: `${rows}x${f}`,
      args: () => {
        const d = data(name, rows, f);
        return [d.x, d.w, d.b, F32(rows * f), F32(rows * f), new Float64Array(rows), rows, f, 1e-5];
      },
      out: out(3, 4, 5),
    })),
  layerNormBackward: (name) =>
    SHAPES.map(([rows, f]) => ({
      label: `${rows}x${f}`,
      args: () => {
        const d = data(name, rows, f);
        return [d.dy, d.xhat, d.rstd, d.w, F32(rows * f), d.dw, d.db, rows, f];
      },
      out: out(4, 5, 6),
    })),
  dropoutForward: (name) =>
    [0, 1, 5, 17, 1009].map((n) => ({
      label: `n=${n}`,
      args: () => [uniform(rng(seedOf(`${name}/${n}`)), n, -3, 3), F32(n), F32(n + 2), 0.3, Math.fround(1 / 0.7), Uint32Array.of(0x9e3779b9, 7, 0xdeadbeef, n + 1)],
      out: out(1, 2, 5),
    })),
  dropoutBackward: (name) =>
    [0, 1, 5, 17, 1009].map((n) => ({
      label: `n=${n}`,
      args: () => {
        const r = rng(seedOf(`${name}/${n}`));
        return [uniform(r, n, -3, 3), Float32Array.from({ length: n + 1 }, () => (r.uniform() < 0.3 ? 0 : 2)), F32(n)];
      },
      out: out(2),
    })),
};

const PARAMS = {
  batchNormTrain: ['x', 'w', 'b', 'y', 'xhat', 'rstd', 'rows', 'features', 'eps', 'momentum', 'runningMean', 'runningVar'],
  batchNormEval: ['x', 'w', 'b', 'y', 'xhat', 'rstd', 'rows', 'features', 'eps', 'runningMean', 'runningVar'],
  batchNormBackward: ['dy', 'xhat', 'rstd', 'w', 'dx', 'dw', 'db', 'rows', 'features', 'batchStats'],
  layerNormForward: ['x', 'w', 'b', 'y', 'xhat', 'rstd', 'rows', 'features', 'eps'],
  layerNormBackward: ['dy', 'xhat', 'rstd', 'w', 'dx', 'dw', 'db', 'rows', 'features'],
  dropoutForward: ['x', 'y', 'mask', 'p', 'scale', 'state'],
  dropoutBackward: ['dy', 'mask', 'dx'],
};

export const checks = Object.fromEntries(NORM_KERNELS.map((e) => [e.name, { params: PARAMS[e.name], cases: () => cases[e.name](e.name) }]));
