// GEMM family on every backend (and, via scripts/test.mjs, every SIMD path):
// against a float64 naive product computed here, with a tolerance derived
// from k and the magnitudes; Freivalds for large sizes; bitwise equality
// across thread counts; denseForward, columnSums; argument errors.
import { afterAll, describe, expect, it } from 'vitest';
import { getThreads, info, Rng, setThreads } from '../../lib/index.js';
import { rawBackend } from '../../lib/backend/index.js';
import { FusedActivation, type GemmBlockingInfo } from '../../lib/backend/gemm.js';
import { tryLoadNative } from '../../lib/backend/native.js';
import { backendsUnderTest } from '../helpers/backends.js';

const U = 2 ** -24; // float32 unit roundoff

// Error bound per element, relative to S = |alpha|·Σ_p|a_ip·b_pj| + |beta·c_ij|:
// gamma = 2·(k + 4)·u. Recursive float32 summation of k terms costs at most
// k·u·S (one rounding per FMA or add); without FMA (scalar path) each product
// is rounded too (another u per term, hence the 2); alpha·acc, beta·c, their
// sum and the per-KC-block accumulation into C add a few roundings (the +4),
// and the reference's own single rounding to float32 is within u·S.
function gamma(k: number): number {
  return 2 * (k + 4) * U;
}

function rand(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform() * 2 - 1;
  return a;
}

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
}

// Returns the first element out of tolerance, or undefined.
function compareWithNaive(a: Float32Array, b: Float32Array, c0: Float32Array, c: Float32Array, p: Case): string | undefined {
  const { m, n, k, transA, transB } = p;
  const alpha = Math.fround(p.alpha);
  const beta = Math.fround(p.beta);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let sa = 0;
      for (let q = 0; q < k; q++) {
        const t = (transA ? a[q * m + i]! : a[i * k + q]!) * (transB ? b[j * k + q]! : b[q * n + j]!);
        s += t;
        sa += Math.abs(t);
      }
      const cv = beta === 0 ? 0 : beta * c0[i * n + j]!;
      const ref = alpha * s + cv;
      const tol = gamma(k) * (Math.abs(alpha) * sa + Math.abs(cv));
      const got = c[i * n + j]!;
      if (!(Math.abs(got - ref) <= tol)) return `c[${i},${j}] = ${got}, expected ${ref} ± ${tol}`;
    }
  }
  return undefined;
}

const savedThreads = getThreads();
afterAll(() => setThreads(savedThreads));

// The blocking of this process's native GEMM (its SIMD path and the caches
// it was derived from); the reference backend is tested at the same sizes.
const native = tryLoadNative() as (ReturnType<typeof tryLoadNative> & { gemmBlocking?: () => GemmBlockingInfo }) | undefined;
const blocking: GemmBlockingInfo | undefined = native?.gemmBlocking?.();
// Without the addon: the AVX2 tile and the historical KC.
const { mr, nr, kc } = blocking ?? { mr: 6, nr: 16, kc: 256 };
const gemvMaxRows = blocking?.gemvMaxRows ?? 4;

// Sizes around the tile: 0, 1, MR ± 1, NR ± 1, 2·NR ± 1, KC ± 1, primes.
const boundary = [
  ...new Set([0, 1, 2, mr - 1, mr, mr + 1, nr - 1, nr, nr + 1, 2 * nr - 1, 2 * nr + 1, 37, 97, kc - 1, kc, kc + 1].filter((v) => v >= 0)),
].sort((x, y) => x - y);
const transposes = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

