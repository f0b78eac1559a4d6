// One table-driven suite for the activation kernels, run on every backend
// (and, through scripts/test.mjs, on every SIMD path). Each kernel is checked
// against its float64 formula (the definitions of the README's activation
// section), written here independently of the code under test and rounded once to float32, with the
// tolerance written next to it. Hand-worked values below test the formulas
// (and so the reference backend) themselves.
import { describe, expect, it } from 'vitest';
import type { Kernels } from '../../lib/backend/index.js';
import { Rng } from '../../lib/random.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { sameValue, ulpDistance } from '../helpers/floats.js';
import * as erf from '../../lib/backend/reference/erf.js';
import { backwardSlack, forwardSlack, TOLERANCES as SHARED } from '../shared/activation-tolerances.mjs';

const { erfc, normalCdf, normalPdf } = erf;

type Path = 'reference' | 'scalar' | 'simd';

function pathOf(label: string): Path {
  if (label === 'reference') return 'reference';
  return label === 'native/scalar' ? 'scalar' : 'simd';
}

/**
 * Allowed distance in float32 ulps from the float64 formula rounded once.
 * reference: the same float64 formula, one rounding: 0.
 * scalar: the C library's exp/expm1/tanh in double, one rounding: another
 *   libm can round the float64 value differently only near a float32
 *   rounding boundary, so at most 1.
 * simd: the polynomial exp of native/kernels/activations_avx2.cc. The
 *   self-test's dense sweep measured at most exp 1, sigmoid 2, tanh 1,
 *   expm1/elu 1 ulp; the bounds add the roundings this test adds (alpha*,
 *   *dy) as noted per kernel.
 */
interface Tol {
  reference: number;
  scalar: number;
  simd: number;
}
const EXACT: Tol = { reference: 0, scalar: 0, simd: 0 };

const EDGES = [
  0, -0, 1e-45, -1e-45, 1e-40, -1e-40, 1.1754942e-38, -1.1754942e-38, 1e30, -1e30, Infinity, -Infinity, NaN, 100, -100, 88.5,
  -88.5, -87.5, -103, 0.55, -0.55, 9, -9, 1e-7, -1e-7, 3.4e38, -3.4e38, 1, -1,
];
const DY_EDGES = [0, -0, 1e-40, -1e-40, 1e30, -1e30, NaN, 1, -1];

/** Every third element is an edge value (rotated so they reach every lane and the tail). */
function inputs(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i % 3 === 0 ? EDGES[(i / 3 + seed) % EDGES.length]! : (rng.uniform() - 0.5) * (i % 5 === 0 ? 200 : 24);
  }
  return x;
}

/** Ordinary gradients with edge values (NaN, ±0, subnormal, ±1e30) every 13th element. */
function gradients(n: number, seed: number): Float32Array {
  const rng = new Rng(seed ^ 0x5bd1e995);
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) g[i] = i % 13 === 0 ? DY_EDGES[(i / 13 + seed) % DY_EDGES.length]! : (rng.uniform() - 0.5) * 8;
  return g;
}

const fround = Math.fround;
const sigmoid64 = (x: number): number => 1 / (1 + Math.exp(-x));

interface UnaryCase {
  name: string;
  run(k: Kernels, x: Float32Array, y: Float32Array): void;
  formula(x: number): number;
  tol: Tol;
  /** Extra absolute slack at x on native paths (results in the subnormal range). */
  slack?: (x: number) => number;
}

// GELU's tanh form as x·σ(2u), 2u = 2·√(2/π)·(x + 0.044715·x³): the same
// function as x·(1 + tanh u)/2 without its cancellation for x < 0.
const twoU = (x: number): number => 2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3);
const twoUPrime = (x: number): number => 2 * Math.sqrt(2 / Math.PI) * (1 + 3 * 0.044715 * x * x);
const clamp30 = (x: number): number => Math.min(30, Math.max(-30, x));
/** GELU's and SiLU's bounds, with their reasons: test/shared/activation-tolerances.mjs. */
const shared = (name: keyof typeof SHARED): Tol => ({ reference: 0, scalar: SHARED[name].scalar, simd: SHARED[name].simd });

