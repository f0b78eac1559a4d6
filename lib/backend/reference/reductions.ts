// Reference reductions family: the native kernels' arithmetic order
// (native/kernels/reduce_body.inc) repeated in float64, so sums, means,
// max/min, argMax, casts, gather, transpose and one-hot are bitwise equal to
// every native path; softmax/logSoftmax differ only by the ISA's exp (the
// bound is in test/kernels/reductions.test.ts).
import type { RawReductions } from '../reductions.js';

/** Virtual lanes of a row sum, whatever the ISA's SIMD width. */
const LANES = 16;

/** Σ x[o .. o+n) in the native order: 16 lanes, the fixed pairwise tree, then the tail. */
export function rowSum(x: Float32Array, o: number, n: number): number {
  const l = new Float64Array(LANES);
  let i = 0;
  for (; i + LANES <= n; i += LANES) for (let k = 0; k < LANES; k++) l[k]! += x[o + i + k]!;
  const a = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => l[2 * j]! + l[2 * j + 1]!);
  let s = a[0]! + a[1]! + (a[2]! + a[3]!) + (a[4]! + a[5]! + (a[6]! + a[7]!));
  for (; i < n; i++) s += x[o + i]!;
  return s;
}

/** Max (max = true) or min of n elements at stride `step`: NaN if any; a zero takes the first zero's sign. */
function extreme(x: Float32Array, o: number, n: number, step: number, max: boolean): number {
  if (n === 0) return NaN;
  let m = max ? -Infinity : Infinity;
  for (let j = 0; j < n; j++) {
    const v = x[o + j * step]!;
    if (Number.isNaN(v)) return NaN;
    if (max ? v > m : v < m) m = v;
  }
  if (m === 0) {
    for (let j = 0; j < n; j++) if (x[o + j * step] === 0) return x[o + j * step]!;
  }
  return m;
}

/** tfjs-cpu's argMax scan: the first index of a strictly larger value. */
function argMax(x: Float32Array, o: number, n: number, step: number): number {
  if (n === 0) return 0;
  let m = x[o]!;
  let best = 0;
  for (let j = 1; j < n; j++) {
    const v = x[o + j * step]!;
    if (v > m) {
      m = v;
      best = j;
    }
  }
  return best;
}

function colSum(x: Float32Array, c: number, rows: number, cols: number): number {
  let s = 0;
  for (let r = 0; r < rows; r++) s += x[r * cols + c]!;
  return s;
}

/** fl32(x_j − m) for the row at o, into y; returns Σ fl32(exp(fl32(x_j − m))) in order. */
function shiftedExpSum(x: Float32Array, y: Float32Array, o: number, cols: number): number {
  const m = extreme(x, o, cols, 1, true);
  let s = 0;
  for (let j = 0; j < cols; j++) {
    y[o + j] = x[o + j]! - m;
    s += Math.fround(Math.exp(y[o + j]!));
  }
  return s;
}

// JavaScript's ToInt32, what Int32Array stores (and what the native cast does).
const toInt32 = (v: number): number => v | 0;

export const referenceReductions: RawReductions = {
  sumRows(x, y, rows, cols) {
    for (let r = 0; r < rows; r++) y[r] = rowSum(x, r * cols, cols);
  },
  meanRows(x, y, rows, cols) {
    for (let r = 0; r < rows; r++) y[r] = rowSum(x, r * cols, cols) / cols;
  },
  maxRows(x, y, rows, cols) {
    for (let r = 0; r < rows; r++) y[r] = extreme(x, r * cols, cols, 1, true);
  },
  minRows(x, y, rows, cols) {
    for (let r = 0; r < rows; r++) y[r] = extreme(x, r * cols, cols, 1, false);
  },
  argMaxRows(x, y, rows, cols) {
    for (let r = 0; r < rows; r++) y[r] = argMax(x, r * cols, cols, 1);
  },
  sumCols(x, y, rows, cols) {
    for (let c = 0; c < cols; c++) y[c] = colSum(x, c, rows, cols);
  },
  meanCols(x, y, rows, cols) {
    for (let c = 0; c < cols; c++) y[c] = colSum(x, c, rows, cols) / rows;
  },
  maxCols(x, y, rows, cols) {
    for (let c = 0; c < cols; c++) y[c] = extreme(x, c, rows, cols, true);
  },
  minCols(x, y, rows, cols) {
    for (let c = 0; c < cols; c++) y[c] = extreme(x, c, rows, cols, false);
  },
  argMaxCols(x, y, rows, cols) {
    for (let c = 0; c < cols; c++) y[c] = argMax(x, c, rows, cols);
  },
  softmax(x, y, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const s = shiftedExpSum(x, y, o, cols);
      for (let j = 0; j < cols; j++) y[o + j] = Math.fround(Math.exp(y[o + j]!)) / s;
    }
  },
  logSoftmax(x, y, rows, cols) {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const ls = Math.log(shiftedExpSum(x, y, o, cols));
      for (let j = 0; j < cols; j++) y[o + j] = y[o + j]! - ls;
    }
  },
  transpose(x, y, batch, rows, cols) {
    // Bits, not values: int32 data viewed as float32 may hold NaN patterns.
    const xi = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const yi = new Uint32Array(y.buffer, y.byteOffset, y.length);
    const plane = rows * cols;
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) yi[b * plane + j * rows + i] = xi[b * plane + i * cols + j]!;
    }
  },
  gatherRows(x, indices, y, _rows, rowLength) {
    for (let i = 0; i < indices.length; i++) y.set(x.subarray(indices[i]! * rowLength, (indices[i]! + 1) * rowLength), i * rowLength);
  },
  castFloat32ToInt32(x, y) {
    for (let i = 0; i < x.length; i++) y[i] = toInt32(x[i]!);
  },
  castInt32ToFloat32(x, y) {
    for (let i = 0; i < x.length; i++) y[i] = x[i]!;
  },
  castBoolToFloat32(x, y) {
    for (let i = 0; i < x.length; i++) y[i] = x[i] !== 0 ? 1 : 0;
  },
  castBoolToInt32(x, y) {
    for (let i = 0; i < x.length; i++) y[i] = x[i] !== 0 ? 1 : 0;
  },
  castFloat32ToBool(x, y) {
    for (let i = 0; i < x.length; i++) y[i] = x[i] !== 0 ? 1 : 0;
  },
  oneHot(indices, y, depth, onValue, offValue) {
    y.fill(Math.fround(offValue));
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i]!;
      if (k >= 0 && k < depth) y[i * depth + k] = Math.fround(onValue);
    }
  },
};
