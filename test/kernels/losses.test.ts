// Loss kernels on every backend (and, via npm test, every SIMD path) against
// float64 oracles written here from the formulas.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random.js';
import { backendsUnderTest } from '../helpers/backends.js';

const SIZES = [0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 257, 4099];
const F32_EPS = 2 ** -23;

function rand(n: number, rng: Rng, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** |a − e| ≤ ulps·ε·|e| + abs, elementwise, with the first offender in the message. */
function expectUlps(name: string, actual: Float32Array, expected: ArrayLike<number>, ulps: number, abs = 0): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e);
    if (!(err <= ulps * F32_EPS * Math.abs(e) + abs)) expect.fail(`${name}[${i}]: ${actual[i]} vs ${e}`);
  }
}

// The loss is a float64 sum in a backend-dependent order (AVX2 MSE uses four
// lanes): relative 1e-12 covers n·2^-53 for every n here.
function expectLoss(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(expected), 1e-300));
}

for (const b of backendsUnderTest()) {
  const k = b.kernels;
  describe(`losses [${b.label}]`, () => {
    it(`mse over sizes ${SIZES.join(', ')}`, () => {
      const rng = new Rng(11);
      for (const n of SIZES) {
        const p = rand(n, rng, 3);
        const t = rand(n, rng);
        const g = new Float32Array(n).fill(NaN);
        const value = k.mse(p, t, g);
        let s = 0;
        const want = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const d = p[i]! - t[i]!;
          s += d * d;
          want[i] = d * (2 / n);
        }
        expectLoss(value, n ? s / n : 0);
        // One rounding of the same float64 expression on every path: bitwise.
        expect([...g]).toEqual([...Float32Array.from(want)]);
      }
    });

    it(`binaryCrossEntropy over sizes ${SIZES.join(', ')}`, () => {
      const rng = new Rng(12);
      for (const n of SIZES) {
        const z = rand(n, rng, 4);
        const t = Float32Array.from({ length: n }, () => rng.uniform());
        const g = new Float32Array(n);
        const value = k.binaryCrossEntropy(z, t, g);
        let s = 0;
        const want = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          s += Math.max(z[i]!, 0) - z[i]! * t[i]! + Math.log1p(Math.exp(-Math.abs(z[i]!)));
          want[i] = (sigmoid(z[i]!) - t[i]!) / n;
        }
        expectLoss(value, n ? s / n : 0);
        // exp differs by ≤ 1 double ulp between libm and V8; after the float32
        // rounding that is ≤ 1 float ulp (plus the cancellation in σ − t,
        // bounded by an absolute 1e-15·/n).
        expectUlps('grad', g, want, 1, 1e-15);
      }
    });

    for (const [n, classes] of [
      [0, 3],
      [1, 1],
      [1, 2],
      [7, 9],
      [33, 17],
      [16, 10],
      // Either side of the native kernel's 64-class exp cache.
      [3, 64],
      [3, 65],
      [2, 100],
    ] as const) {
      it(`softmaxCrossEntropy ${n}×${classes}, one-hot and labels`, () => {
        const rng = new Rng(13 + n * 100 + classes);
        const z = rand(n * classes, rng, 3);
        const labels = Int32Array.from({ length: n }, () => rng.int(classes));
        const onehot = new Float32Array(n * classes);
        labels.forEach((c, r) => (onehot[r * classes + c] = 1));
        let s = 0;
        const want = new Float64Array(n * classes);
        for (let r = 0; r < n; r++) {
          const row = z.subarray(r * classes, (r + 1) * classes);
          const m = Math.max(...row);
          const denom = row.reduce((a, v) => a + Math.exp(v - m), 0);
          s += Math.log(denom) + m - row[labels[r]!]!;
          for (let j = 0; j < classes; j++) want[r * classes + j] = (Math.exp(row[j]! - m) / denom - (j === labels[r] ? 1 : 0)) / n;
        }
        for (const target of [labels, onehot]) {
          const g = new Float32Array(n * classes).fill(NaN);
          const value = k.softmaxCrossEntropy(z, target, g, n, classes);
          expectLoss(value, n ? s / n : 0);
          // Two exps and a division per element, each within a double ulp:
          // ≤ 1 float ulp after rounding; p − 1 cancels, hence the absolute part.
          expectUlps('grad', g, want, 1, 1e-15);
        }
      });
    }

    it('softmaxCrossEntropy with soft targets (rows not summing to 1)', () => {
      const rng = new Rng(15);
      const n = 9;
      const classes = 7;
      const z = rand(n * classes, rng, 2);
      const t = Float32Array.from({ length: n * classes }, () => rng.uniform());
      const g = new Float32Array(n * classes);
      const value = k.softmaxCrossEntropy(z, t, g, n, classes);
      let s = 0;
      const want = new Float64Array(n * classes);
      for (let r = 0; r < n; r++) {
        const row = z.subarray(r * classes, (r + 1) * classes);
        const tr = t.subarray(r * classes, (r + 1) * classes);
        const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
        const tsum = tr.reduce((a, v) => a + v, 0);
        for (let j = 0; j < classes; j++) {
          s += tr[j]! * (lse - row[j]!);
          want[r * classes + j] = ((Math.exp(row[j]! - lse) * tsum - tr[j]!) / n);
        }
      }
      expectLoss(value, s / n);
      // As above, plus the oracle's lse without max subtraction (|z| ≤ 8 here: exact enough).
      expectUlps('grad', g, want, 2, 1e-15);
    });

    it('extreme logits (±1e4) give finite, exact losses and gradients', () => {
      const z = new Float32Array([1e4, -1e4, 0, -1e4, 1e4, 1e4]);
      const g = new Float32Array(6);
      // Row 0: label 1 sits 2e4 below the max; row 1: two tied maxima, label 2.
      const v = k.softmaxCrossEntropy(z, new Int32Array([1, 2]), g, 2, 3);
      expect(v).toBeCloseTo((2e4 + Math.log(2)) / 2, 9);
      expect([...g]).toEqual([0.5, -0.5, 0, 0, 0.25, -0.25]);
      const gb = new Float32Array(6);
      const vb = k.binaryCrossEntropy(z, new Float32Array([0, 1, 1, 0, 1, 0]), gb);
      // log(1+e^0) at z = 0, t = 1, plus 1e4 from rows 0, 1 and 5: exact up to the log term.
      expect(vb).toBeCloseTo((3e4 + Math.log(2)) / 6, 9);
      expect([...gb]).toEqual([1 / 6, -1 / 6, -1 / 12, 0, 0, 1 / 6].map(Math.fround));
      for (const x of [...g, ...gb, v, vb]) expect(Number.isFinite(x)).toBe(true);
    });

    it('grad may be the same memory as the prediction (in place)', () => {
      const rng = new Rng(14);
      const z = rand(24, rng, 2);
      const labels = new Int32Array([0, 3, 5, 1]);
      const sep = new Float32Array(24);
      const v1 = k.softmaxCrossEntropy(z, labels, sep, 4, 6);
      const inPlace = z.slice();
      const v2 = k.softmaxCrossEntropy(inPlace, labels, inPlace, 4, 6);
      expect(v2).toBe(v1);
      expect([...inPlace]).toEqual([...sep]);
      const t = rand(24, rng);
      const m1 = k.mse(z, t, sep);
      const zz = z.slice();
      expect(k.mse(zz, t, zz)).toBe(m1);
      expect([...zz]).toEqual([...sep]);
    });

    it('rejects bad arguments with class and message, leaving grad untouched', () => {
      const g = new Float32Array(6).fill(7);
      const z = new Float32Array(6);
      const untouched = () => expect([...g]).toEqual([7, 7, 7, 7, 7, 7]);
      expect(() => k.mse(z, new Float32Array(5), g)).toThrow(new RangeError('mse: target must be of length 6, got length 5'));
      expect(() => k.mse(z, z, new Float32Array(3))).toThrow(new RangeError('mse: grad must be of length 6, got length 3'));
      // @ts-expect-error deliberately wrong
      expect(() => k.binaryCrossEntropy([1, 2], z, g)).toThrow(new TypeError('binaryCrossEntropy: logits must be a Float32Array, got Array(2)'));
      expect(() => k.softmaxCrossEntropy(z, new Int32Array([0, 3]), g, 2, 3)).toThrow(
        new RangeError('softmaxCrossEntropy: target[1] must be a class label in [0, 3), got 3'),
      );
      expect(() => k.softmaxCrossEntropy(z, new Int32Array([-1, 0]), g, 2, 3)).toThrow(
        new RangeError('softmaxCrossEntropy: target[0] must be a class label in [0, 3), got -1'),
      );
      expect(() => k.softmaxCrossEntropy(z, new Int32Array([0]), g, 2, 3)).toThrow(
        new RangeError('softmaxCrossEntropy: target must be of length 2 (labels), got length 1'),
      );
      expect(() => k.softmaxCrossEntropy(z, new Float32Array(6), g, 3, 3)).toThrow(new RangeError('softmaxCrossEntropy: logits must be of length 9, got length 6'));
      expect(() => k.softmaxCrossEntropy(z, new Float32Array(6), g, 2, 0)).toThrow(new RangeError('softmaxCrossEntropy: classes must be an integer >= 1, got 0'));
      // @ts-expect-error deliberately wrong
      expect(() => k.softmaxCrossEntropy(z, new Uint8Array(2), g, 2, 3)).toThrow(
        new TypeError('softmaxCrossEntropy: target must be a Float32Array (one-hot) or an Int32Array (labels), got Uint8Array(2)'),
      );
      const t = new Float32Array(12);
      expect(() => k.mse(t.subarray(0, 6), t.subarray(6), t.subarray(3, 9))).toThrow(
        new RangeError('mse: grad must be memory separate from pred (or exactly the same), got memory overlapping pred'),
      );
      untouched();
    });
  });
}