const LEAKY = fround(0.3);
const ELU = fround(0.7);

const unaryCases: UnaryCase[] = [
  // The ReLU family is a comparison and at most one product of two floats,
  // which float32 rounds exactly as float64-then-float32 does: bitwise.
  { name: 'relu', run: (k, x, y) => k.relu(x, y), formula: (x) => (x > 0 || Number.isNaN(x) ? x : 0), tol: EXACT },
  { name: 'leakyRelu (default α)', run: (k, x, y) => k.leakyRelu(x, y), formula: (x) => (x > 0 ? x : fround(0.01) * x), tol: EXACT },
  { name: 'leakyRelu (α=0.3)', run: (k, x, y) => k.leakyRelu(x, y, 0.3), formula: (x) => (x > 0 ? x : LEAKY * x), tol: EXACT },
  // elu: expm1 measured ≤ 1 ulp, then alpha* rounds once more in float32: 2.
  { name: 'elu (default α)', run: (k, x, y) => k.elu(x, y), formula: (x) => (x > 0 ? x : Math.expm1(x)), tol: { reference: 0, scalar: 1, simd: 2 } },
  { name: 'elu (α=0.7)', run: (k, x, y) => k.elu(x, y, 0.7), formula: (x) => (x > 0 ? x : ELU * Math.expm1(x)), tol: { reference: 0, scalar: 1, simd: 2 } },
  // sigmoid: measured ≤ 2 (exp, 1+e and the division each round); +1 headroom.
  { name: 'sigmoid', run: (k, x, y) => k.sigmoid(x, y), formula: sigmoid64, tol: { reference: 0, scalar: 1, simd: 3 } },
  // tanh: measured ≤ 1 (polynomial below 0.55, 1 - 2/(e+1) above); +1 headroom.
  { name: 'tanh', run: (k, x, y) => k.tanh(x, y), formula: Math.tanh, tol: { reference: 0, scalar: 1, simd: 2 } },
  // GELU, SiLU: bounds and reasons in test/shared/activation-tolerances.mjs;
  // subnormal results also get forwardSlack (gradual underflow of Φ and σ).
  { name: 'gelu', run: (k, x, y) => k.gelu(x, y), formula: (x) => x * normalCdf(x), tol: shared('gelu'), slack: forwardSlack },
  {
    name: "gelu (approximate: 'tanh')",
    run: (k, x, y) => k.gelu(x, y, 'tanh'),
    formula: (x) => x * sigmoid64(twoU(x)),
    tol: shared('geluTanh'),
    slack: forwardSlack,
  },
  { name: 'silu', run: (k, x, y) => k.silu(x, y), formula: (x) => x * sigmoid64(x), tol: shared('silu'), slack: forwardSlack },
];

interface BackwardCase {
  name: string;
  run(k: Kernels, a: Float32Array, dy: Float32Array, dx: Float32Array): void;
  formula(a: number, g: number): number;
  /** First argument: x, or the forward output of sigmoid / tanh. */
  input: 'x' | 'sigmoid' | 'tanh';
  tol: Tol;
  /** Extra absolute slack per |dy| (see eluBackward). */
  subnormalSlack?: number;
  /** Extra absolute slack at (a, dy) on native paths (GELU', SiLU': see the shared file). */
  slack?: (a: number, g: number) => number;
}


