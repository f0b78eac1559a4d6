// GEMM family: shapes around micro-tile edges (NEON tiles are multiples of
// 4 lanes), every transposition, alpha/beta cases incl. beta = 0 over a
// NaN-filled C (must never be read). Sums are checked against a bound
// relative to the sum of |terms| (a Higham-style γ), not elementwise ulps:
// native code may block and reorder the k loop.
import { FusedActivation } from '../../../dist/backend/gemm.js';
import { bounded, U } from './compare.mjs';
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
  // k around KC (256): the per-block accumulation into C.
  [9, 8, 255],
  [6, 17, 256],
  [13, 23, 257],
];
// Past the 2^20 multiply-adds where the pool splits the work (threads checked
// bitwise), with one alpha/beta pair to keep qemu's time down.
const BIG = [[100, 110, 120]];

// [alpha, beta, C's initial fill]: beta = 0 must not read C (NaN stays out).
const SCALES = [
  [1, 0, 'nan'],
  [0.5, 1.5, 'random'],
  [0, 2, 'random'],
];

// The suite's bound (test/kernels/gemm.test.ts): |err| <= gamma(k)·S with
// S = |alpha|·Σ_p|a_ip·b_pj| + |beta·c_ij| and gamma(k) = 2·(k + 4)·u: k
// roundings of the sum, k more for unfused products (scalar path), a few for
// alpha, beta, their sum and the per-KC-block accumulation into C.
const gamma = (k) => 2 * (k + 4) * U;

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
  return bounded(0, (e) => gamma(k) * mag[e]);
}

function gemmCases() {
  const cases = [];
  for (const [m, n, k, big] of [...SHAPES, ...BIG.map((s) => [...s, true])]) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [alpha, beta, fill] of big ? [SCALES[1]] : SCALES) {
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

// [name, act, alpha, Lipschitz constant max |f'|], as in the suite: the
// constant carries the pre-activation's rounding bound through to the output.
const ACTS = [
  ['none', FusedActivation.none, 0, 1],
  ['relu', FusedActivation.relu, 0, 1],
  ['leakyRelu', FusedActivation.leakyRelu, 0.01, 1],
  ['elu', FusedActivation.elu, 1.5, 1.5],
  ['sigmoid', FusedActivation.sigmoid, 0, 0.25],
  ['tanh', FusedActivation.tanh, 0, 1],
];
// The suite's shapes (the last one is threaded and crosses KC) plus empty ones.
const DENSE_SHAPES = [
  [0, 3, 4],
  [2, 0, 4],
  [3, 4, 0],
  [1, 1, 1],
  [3, 10, 7],
  [33, 31, 17],
  [32, 10, 128],
  [70, 97, 300],
];

/**
 * The suite's bound: L·(gamma(k)·Σ|x·w| + 2u·|z|) + 4u·|y| + 1e-30, z the
 * pre-activation: the product's bound and the bias add's rounding through
 * the activation's slope, plus 4 ulp for the activation kernel itself.
 */
function denseBound(lipschitz) {
  return (args) => {
    const [x, w, bias, , m, n, k] = args;
    const tol = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let sa = 0;
        for (let p = 0; p < k; p++) {
          const t = x[i * k + p] * w[p * n + j];
          s += t;
          sa += Math.abs(t);
        }
        const z = bias ? s + bias[j] : s;
        tol[i * n + j] = lipschitz * (gamma(k) * sa + 2 * U * Math.abs(z));
      }
    }
    return bounded(0, (e, want) => tol[e] + 4 * U * Math.abs(want) + 1e-30);
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
            const x = uniform(r, m * k, -2, 2);
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
        // The suite's recursive-summation bound: (m + 2)·u·(Σ|a| + |beta·out|).
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
