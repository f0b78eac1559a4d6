// GEMM family: shapes around micro-tile edges (NEON tiles are multiples of
// 4 lanes), every transposition, alpha/beta cases incl. beta = 0 over a
// NaN-filled C (must never be read). Sums are checked against a bound
// relative to the sum of |terms| (a Higham-style γ), not elementwise ulps:
// native code may block and reorder the k loop.
import { FusedActivation } from '../../../dist/backend/gemm.js';
import { bounded, U, ulp } from './compare.mjs';
import { filled, rng, seedOf, uniform } from './inputs.mjs';

const SHAPES = [
  [0, 0, 0],
  [0, 5, 3],
  [4, 0, 3],
  [3, 5, 0],
  [1, 1, 1],
  [1, 17, 9],
  [7, 8, 9],
  [8, 8, 8],
  [9, 15, 16],
  [16, 17, 31],
  [33, 31, 17],
  [5, 3, 67],
  [61, 70, 96],
];

// [alpha, beta, C's initial fill]: beta = 0 must not read C (NaN stays out).
const SCALES = [
  [1, 0, 'nan'],
  [0.5, 1.5, 'random'],
  [0, 2, 'random'],
];

/**
 * |err| of element (i, j) <= (k + 3)·u·(|alpha|·Σ_p |a_ip·b_pj| + |beta·c_ij|):
 * k products and k additions, alpha's and beta's products and the final add.
 */
function gemmBound(args) {
  const [a, b, c, m, n, k, transA, transB, alpha, beta] = args;
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += Math.abs((transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]));
      mag[i * n + j] = Math.abs(alpha) * s + (beta === 0 ? 0 : Math.abs(beta * c[i * n + j]));
    }
  }
  return bounded(0, (e) => (k + 3) * U * mag[e]);
}

function gemmCases() {
  const cases = [];
  for (const [m, n, k] of SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [alpha, beta, fill] of SCALES) {
          const label = `m=${m} n=${n} k=${k} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta}`;
          cases.push({
            label,
            args: () => {
              const r = rng(seedOf(`gemm/${label}`));
              const a = uniform(r, m * k, -1, 1);
              // alpha = 0: A·B must not be evaluated (0·Inf would give NaN).
              if (alpha === 0 && a.length > 0) a[0] = Infinity;
              const c = fill === 'nan' ? filled(m * n, NaN) : uniform(r, m * n, -1, 1);
              return [a, uniform(r, k * n, -1, 1), c, m, n, k, transA, transB, alpha, beta];
            },
            out: { 2: gemmBound },
          });
        }
      }
    }
  }
  return cases;
}

// Lipschitz constants of the fused activations (max |f'|), which carry the
// pre-activation's rounding bound through to the output.
const ACTS = [
  ['none', FusedActivation.none, 0, 1],
  ['relu', FusedActivation.relu, 0, 1],
  ['leakyRelu', FusedActivation.leakyRelu, 0.01, 1],
  ['elu', FusedActivation.elu, 1, 1],
  ['sigmoid', FusedActivation.sigmoid, 0, 0.25],
  ['tanh', FusedActivation.tanh, 0, 1],
];
const DENSE_SHAPES = [
  [0, 3, 4],
  [2, 0, 4],
  [3, 4, 0],
  [1, 1, 1],
  [7, 9, 8],
  [16, 17, 33],
  [32, 10, 64],
  [33, 31, 17],
];
// The activation's own error on top (exp-based kernels: a few ulp).
const ACT_ULPS = 4;

/** x·w's bound as for gemm, plus the float32 bias add, through the activation's slope. */
function denseBound(lipschitz) {
  return (args) => {
    const [x, w, bias, , m, n, k] = args;
    const mag = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += Math.abs(x[i * k + p] * w[p * n + j]);
        mag[i * n + j] = s + (bias ? Math.abs(bias[j]) : 0);
      }
    }
    return bounded(ACT_ULPS, (e, want) => lipschitz * (k + 3) * U * mag[e] + ACT_ULPS * ulp(want));
  };
}

function denseCases() {
  const cases = [];
  for (const [m, n, k] of DENSE_SHAPES) {
    for (const [actName, act, alpha, lipschitz] of ACTS) {
      for (const withBias of [true, false]) {
        const label = `m=${m} n=${n} k=${k} ${actName} bias=${withBias}`;
        cases.push({
          label,
          args: () => {
            const r = rng(seedOf(`denseForward/${label}`));
            const x = uniform(r, m * k, -1, 1);
            const w = uniform(r, k * n, -1, 1);
            const bias = withBias ? uniform(r, n, -1, 1) : null;
            return [x, w, bias, filled(m * n, NaN), m, n, k, act, Math.fround(alpha)];
          },
          out: { 3: denseBound(lipschitz) },
        });
      }
    }
  }
  return cases;
}

const COLUMN_SHAPES = [
  [0, 0],
  [0, 5],
  [1, 1],
  [7, 9],
  [17, 33],
  [100, 17],
  [257, 10],
];

function columnSumsCases() {
  const cases = [];
  for (const [m, n] of COLUMN_SHAPES) {
    for (const beta of [0, 0.5]) {
      const label = `m=${m} n=${n} beta=${beta}`;
      cases.push({
        label,
        args: () => {
          const r = rng(seedOf(`columnSums/${label}`));
          return [uniform(r, m * n, -2, 2), beta === 0 ? filled(n, NaN) : uniform(r, n, -1, 1), m, n, beta];
        },
        // m additions plus beta's product and add, relative to Σ|terms|.
        out: {
          1: (args) => {
            const [a, out] = args;
            const mag = new Float64Array(n);
            for (let e = 0; e < m * n; e++) mag[e % n] += Math.abs(a[e]);
            return bounded(0, (j) => (m + 2) * U * (mag[j] + (beta === 0 ? 0 : Math.abs(beta * out[j]))));
          },
        },
      });
    }
  }
  return cases;
}

export const checks = {
  gemm: { params: ['a', 'b', 'c', 'm', 'n', 'k', 'transA', 'transB', 'alpha', 'beta'], cases: gemmCases, threaded: true },
  denseForward: { params: ['x', 'w', 'bias', 'y', 'm', 'n', 'k', 'act', 'alpha'], cases: denseCases, threaded: true },
  columnSums: { params: ['a', 'out', 'm', 'n', 'beta'], cases: columnSumsCases, threaded: true },
};