const backwardCases: BackwardCase[] = [
  // Selects, never multiplies by a mask: a NaN dy where x <= 0 gives 0.
  { name: 'reluBackward', run: (k, x, g, d) => k.reluBackward(x, g, d), formula: (x, g) => (x > 0 ? g : 0), input: 'x', tol: EXACT },
  {
    name: 'leakyReluBackward (default α)',
    run: (k, x, g, d) => k.leakyReluBackward(x, g, d),
    formula: (x, g) => (x > 0 ? g : fround(0.01) * g),
    input: 'x',
    tol: EXACT,
  },
  {
    name: 'leakyReluBackward (α=0.3)',
    run: (k, x, g, d) => k.leakyReluBackward(x, g, d, 0.3),
    formula: (x, g) => (x > 0 ? g : LEAKY * g),
    input: 'x',
    tol: EXACT,
  },
  // (α·eˣ)·dy: exp ≤ 1 ulp, then two float32 products round: 3. For x < -87
  // eˣ is subnormal in float32 (absolute resolution 2^-149), so the result may
  // also be off by (|α|+1)·|dy|·2^-149 in absolute terms.
  {
    name: 'eluBackward (α=0.7)',
    run: (k, x, g, d) => k.eluBackward(x, g, d, 0.7),
    formula: (x, g) => (x > 0 ? g : ELU * Math.exp(x) * g),
    input: 'x',
    tol: { reference: 0, scalar: 1, simd: 3 },
    subnormalSlack: (0.7 + 1) * 2 ** -149,
  },
  // dy·y·(1−y): the scalar path does it in double like the reference (exact);
  // SIMD rounds three float32 operations (≤ 1.5 ulp) against one: 2.
  {
    name: 'sigmoidBackward',
    run: (k, y, g, d) => k.sigmoidBackward(y, g, d),
    formula: (s, g) => g * s * (1 - s),
    input: 'sigmoid',
    tol: { reference: 0, scalar: 0, simd: 2 },
  },
  // dy·((1−y)(1+y)): four float32 roundings against one: 3.
  {
    name: 'tanhBackward',
    run: (k, y, g, d) => k.tanhBackward(y, g, d),
    formula: (t, g) => g * ((1 - t) * (1 + t)),
    input: 'tanh',
    tol: { reference: 0, scalar: 0, simd: 3 },
  },
  // GELU', SiLU': they cross zero, so besides the ulps the bound is in ulps
  // of Σ|terms| (test/shared/activation-tolerances.mjs, with the reasons).
  {
    name: 'geluBackward',
    run: (k, x, g, d) => k.geluBackward(x, g, d),
    formula: (x, g) => g * (normalCdf(x) + x * normalPdf(x)),
    input: 'x',
    tol: shared('geluBackward'),
    slack: (x, g) => backwardSlack('geluBackward', x, g, erf),
  },
  // Beyond |x| = 30 the value is exactly 0 or dy (the kernels clamp x there; so does this formula).
  {
    name: "geluBackward (approximate: 'tanh')",
    run: (k, x, g, d) => k.geluBackward(x, g, d, 'tanh'),
    formula: (x, g) => {
      const c = clamp30(x);
      return g * (sigmoid64(twoU(c)) * (1 + c * sigmoid64(-twoU(c)) * twoUPrime(c)));
    },
    input: 'x',
    tol: shared('geluTanhBackward'),
    slack: (x, g) => backwardSlack('geluTanhBackward', x, g, erf),
  },
  {
    name: 'siluBackward',
    run: (k, x, g, d) => k.siluBackward(x, g, d),
    formula: (x, g) => g * (sigmoid64(x) * (1 + x * sigmoid64(-x))),
    input: 'x',
    tol: shared('siluBackward'),
    slack: (x, g) => backwardSlack('siluBackward', x, g, erf),
  },
];

const LENGTHS = [0, 1, 2, 3, 5, 7, 8, 9, 13, 15, 16, 17, 31, 33, 61, 127, 1000, 1009, 1_000_000];

/** The first element outside tolerance, described, or undefined. */
function firstBad(
  got: Float32Array,
  ins: Float32Array[],
  want: (i: number) => number,
  ulps: number,
  slack: (i: number) => number = () => 0,
): string | undefined {
  for (let i = 0; i < got.length; i++) {
    const w = fround(want(i));
    const g = got[i]!;
    const ok = ulps === 0 ? sameValue(g, w) : ulpDistance(g, w) <= ulps || Math.abs(g - w) <= slack(i);
    if (!ok) return `i=${i} in=(${ins.map((a) => a[i]).join(', ')}): got ${g}, want ${w} (${ulpDistance(g, w)} ulp; allowed ${ulps})`;
  }
  return undefined;
}