for (const { label, name, kernels } of backendsUnderTest()) {
  describe(`gemm [${label}]`, () => {
    for (const [transA, transB] of transposes) {
      const tt = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
      it(`${tt}: m, n, k each at tile boundaries [${label}]`, () => {
        const rng = new Rng(7);
        for (const s of boundary) {
          for (const [m, n, k] of [
            [s, 23, 19],
            [13, s, 19],
            [13, 23, s],
          ] as const) {
            const p = { m, n, k, transA, transB, alpha: 1, beta: 0 };
            const a = rand(m * k, rng);
            const b = rand(k * n, rng);
            const c = rand(m * n, rng);
            const c0 = c.slice();
            kernels.gemm(a, b, c, m, n, k, { transA, transB });
            expect(compareWithNaive(a, b, c0, c, p), `${m}x${n}x${k}`).toBeUndefined();
          }
        }
      });
    }

    it(`large shapes, every transpose case [${label}]`, () => {
      const rng = new Rng(11);
      const shapes = [
        [300, 257, 513, false, false],
        [129, 300, 260, true, false],
        [150, 97, 300, false, true],
        [97, 150, 280, true, true],
      ] as const;
      for (const [m, n, k, transA, transB] of shapes) {
        const a = rand(m * k, rng);
        const b = rand(k * n, rng);
        const c = new Float32Array(m * n);
        kernels.gemm(a, b, c, m, n, k, { transA, transB });
        expect(compareWithNaive(a, b, c, c, { m, n, k, transA, transB, alpha: 1, beta: 0 }), `${m}x${n}x${k}`).toBeUndefined();
      }
    });

    it(`MC, NC and multi-KC block boundaries of the exported blocking [${label}]`, () => {
      // Each shape is large enough (> 2^18 multiply-adds) for the packed path.
      const { mc, nc } = blocking ?? { mc: 144, nc: 4080 };
      const rng = new Rng(31);
      const shapes = [
        [mc - 1, 23, 700, false, false],
        [mc + 1, 23, 700, true, false],
        [13, nc + 1, 40, false, true],
        [70, 65, 2 * kc + 3, true, true],
        [71, 66, 3 * kc - 1, false, false],
      ] as const;
      for (const [m, n, k, transA, transB] of shapes) {
        const a = rand(m * k, rng);
        const b = rand(k * n, rng);
        const c = rand(m * n, rng);
        const c0 = c.slice();
        kernels.gemm(a, b, c, m, n, k, { transA, transB, alpha: 1, beta: 0.5 });
        expect(compareWithNaive(a, b, c0, c, { m, n, k, transA, transB, alpha: 1, beta: 0.5 }), `${m}x${n}x${k}`).toBeUndefined();
      }
    });

    it(`few rows (the GEMV path, m <= ${gemvMaxRows}) at vector, panel and KC boundaries, every transpose [${label}]`, () => {
      const rng = new Rng(37);
      const ns = [1, 7, 15, 16, 17, 33, 63, 64, 65, 511, 513, 1000];
      const ks = [1, 3, 5, 8, 9, 17, kc - 1, kc + 1, 2 * kc + 5];
      for (let m = 1; m <= gemvMaxRows + 1; m++) {
        for (const [transA, transB] of transposes) {
          for (const n of ns) {
            const k = ks[(n + m) % ks.length]!;
            for (const [alpha, beta] of [
              [1, 0],
              [-0.75, 1.5],
            ] as const) {
              const a = rand(m * k, rng);
              const b = rand(k * n, rng);
              const c = rand(m * n, rng);
              const c0 = c.slice();
              kernels.gemm(a, b, c, m, n, k, { transA, transB, alpha, beta });
              const p = { m, n, k, transA, transB, alpha, beta };
              expect(compareWithNaive(a, b, c0, c, p), `${m}x${n}x${k} transA=${transA} transB=${transB}`).toBeUndefined();
            }
          }
        }
      }
    });

    it(`few rows through a wide layer: 1..${gemvMaxRows} x 2048 x 2048 against float64 [${label}]`, () => {
      const size = name === 'native' ? 2048 : 256;
      const rng = new Rng(41);
      const b = rand(size * size, rng);
      for (const transB of [false, true]) {
        for (const m of [1, gemvMaxRows]) {
          const a = rand(m * size, rng);
          const c = new Float32Array(m * size);
          kernels.gemm(a, b, c, m, size, size, { transB });
          expect(compareWithNaive(a, b, c, c, { m, n: size, k: size, transA: false, transB, alpha: 1, beta: 0 }), `m=${m} transB=${transB}`).toBeUndefined();
        }
      }
    });

    it(`alpha/beta variants, small (direct) and large (packed) [${label}]`, () => {
      const rng = new Rng(13);
      for (const [alpha, beta] of [
        [1, 1],
        [-0.5, 0],
        [2, -1.5],
        [0.1, 0.3],
      ] as const) {
        for (const [m, n, k] of [
          [5, 9, 7],
          [70, 65, 66],
        ] as const) {
          for (const [transA, transB] of transposes) {
            const a = rand(m * k, rng);
            const b = rand(k * n, rng);
            const c = rand(m * n, rng);
            const c0 = c.slice();
            kernels.gemm(a, b, c, m, n, k, { transA, transB, alpha, beta });
            expect(compareWithNaive(a, b, c0, c, { m, n, k, transA, transB, alpha, beta })).toBeUndefined();
          }
        }
      }
    });

    it(`beta = 0 never reads C; alpha = 0 and k = 0 never read A or B; m or n = 0 is a no-op [${label}]`, () => {
      for (const s of [3, 45]) {
        const rng = new Rng(s);
        const a = rand(s * s, rng);
        const b = rand(s * s, rng);
        const c = new Float32Array(s * s).fill(NaN);
        kernels.gemm(a, b, c, s, s, s);
        expect(c.every(Number.isFinite)).toBe(true);
        const c2 = new Float32Array(s * s).fill(2);
        kernels.gemm(new Float32Array(s * s).fill(NaN), new Float32Array(s * s).fill(Infinity), c2, s, s, s, { alpha: 0, beta: 0.5 });
        expect([...c2]).toEqual(new Array(s * s).fill(1));
        kernels.gemm(new Float32Array(0), new Float32Array(0), c2, s, s, 0, { beta: -3 });
        expect([...c2]).toEqual(new Array(s * s).fill(-3));
        kernels.gemm(new Float32Array(0), new Float32Array(0), c2, s, s, 0);
        expect(c2.every((v) => Object.is(v, 0))).toBe(true);
      }
      kernels.gemm(new Float32Array(0), new Float32Array(15), new Float32Array(0), 0, 3, 5, { beta: 1 });
      kernels.gemm(new Float32Array(15), new Float32Array(0), new Float32Array(0), 3, 0, 5, { beta: 1 });
    });

    it(`Freivalds check of a large product, every transpose case [${label}]`, () => {
      // C·r against A·(B·r) in float64, O(n²). Per row the bound is
      // gamma(k)·(|A|·(|B|·|r|))_i, the elementwise bound summed with |r_j|
      // weights; the float64 products add ~n·2^-53 relative, far below it.
      const size = name === 'native' ? 1024 : 160;
      const rng = new Rng(17);
      const a = rand(size * size, rng);
      const b = rand(size * size, rng);
      const r = Float64Array.from({ length: size }, () => rng.uniform() * 2 - 1);
      const c = new Float32Array(size * size);
      for (const [transA, transB] of transposes) {
        kernels.gemm(a, b, c, size, size, size, { transA, transB });
        const at = (i: number, q: number) => (transA ? a[q * size + i]! : a[i * size + q]!);
        const bt = (q: number, j: number) => (transB ? b[j * size + q]! : b[q * size + j]!);
        const br = new Float64Array(size);
        const babs = new Float64Array(size);
        for (let q = 0; q < size; q++) {
          for (let j = 0; j < size; j++) {
            br[q]! += bt(q, j) * r[j]!;
            babs[q]! += Math.abs(bt(q, j) * r[j]!);
          }
        }
        let worst = 0;
        for (let i = 0; i < size; i++) {
          let cr = 0;
          let abr = 0;
          let bound = 0;
          for (let j = 0; j < size; j++) cr += c[i * size + j]! * r[j]!;
          for (let q = 0; q < size; q++) {
            abr += at(i, q) * br[q]!;
            bound += Math.abs(at(i, q)) * babs[q]!;
          }
          worst = Math.max(worst, Math.abs(cr - abr) / (gamma(size) * bound));
        }
        expect(worst, `transA=${transA} transB=${transB}`).toBeLessThanOrEqual(1);
        // The projection's bound sums n elementwise bounds, so it only sees
        // gross errors; 2000 random elements are also checked one by one.
        for (let t = 0; t < 2000; t++) {
          const i = rng.int(size);
          const j = rng.int(size);
          let s = 0;
          let sa = 0;
          for (let q = 0; q < size; q++) {
            s += at(i, q) * bt(q, j);
            sa += Math.abs(at(i, q) * bt(q, j));
          }
          const got = c[i * size + j]!;
          expect(Math.abs(got - s) <= gamma(size) * sa, `c[${i},${j}] = ${got}, expected ${s}`).toBe(true);
        }
      }
    });

    it(`few rows: bitwise identical for 1, 2 and 3 threads [${label}]`, () => {
      // 1·4100·300 multiply-adds: above the pool's threshold, so the native
      // GEMV cuts the columns into per-thread chunks.
      const rng = new Rng(43);
      for (const [m, n, k] of [
        [1, 4100, 300],
        [3, 1500, 777],
      ] as const) {
        const a = rand(m * k, rng);
        const b = rand(k * n, rng);
        const c0 = rand(m * n, rng);
        for (const [transA, transB] of transposes) {
          let first: Uint32Array | undefined;
          for (const t of [1, 2, 3]) {
            setThreads(t);
            const c = c0.slice();
            kernels.gemm(a, b, c, m, n, k, { transA, transB, alpha: 1.25, beta: 0.5 });
            const bits = new Uint32Array(c.buffer);
            first ??= bits;
            expect(bits, `m=${m} threads=${t} transA=${transA} transB=${transB}`).toEqual(first);
          }
        }
      }
      setThreads(savedThreads);
    });

    if (name === 'native') {
      it(`few rows with W stored k×n: the same bits as the rows of a larger product [${label}]`, () => {
        // The GEMV path sums each element in the packed path's K blocks and
        // order with the same arithmetic: predicting one row gives exactly
        // the bits that row gets in a batch.
        const rng = new Rng(47);
        const big = Math.max(mr, gemvMaxRows) + 3;
        for (const [n, k] of [
          [1000, 2 * kc + 9],
          [37, 300],
          [2048, 64],
        ] as const) {
          const a = rand(big * k, rng);
          const b = rand(k * n, rng);
          const all = new Float32Array(big * n);
          kernels.gemm(a, b, all, big, n, k);
          for (let m = 1; m <= gemvMaxRows; m++) {
            const c = new Float32Array(m * n);
            kernels.gemm(a.subarray(0, m * k), b, c, m, n, k);
            expect(new Uint32Array(c.buffer), `m=${m} n=${n} k=${k}`).toEqual(new Uint32Array(all.buffer, 0, m * n));
          }
        }
      });
    }

    it(`bitwise identical for 1, 2 and 3 threads [${label}]`, () => {
      // Large enough for the native pool to split it (> 2^20 multiply-adds,
      // several row and column chunks); smaller on the single-threaded reference.
      const rng = new Rng(19);
      const [m, n, k] = name === 'native' ? [300, 257, 513] : [61, 47, 89];
      const a = rand(m * k, rng);
      const b = rand(k * n, rng);
      const c0 = rand(m * n, rng);
      for (const [transA, transB] of transposes) {
        let first: Uint32Array | undefined;
        for (const t of [1, 2, 3]) {
          setThreads(t);
          if (name === 'native') expect(info().threads).toBe(t);
          const c = c0.slice();
          kernels.gemm(a, b, c, m, n, k, { transA, transB, alpha: 0.75, beta: 0.5 });
          const bits = new Uint32Array(c.buffer);
          first ??= bits;
          let differing = 0;
          for (let i = 0; i < bits.length; i++) if (bits[i] !== first[i]) differing++;
          expect(differing, `threads=${t} transA=${transA} transB=${transB}`).toBe(0);
        }
      }
      setThreads(savedThreads);
    });

    describe(`argument errors [${label}]`, () => {
      const a = new Float32Array(6).fill(1);
      const b = new Float32Array(12).fill(1);
      const fresh = () => new Float32Array(8).fill(7);
      const cases: Array<[string, (c: Float32Array) => void, ErrorConstructor, string]> = [
        ['short a', (c) => kernels.gemm(a.subarray(1), b, c, 2, 4, 3), RangeError, 'gemm: a must be of length 6, got length 5'],
        ['long b', (c) => kernels.gemm(a, new Float32Array(13), c, 2, 4, 3), RangeError, 'gemm: b must be of length 12, got length 13'],
        ['short c', (c) => kernels.gemm(a, b, c.subarray(1), 2, 4, 3), RangeError, 'gemm: c must be of length 8, got length 7'],
        ['negative m', (c) => kernels.gemm(a, b, c, -2, 4, 3), RangeError, 'gemm: m must be an integer >= 0, got -2'],
        ['fractional n', (c) => kernels.gemm(a, b, c, 2, 4.5, 3), RangeError, 'gemm: n must be an integer >= 0, got 4.5'],
        ['NaN k', (c) => kernels.gemm(a, b, c, 2, 4, NaN), RangeError, 'gemm: k must be an integer >= 0, got NaN'],
        // @ts-expect-error deliberately wrong
        ['string k', (c) => kernels.gemm(a, b, c, 2, 4, '3'), TypeError, 'gemm: k must be an integer >= 0, got string "3"'],
        // @ts-expect-error deliberately wrong
        ['numeric transA', (c) => kernels.gemm(a, b, c, 2, 4, 3, { transA: 1 }), TypeError, 'gemm: options.transA must be a boolean, got 1'],
        // @ts-expect-error deliberately wrong
        ['string transB', (c) => kernels.gemm(a, b, c, 2, 4, 3, { transB: 'yes' }), TypeError, 'gemm: options.transB must be a boolean, got string "yes"'],
        ['NaN alpha', (c) => kernels.gemm(a, b, c, 2, 4, 3, { alpha: NaN }), RangeError, 'gemm: options.alpha must be a finite number, got NaN'],
        ['infinite beta', (c) => kernels.gemm(a, b, c, 2, 4, 3, { beta: -Infinity }), RangeError, 'gemm: options.beta must be a finite number, got -Infinity'],
        // @ts-expect-error deliberately wrong
        ['Float64Array b', (c) => kernels.gemm(a, new Float64Array(12), c, 2, 4, 3), TypeError, 'gemm: b must be a Float32Array, got Float64Array(12)'],
        // @ts-expect-error deliberately wrong
        ['null options', (c) => kernels.gemm(a, b, c, 2, 4, 3, null), TypeError, 'gemm: options must be an object, got null'],
      ];
      for (const [what, call, cls, message] of cases) {
        it(`${what} [${label}]`, () => {
          const c = fresh();
          expect(() => call(c)).toThrow(cls);
          expect(() => call(c)).toThrow(message);
          expect([...c]).toEqual(new Array(8).fill(7));
        });
      }

      it(`c overlapping a or b [${label}]`, () => {
        const buf = new Float32Array(40).fill(3);
        const before = buf.slice();
        const aa = buf.subarray(0, 6);
        const bb = buf.subarray(10, 22);
        expect(() => kernels.gemm(aa, b, buf.subarray(4, 12), 2, 4, 3)).toThrow(
          new RangeError('gemm: c must be memory separate from a, got memory overlapping a'),
        );
        expect(() => kernels.gemm(a, bb, buf.subarray(14, 22), 2, 4, 3)).toThrow(
          new RangeError('gemm: c must be memory separate from b, got memory overlapping b'),
        );
        const square = buf.subarray(30, 34);
        expect(() => kernels.gemm(square, b.subarray(0, 4), square, 2, 2, 2)).toThrow(
          new RangeError('gemm: c must be memory separate from a, got the same memory as a'),
        );
        expect(buf).toEqual(before);
      });
    });
  });

  describe(`denseForward [${label}]`, () => {
    const raw = rawBackend(name);
    const acts: Array<[string, FusedActivation, number, (z: number) => number, number]> = [
      ['none', FusedActivation.none, 0, (z) => z, 1],
      ['relu', FusedActivation.relu, 0, (z) => Math.max(z, 0), 1],
      ['leakyRelu', FusedActivation.leakyRelu, 0.01, (z) => (z > 0 ? z : Math.fround(0.01) * z), 1],
      ['elu', FusedActivation.elu, 1.5, (z) => (z > 0 ? z : 1.5 * Math.expm1(z)), 1.5],
      ['sigmoid', FusedActivation.sigmoid, 0, (z) => 1 / (1 + Math.exp(-z)), 0.25],
      ['tanh', FusedActivation.tanh, 0, Math.tanh, 1],
    ];
    for (const [actName, act, alpha, f, lipschitz] of acts) {
      for (const withBias of [true, false]) {
        it(`${actName}${withBias ? ' + bias' : ''} equals act(float32(x·w) + bias) [${label}]`, () => {
          // Tolerance: the product's bound gamma(k)·Σ|x·w| (see gemm above)
          // plus one rounding of the bias add, through the activation's
          // Lipschitz constant, plus 4 ulp for the activation kernel itself.
          const rng = new Rng(23 + act);
          for (const [m, n, k] of [
            [3, 10, 7],
            [1, 700, 300],
            [4, 97, 300],
            [32, 10, 128],
            [70, 97, 300],
          ] as const) {
            const x = rand(m * k, rng).map((v) => v * 2);
            const w = rand(k * n, rng);
            const bias = withBias ? rand(n, rng) : null;
            const y = new Float32Array(m * n).fill(NaN);
            raw.denseForward(x, w, bias, y, m, n, k, act, Math.fround(alpha));
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let s = 0;
                let sa = 0;
                for (let q = 0; q < k; q++) {
                  s += x[i * k + q]! * w[q * n + j]!;
                  sa += Math.abs(x[i * k + q]! * w[q * n + j]!);
                }
                const z = bias ? s + bias[j]! : s;
                const ref = f(z);
                const tol = lipschitz * (gamma(k) * sa + 2 * U * Math.abs(z)) + 4 * U * Math.abs(ref) + 1e-30;
                const got = y[i * n + j]!;
                expect(Math.abs(got - ref) <= tol, `${m}x${n}x${k} y[${i},${j}] = ${got}, expected ${ref} ± ${tol}`).toBe(true);
              }
            }
          }
        });
      }
    }
  });

  describe(`columnSums [${label}]`, () => {
    const raw = rawBackend(name);
    it(`out[j] = Σ_i a[i,j] (+ beta·out[j]) at vector boundaries [${label}]`, () => {
      // Tolerance: a float32 sum of m terms in fixed order, m·u·Σ|a| (+ the
      // beta term's two roundings) - the recursive-summation bound.
      const rng = new Rng(29);
      for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 70]) {
        for (const m of [0, 1, 37, 300]) {
          for (const beta of [0, 0.5]) {
            const a = rand(m * n, rng);
            const out0 = rand(n, rng);
            const out = beta === 0 ? new Float32Array(n).fill(NaN) : out0.slice();
            raw.columnSums(a, out, m, n, beta);
            for (let j = 0; j < n; j++) {
              let s = 0;
              let sa = 0;
              for (let i = 0; i < m; i++) {
                s += a[i * n + j]!;
                sa += Math.abs(a[i * n + j]!);
              }
              const ref = beta === 0 ? s : s + beta * out0[j]!;
              const tol = (m + 2) * U * (sa + Math.abs(beta * out0[j]!));
              expect(Math.abs(out[j]! - ref) <= tol, `m=${m} n=${n} beta=${beta} out[${j}]=${out[j]} expected ${ref}`).toBe(true);
            }
          }
        }
      }
    });
  });
}

describe('setThreads', () => {
  it('accepts integers 1..1024 and reports them through getThreads/info on native', () => {
    setThreads(3);
    if (info().backend === 'native') expect(getThreads()).toBe(3);
    setThreads(savedThreads);
    expect(getThreads()).toBe(info().backend === 'native' ? savedThreads : getThreads());
  });
  for (const [bad, cls, got] of [
    [0, RangeError, '0'],
    [1025, RangeError, '1025'],
    [1.5, RangeError, '1.5'],
    [NaN, RangeError, 'NaN'],
    ['2', TypeError, 'string "2"'],
  ] as const) {
    it(`rejects ${String(bad)} with ${cls.name}`, () => {
      const before = getThreads();
      // @ts-expect-error deliberately wrong types included
      expect(() => setThreads(bad)).toThrow(new cls(`setThreads: n must be an integer from 1 to 1024, got ${got}`));
      expect(getThreads()).toBe(before);
    });
  }
});
