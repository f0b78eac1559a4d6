// Reference normalisation family: the native kernels' arithmetic order
// (native/kernels/norm_body.inc) repeated in float64, so BatchNorm1d,
// LayerNorm and Dropout are bitwise equal to every native path: per-feature
// sums in row order, per-row sums in 16 virtual lanes, one rounding to
// float32 per stored value (a Float32Array store rounds).
import { xoshiroNext } from '../../random.js';
import type { RawNorm } from '../norm.js';

type F = Float32Array;

/** Virtual lanes of a row sum, whatever the ISA's SIMD width. */
const LANES = 16;

/** Σ term(i) for i in [0, n) in the native order: 16 lanes, the fixed pairwise tree, then the tail. */
function laneSum(n: number, term: (i: number) => number): number {
  const l = new Float64Array(LANES);
  let i = 0;
  for (; i + LANES <= n; i += LANES) for (let k = 0; k < LANES; k++) l[k]! += term(i + k);
  const a = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => l[2 * j]! + l[2 * j + 1]!);
  let s = a[0]! + a[1]! + (a[2]! + a[3]!) + (a[4]! + a[5]! + (a[6]! + a[7]!));
  for (; i < n; i++) s += term(i);
  return s;
}

/** Wellons' lowbias32 integer hash (norm_body.inc), on uint32 values. */
function lowbias32(v: number): number {
  v = (v ^ (v >>> 16)) >>> 0;
  v = Math.imul(v, 0x7feb352d) >>> 0;
  v = (v ^ (v >>> 15)) >>> 0;
  v = Math.imul(v, 0x846ca68b) >>> 0;
  return (v ^ (v >>> 16)) >>> 0;
}

/** xhat and y from per-feature mean and rstd. */
function normalise(x: F, w: F | null, b: F | null, y: F, xhat: F, mean: Float64Array, rstd: Float64Array, rows: number, f: number): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < f; j++) {
      const i = r * f + j;
      const h = (x[i]! - mean[j]!) * rstd[j]!;
      xhat[i] = h;
      y[i] = w ? h * w[j]! + b![j]! : h;
    }
  }
}

/** dw += Σ dy·xhat, db += Σ dy per feature, over the rows in order. */
function affineGrads(dy: F, xhat: F, dw: F, db: F, rows: number, f: number): void {
  const sd = new Float64Array(f);
  const sdh = new Float64Array(f);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < f; j++) {
      sd[j]! += dy[r * f + j]!;
      sdh[j]! += dy[r * f + j]! * xhat[r * f + j]!;
    }
  }
  for (let j = 0; j < f; j++) {
    dw[j] = dw[j]! + sdh[j]!;
    db[j] = db[j]! + sd[j]!;
  }
}

export const referenceNorm: RawNorm = {
  batchNormTrain(x, w, b, y, xhat, rstd, rows, f, eps, momentum, runningMean, runningVar) {
    const mean = new Float64Array(f);
    const sq = new Float64Array(f);
    for (let r = 0; r < rows; r++) for (let j = 0; j < f; j++) mean[j]! += x[r * f + j]!;
    for (let j = 0; j < f; j++) mean[j]! /= rows;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < f; j++) {
        const d = x[r * f + j]! - mean[j]!;
        sq[j]! += d * d;
      }
    }
    for (let j = 0; j < f; j++) rstd[j] = 1 / Math.sqrt(sq[j]! / rows + eps);
    if (runningMean && runningVar) {
      for (let j = 0; j < f; j++) {
        runningMean[j] = (1 - momentum) * runningMean[j]! + momentum * mean[j]!;
        runningVar[j] = (1 - momentum) * runningVar[j]! + momentum * (sq[j]! / (rows - 1));
      }
    }
    normalise(x, w, b, y, xhat, mean, rstd, rows, f);
  },

  batchNormEval(x, w, b, y, xhat, rstd, rows, f, eps, runningMean, runningVar) {
    const mean = new Float64Array(f);
    for (let j = 0; j < f; j++) {
      mean[j] = runningMean[j]!;
      rstd[j] = 1 / Math.sqrt(runningVar[j]! + eps);
    }
    normalise(x, w, b, y, xhat, mean, rstd, rows, f);
  },

  batchNormBackward(dy, xhat, rstd, w, dx, dw, db, rows, f, batchStats) {
    if (dw && db) affineGrads(dy, xhat, dw, db, rows, f);
    if (!dx) return;
    const g = (i: number, j: number): number => (w ? dy[i]! * w[j]! : dy[i]!);
    if (!batchStats) {
      for (let r = 0; r < rows; r++) for (let j = 0; j < f; j++) dx[r * f + j] = g(r * f + j, j) * rstd[j]!;
      return;
    }
    const s1 = new Float64Array(f);
    const s2 = new Float64Array(f);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < f; j++) {
        const i = r * f + j;
        s1[j]! += g(i, j);
        s2[j]! += g(i, j) * xhat[i]!;
      }
    }
    for (let j = 0; j < f; j++) {
      s1[j]! /= rows;
      s2[j]! /= rows;
    }
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < f; j++) {
        const i = r * f + j;
        dx[i] = rstd[j]! * (g(i, j) - s1[j]! - xhat[i]! * s2[j]!);
      }
    }
  },

  layerNormForward(x, w, b, y, xhat, rstd, rows, f, eps) {
    for (let r = 0; r < rows; r++) {
      const o = r * f;
      const mean = laneSum(f, (j) => x[o + j]!) / f;
      const v = laneSum(f, (j) => {
        const d = x[o + j]! - mean;
        return d * d;
      });
      const rs = 1 / Math.sqrt(v / f + eps);
      rstd[r] = rs;
      for (let j = 0; j < f; j++) {
        const h = (x[o + j]! - mean) * rs;
        xhat[o + j] = h;
        y[o + j] = w ? h * w[j]! + b![j]! : h;
      }
    }
  },

  layerNormBackward(dy, xhat, rstd, w, dx, dw, db, rows, f) {
    if (dw && db) affineGrads(dy, xhat, dw, db, rows, f);
    if (!dx) return;
    for (let r = 0; r < rows; r++) {
      const o = r * f;
      const g = (j: number): number => (w ? dy[o + j]! * w[j]! : dy[o + j]!);
      const m1 = laneSum(f, g) / f;
      const m2 = laneSum(f, (j) => g(j) * xhat[o + j]!) / f;
      const rs = rstd[r]!;
      for (let j = 0; j < f; j++) dx[o + j] = rs * (g(j) - m1 - xhat[o + j]! * m2);
    }
  },

  dropoutForward(x, y, mask, p, scale, state) {
    const key = xoshiroNext(state);
    const threshold = Math.ceil(p * 16777216);
    for (let i = 0; i < x.length; i++) {
      const bits = lowbias32((key + Math.imul(i, 0x9e3779b9)) >>> 0) >>> 8;
      mask[i] = bits < threshold ? 0 : scale;
      y[i] = x[i]! * mask[i]!;
    }
  },

  dropoutBackward(dy, mask, dx) {
    for (let i = 0; i < dy.length; i++) dx[i] = dy[i]! * mask[i]!;
  },
};