function forwardInput(kind: BackwardCase['input'], n: number, seed: number): Float32Array {
  const x = inputs(n, seed);
  if (kind === 'x') return x;
  // A forward output: computed once in float64 and rounded (NaN included).
  const f = kind === 'sigmoid' ? sigmoid64 : Math.tanh;
  return x.map((v) => f(v));
}

for (const b of backendsUnderTest()) {
  const path = pathOf(b.label);
  const k = b.kernels;

  describe(`activations [${b.label}]`, () => {
    for (const c of unaryCases) {
      it.each(LENGTHS)(`${c.name} matches its formula, n=%i [${b.label}]`, (n) => {
        const x = inputs(n, n + 1);
        const y = new Float32Array(n).fill(-7);
        c.run(k, x, y);
        const slack = c.slack && path !== 'reference' ? (i: number) => c.slack!(x[i]!) : undefined;
        expect(firstBad(y, [x], (i) => c.formula(x[i]!), c.tol[path], slack)).toBeUndefined();
        // NaN in, NaN out, whatever the tolerance.
        for (let i = 0; i < n; i++) if (Number.isNaN(x[i]!)) expect(y[i]).toBeNaN();
      });
      it(`${c.name} in place (y = x) gives the same bits [${b.label}]`, () => {
        const x = inputs(1009, 3);
        const y = new Float32Array(x.length);
        c.run(k, x, y);
        const z = x.slice();
        c.run(k, z, z);
        expect(Buffer.from(z.buffer).equals(Buffer.from(y.buffer))).toBe(true);
      });
    }

    for (const c of backwardCases) {
      it.each(LENGTHS)(`${c.name} matches its formula, n=%i [${b.label}]`, (n) => {
        const a = forwardInput(c.input, n, n + 5);
        const g = gradients(n, n + 9);
        const d = new Float32Array(n).fill(-7);
        c.run(k, a, g, d);
        const slack =
          path === 'reference'
            ? undefined
            : c.slack
              ? (i: number) => c.slack!(a[i]!, g[i]!)
              : c.subnormalSlack
                ? (i: number) => Math.abs(g[i]!) * c.subnormalSlack!
                : undefined;
        expect(firstBad(d, [a, g], (i) => c.formula(a[i]!, g[i]!), c.tol[path], slack)).toBeUndefined();
      });
      it(`${c.name} in place (dx = dy, dx = x) gives the same bits [${b.label}]`, () => {
        const a = forwardInput(c.input, 1009, 7);
        const g = gradients(1009, 8);
        const d = new Float32Array(a.length);
        c.run(k, a, g, d);
        const onDy = g.slice();
        c.run(k, a, onDy, onDy);
        const onX = a.slice();
        c.run(k, onX, g, onX);
        expect(Buffer.from(onDy.buffer).equals(Buffer.from(d.buffer))).toBe(true);
        expect(Buffer.from(onX.buffer).equals(Buffer.from(d.buffer))).toBe(true);
      });
    }

    // PReLU: rows × features; a shared α (features = 1) and per-feature α.
    const SHAPES: Array<[number, number]> = [
      ...LENGTHS.map((n): [number, number] => [n, 1]),
      [0, 3],
      [5, 3],
      [4, 7],
      [3, 8],
      [9, 9],
      [2, 13],
      [7, 17],
      [100, 33],
      [2, 1031],
      [1000, 61],
    ];
    const alphaFor = (f: number): Float32Array => Float32Array.from({ length: f }, (_, j) => 0.25 - 0.013 * (j % 37));

    it.each(SHAPES)(`prelu forward and backward match their formulas, rows=%i features=%i [${b.label}]`, (rows, f) => {
      const n = rows * f;
      const x = inputs(n, n + f);
      const g = gradients(n, n + 2 * f);
      const alpha = alphaFor(f);
      const y = new Float32Array(n);
      const dx = new Float32Array(n);
      const dalpha = new Float32Array(f).fill(123);
      k.prelu(x, alpha, y);
      k.preluBackward(x, alpha, g, dx, dalpha);
      // Exact: one product of two floats (as for Leaky ReLU).
      expect(firstBad(y, [x], (i) => (x[i]! > 0 ? x[i]! : alpha[i % f]! * x[i]!), 0)).toBeUndefined();
      expect(firstBad(dx, [x, g], (i) => (x[i]! > 0 ? g[i]! : alpha[i % f]! * g[i]!), 0)).toBeUndefined();
      // dα_j = Σ over rows of x·dy where x ≤ 0 (NaN x included: it takes the α side).
      const sum = new Float64Array(f);
      const abs = new Float64Array(f);
      for (let i = 0; i < n; i++) {
        if (x[i]! > 0) continue;
        const j = i % f;
        sum[j] = sum[j]! + x[i]! * g[i]!;
        abs[j] = abs[j]! + Math.abs(x[i]! * g[i]!);
      }
      // Per-feature α and the scalar path add the exact float products in
      // double in row order, as written here: bitwise. A shared α on SIMD sums
      // in vector lanes: the double sums differ by ≤ n·2^-53·Σ|terms|, and
      // the float32 rounding of each by ½ ulp: allow 1 ulp + n·2^-52·Σ|terms|.
      const lanes = f === 1 && path === 'simd';
      for (let j = 0; j < f; j++) {
        const want = fround(sum[j]!);
        const got = dalpha[j]!;
        const ok = lanes && Number.isFinite(want) ? Math.abs(got - want) <= 2 ** -23 * Math.abs(want) + n * 2 ** -52 * abs[j]! : sameValue(got, want);
        expect(ok, `dalpha[${j}] = ${got}, want ${want}`).toBe(true);
      }
    });

    it(`preluBackward in place (dx = dy, dx = x) gives the same bits [${b.label}]`, () => {
      for (const [rows, f] of [
        [1009, 1],
        [31, 13],
      ] as const) {
        const x = inputs(rows * f, 1);
        const g = gradients(rows * f, 2);
        const alpha = alphaFor(f);
        const dx = new Float32Array(x.length);
        const da = new Float32Array(f);
        k.preluBackward(x, alpha, g, dx, da);
        const onDy = g.slice();
        const da2 = new Float32Array(f);
        k.preluBackward(x, alpha, onDy, onDy, da2);
        const onX = x.slice();
        const da3 = new Float32Array(f);
        k.preluBackward(onX, alpha, g, onX, da3);
        for (const [out, d] of [
          [onDy, da2],
          [onX, da3],
        ] as const) {
          expect(Buffer.from(out.buffer).equals(Buffer.from(dx.buffer))).toBe(true);
          expect(Buffer.from(d.buffer).equals(Buffer.from(da.buffer))).toBe(true);
        }
      }
    });

    it(`length 0 is a no-op [${b.label}]`, () => {
      const e = new Float32Array(0);
      const a1 = new Float32Array([0.25]);
      const da = new Float32Array([9]);
      expect(() => {
        k.relu(e, e);
        k.sigmoid(e, e);
        k.tanhBackward(e, e, e);
        k.eluBackward(e, e, e);
        k.prelu(e, a1, e);
        k.preluBackward(e, a1, e, e, da);
      }).not.toThrow();
      expect(da[0]).toBe(0); // an empty sum
    });
  });

  describe(`activations: hand-worked values [${b.label}]`, () => {
    const run1 = (f: (x: Float32Array, y: Float32Array) => void, xs: number[]): number[] => {
      const x = Float32Array.from(xs);
      const y = new Float32Array(x.length);
      f(x, y);
      return Array.from(y);
    };
    const close = (got: number, want: number, ulps: number): void => {
      expect(ulpDistance(got, fround(want)), `got ${got}, want ${want}`).toBeLessThanOrEqual(ulps);
    };

    it(`relu: -0 → +0, NaN → NaN, ±Inf [${b.label}]`, () => {
      const y = run1((x, o) => k.relu(x, o), [-0, NaN, -Infinity, Infinity, -3, 2.5]);
      expect(Object.is(y[0], 0)).toBe(true);
      expect(y[1]).toBeNaN();
      expect(y.slice(2)).toEqual([0, Infinity, 0, 2.5]);
    });

    it(`leakyRelu: α·x below zero, x above [${b.label}]`, () => {
      // -2·fround(0.01) is exact (a power of two times a float).
      expect(run1((x, o) => k.leakyRelu(x, o), [-2, 3, NaN])).toEqual([-2 * fround(0.01), 3, NaN]);
      expect(run1((x, o) => k.leakyRelu(x, o, 0.5), [-4, 0])).toEqual([-2, 0]);
    });

    it(`sigmoid: 0.5 at 0, saturation, no overflow at ±100, ±1e30, ±Inf [${b.label}]`, () => {
      const y = run1((x, o) => k.sigmoid(x, o), [0, -0, 100, -100, 1e30, -1e30, Infinity, -Infinity, NaN, 2]);
      expect(y.slice(0, 3)).toEqual([0.5, 0.5, 1]);
      // e^-100 = 3.720075976020836e-44 (a float32 subnormal: ~27 × 2^-149).
      close(y[3]!, 3.720075976020836e-44, 1);
      expect(y.slice(4, 8)).toEqual([1, 0, 1, 0]);
      expect(y[8]).toBeNaN();
      // 1 / (1 + e^-2) = 0.8807970779778823
      close(y[9]!, 0.8807970779778823, 3);
    });

    it(`tanh: odd, accurate near 0, exactly ±1 when saturated [${b.label}]`, () => {
      const y = run1((x, o) => k.tanh(x, o), [0, -0, 1e-6, 0.5, -0.5, 20, -20, 1e30, -1e30, Infinity, -Infinity, NaN]);
      expect(Object.is(y[0], 0) && Object.is(y[1], -0)).toBe(true);
      close(y[2]!, 9.999999999996666e-7, 1); // x - x³/3
      close(y[3]!, 0.46211715726000974, 2);
      close(y[4]!, -0.46211715726000974, 2);
      expect(y.slice(5, 11)).toEqual([1, -1, 1, -1, 1, -1]);
      expect(y[11]).toBeNaN();
    });

    it(`elu: α(eˣ−1) below zero, -0 kept, limit -α [${b.label}]`, () => {
      const y = run1((x, o) => k.elu(x, o), [-1, -0, 2, -Infinity, -1e30, -1e-7, NaN]);
      close(y[0]!, Math.E ** -1 - 1, 2);
      expect(Object.is(y[1], -0)).toBe(true);
      expect(y.slice(2, 5)).toEqual([2, -1, -1]);
      // expm1 quality near 0: x + x²/2 keeps its digits, where exp(x) − 1 in
      // float32 would give −1.19e-7 (1 − 2^-23 minus 1).
      close(y[5]!, Math.expm1(fround(-1e-7)), 2);
      expect(y[6]).toBeNaN();
      const z = run1((x, o) => k.elu(x, o, 2), [-Infinity]);
      expect(z).toEqual([-2]);
    });

    it(`backward values: select not mask, derivative forms [${b.label}]`, () => {
      const d = new Float32Array(3);
      k.reluBackward(Float32Array.from([-1, 1, 0]), Float32Array.from([NaN, NaN, 5]), d);
      expect(d[0]).toBe(0);
      expect(d[1]).toBeNaN();
      expect(d[2]).toBe(0); // ReLU'(0) = 0
      k.leakyReluBackward(Float32Array.from([0, 2, -1]), Float32Array.from([2, 3, 4]), d, 0.5);
      expect(Array.from(d)).toEqual([1, 3, 2]);
      k.sigmoidBackward(Float32Array.from([0.5, 1, 0]), Float32Array.from([1, 7, 7]), d);
      expect(Array.from(d)).toEqual([0.25, 0, 0]);
      k.tanhBackward(Float32Array.from([0.5, 1, -1]), Float32Array.from([1, 5, 5]), d);
      expect(Array.from(d)).toEqual([0.75, 0, 0]);
      k.eluBackward(Float32Array.from([-1, 3, 0]), Float32Array.from([1, 2, 4]), d);
      close(d[0]!, Math.E ** -1, 3);
      expect(d[1]).toBe(2);
      expect(d[2]).toBe(4); // x = 0 takes the α·e^0 = α side: 1·1·4
    });

    // Values from Python's math.erfc/math.exp/math.tanh (float64), not from
    // this package: GELU and SiLU as PyTorch defines them (the tanh form as
    // 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)))). Bounds: the SIMD ones above.
    it(`gelu / silu: values computed with Python's math module [${b.label}]`, () => {
      const y = run1((x, o) => k.gelu(x, o), [1, -1, -3, 0, -0]);
      close(y[0]!, 0.8413447460685429, SHARED.gelu.simd);
      close(y[1]!, -0.15865525393145707, SHARED.gelu.simd);
      close(y[2]!, -0.004049694094890287, SHARED.gelu.simd);
      expect(y[3]).toBe(0);
      const t = run1((x, o) => k.gelu(x, o, 'tanh'), [1, -1]);
      close(t[0]!, 0.8411919906082768, 4);
      close(t[1]!, -0.15880800939172324, 4);
      const s = run1((x, o) => k.silu(x, o), [1, -2, NaN]);
      close(s[0]!, 0.7310585786300049, 4);
      close(s[1]!, -0.2384058440442351, 4);
      expect(s[2]).toBeNaN();
      // GELU'(0) = Φ(0) = 1/2, SiLU'(0) = σ(0) = 1/2; a NaN dy stays NaN.
      const d = new Float32Array(2);
      k.geluBackward(Float32Array.from([0, 0]), Float32Array.from([1, NaN]), d);
      expect(d[0]).toBe(0.5);
      expect(d[1]).toBeNaN();
      k.siluBackward(Float32Array.from([0, 0]), Float32Array.from([4, 1]), d);
      expect(Array.from(d)).toEqual([2, 0.5]);
    });

    it(`prelu: per-feature α over rows [${b.label}]`, () => {
      const x = Float32Array.from([-1, 2, -3, 4]);
      const alpha = Float32Array.from([0.5, 0.25]);
      const y = new Float32Array(4);
      k.prelu(x, alpha, y);
      expect(Array.from(y)).toEqual([-0.5, 2, -1.5, 4]);
      const dx = new Float32Array(4);
      const da = new Float32Array(2);
      k.preluBackward(x, alpha, Float32Array.from([1, 1, 2, 1]), dx, da);
      expect(Array.from(dx)).toEqual([0.5, 1, 1, 1]);
      expect(Array.from(da)).toEqual([-7, 0]); // -1·1 + -3·2; feature 1 never ≤ 0
    });
  });
}

// The float64 erfc the GELU formulas above rely on, against Python's
// math.erfc (an independent implementation): within 1e-13 relative.
describe('reference erfc', () => {
  it.each([
    [-1.5, 1.9661051464753108],
    [0.3, 0.6713732405408726],
    [1.9, 0.0072095707647425325],
    [2.0, 0.004677734981047265],
    [3.5, 7.430983723414128e-7],
    [6.0, 2.1519736712498916e-17],
    [10.0, 2.088487583762545e-45],
  ])('erfc(%d)', (t, want) => {
    expect(Math.abs(erfc(t) - want)).toBeLessThanOrEqual(1e-13 * want);
  });
  it('limits and NaN', () => {
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
    expect(normalCdf(0)).toBe(0.5);
  });
});
