// The elementwise family (lib/backend/families/elementwise.ts) on every
// backend and, through scripts/test.mjs, every SIMD path: each native kernel
// against its reference twin (tfjs's float64 formula rounded once), bitwise
// or within the ulp bound of test/shared/elementwise-tolerances.mjs;
// hand-worked values for the formulas themselves; broadcasting against an
// index-by-index loop written here; the argument errors.
import { describe, expect, it } from 'vitest';
import { backend, rawBackend } from '../../lib/backend/index.js';
import { broadcastPlan, broadcastShape } from '../../lib/backend/broadcast.js';
import { ELEMENTWISE } from '../../lib/backend/families/elementwise.js';
import { tryLoadNative } from '../../lib/backend/native.js';
import { Rng } from '../../lib/random.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { sameValue, ulpDistance } from '../helpers/floats.js';
import { ulpBound } from '../shared/elementwise-tolerances.mjs';

const EDGES = [0, -0, 1e-45, -1e-45, 1e-40, 1.1754942e-38, 1e30, -1e30, Infinity, -Infinity, NaN, 1, -1, 6, 6.0000005, -13.942386, -13.942385, 13.942386, 88.8, -104, 3.4e38];

function values(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = i % 4 === 0 ? EDGES[(i / 4 + seed) % EDGES.length]! : (rng.uniform() - 0.5) * (i % 3 === 0 ? 60 : 8);
  return x;
}

// Lengths around every SIMD width (4, 8, 16) and their tails.
const SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1023];

const path = (label: string): 'reference' | 'scalar' | 'simd' => (label === 'reference' ? 'reference' : label === 'native/scalar' ? 'scalar' : 'simd');

function expectClose(name: string, got: ArrayLike<number>, want: ArrayLike<number>, ulps: number, where: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const ok = ulps === 0 ? sameValue(got[i]!, want[i]!) : ulpDistance(got[i]!, want[i]!) <= ulps;
    if (!ok) expect.fail(`${name} ${where} [${i}]: got ${got[i]}, want ${want[i]} (bound ${ulps} ulp)`);
  }
}

const ref = rawBackend('reference');
const refFns = ref as unknown as Record<string, (...a: unknown[]) => void>;

describe.each(backendsUnderTest())('elementwise kernels on $label', ({ label, kernels }) => {
  const k = kernels as unknown as Record<string, (...a: unknown[]) => void>;
  const p = path(label);

  for (const e of ELEMENTWISE) {
    const bound = ulpBound(e.name, p);
    if (e.kind === 'binary' || e.kind === 'compare') {
      const make = (n: number) => (e.kind === 'binary' ? new Float32Array(n) : new Uint8Array(n));
      it(`${e.name}: same shape, scalar right, scalar left, every size`, () => {
        for (const n of SIZES) {
          const a = values(n, n + 1);
          const b = values(n, n + 7).reverse();
          const s = values(1, n + 3);
          for (const [x, y, tag] of [[a, b, 'vv'], [a, s, 'vs'], [s, b, 'sv']] as const) {
            if (n === 0 && tag !== 'vv') continue;
            const a0 = x.slice();
            const b0 = y.slice();
            const got = make(n);
            const want = make(n);
            k[e.name]!(x, y, got);
            refFns[e.name]!(x, y, want);
            expectClose(e.name, got, want, bound, `${tag} n=${n}`);
            // Inputs untouched.
            expectClose(e.name, x, a0, 0, 'input a');
            expectClose(e.name, y, b0, 0, 'input b');
          }
        }
      });
      it(`${e.name}: broadcasting (row, column, general) against an index loop`, () => {
        const cases: [number[], number[]][] = [
          [[5, 37], [37]],
          [[5, 37], [5, 1]],
          [[37], [5, 37]],
          [[5, 1], [1, 37]],
          [[2, 1, 3, 1], [1, 4, 1, 5]],
          [[3, 4, 5], [3, 1, 5]],
          // Eight axes left after merging: the most a plan takes (EW_MAX_RANK).
          [[2, 3, 2, 3, 2, 3, 2, 3], [3, 1, 3, 1, 3, 1, 3]],
        ];
        for (const [sa, sb] of cases) {
          const na = sa.reduce((q, d) => q * d, 1);
          const nb = sb.reduce((q, d) => q * d, 1);
          const a = values(na, na);
          const b = values(nb, nb + 5);
          const outShape = broadcastShape(sa, sb)!;
          const n = outShape.reduce((q, d) => q * d, 1);
          const got = make(n);
          k[e.name]!(a, b, got, sa, sb);
          // Index loop: the output's multi-index, each operand's index with broadcast axes at 0.
          const want = make(n);
          const tmp = make(1);
          const r = outShape.length;
          for (let i = 0; i < n; i++) {
            let rem = i;
            let ia = 0;
            let ib = 0;
            let stepA = 1;
            let stepB = 1;
            for (let ax = r - 1; ax >= 0; ax--) {
              const idx = rem % outShape[ax]!;
              rem = Math.floor(rem / outShape[ax]!);
              const da = sa[sa.length - r + ax] ?? 1;
              const db = sb[sb.length - r + ax] ?? 1;
              if (da !== 1) ia += idx * stepA;
              if (db !== 1) ib += idx * stepB;
              stepA *= da;
              stepB *= db;
            }
            refFns[e.name]!(a.subarray(ia, ia + 1), b.subarray(ib, ib + 1), tmp);
            want[i] = tmp[0]!;
          }
          expectClose(e.name, got, want, bound, `[${sa}] with [${sb}]`);
        }
      });
      if (e.kind === 'binary') {
        it(`${e.name}: out may be exactly a or b`, () => {
          const a = values(37, 1);
          const b = values(37, 2);
          const want = new Float32Array(37);
          refFns[e.name]!(a, b, want);
          const a1 = a.slice();
          k[e.name]!(a1, b, a1);
          expectClose(e.name, a1, want, bound, 'out = a');
          const b1 = b.slice();
          k[e.name]!(a, b1, b1);
          expectClose(e.name, b1, want, bound, 'out = b');
        });
      }
    } else if (e.kind === 'unary' || e.kind === 'unary_param') {
      const params = e.name === 'clip' ? [-0.5, 2.25] : e.name === 'step' ? [0.3] : e.name === 'leakyReluTf' ? [0.2] : [];
      it(`${e.name}: every size, in place too`, () => {
        for (const n of SIZES) {
          const x = values(n, n + 11);
          const x0 = x.slice();
          const got = new Float32Array(n);
          const want = new Float32Array(n);
          k[e.name]!(x, got, ...params);
          refFns[e.name]!(x, want, ...params);
          expectClose(e.name, got, want, bound, `n=${n}`);
          expectClose(e.name, x, x0, 0, 'input x');
          k[e.name]!(x, x, ...params);
          expectClose(e.name, x, want, bound, `in place n=${n}`);
        }
      });
    } else {
      it(`${e.name}: every size`, () => {
        for (const n of SIZES) {
          const y = values(n, n + 13).map((v) => (Number.isFinite(v) ? Math.max(-1, v) : v));
          const dy = values(n, n + 17);
          const got = new Float32Array(n);
          const want = new Float32Array(n);
          k[e.name]!(y, dy, got);
          refFns[e.name]!(y, dy, want);
          expectClose(e.name, got, want, bound, `n=${n}`);
        }
      });
    }
  }

  it('select: every size, condition exactly 1 picks t', () => {
    for (const n of SIZES) {
      const c = new Uint8Array(n).map((_, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? 0 : 2));
      const t = values(n, 1);
      const e = values(n, 2);
      const got = new Float32Array(n);
      kernels.select(c, t, e, got);
      for (let i = 0; i < n; i++) expect(sameValue(got[i]!, c[i] === 1 ? t[i]! : e[i]!), `select [${i}]`).toBe(true);
    }
  });

  it('bad arguments: TypeError / RangeError naming the argument', () => {
    const a = new Float32Array(4);
    expect(() => kernels.add(a, new Float32Array(3), new Float32Array(4))).toThrow(/add: b must be of length 4/);
    expect(() => kernels.add([1] as unknown as Float32Array, a, a)).toThrow(TypeError);
    expect(() => kernels.greater(a, a, new Float32Array(4) as unknown as Uint8Array)).toThrow(/greater: out must be a Uint8Array/);
    expect(() => kernels.add(a, new Float32Array(3), new Float32Array(12), [4], [3])).toThrow(/add: bShape/);
    expect(() => kernels.add(a, a, a.subarray(1))).toThrow(/add: out must be memory separate from a/);
    expect(() => kernels.clip(a, a, 2, 1)).toThrow(/clip: lo must be at most hi/);
    expect(() => kernels.sqrt(a, new Float32Array(5))).toThrow(/sqrt: y must be of length 4/);
    expect(() => kernels.select(new Uint8Array(4), a, a, new Float32Array(3))).toThrow(/select: out must be of length 4/);
  });
});

describe('elementwise formulas (the reference twin, hand-worked)', () => {
  const k = backend('reference');
  const one = (f: (o: Float32Array) => void): number => {
    const o = new Float32Array(1);
    f(o);
    return o[0]!;
  };
  const bin = (name: 'maximum' | 'minimum' | 'squaredDifference' | 'preluTf' | 'div', a: number, b: number) => one((o) => k[name](new Float32Array([a]), new Float32Array([b]), o));
  it('maximum/minimum follow Math.max/min: NaN wins, +0 beats -0 for max, -0 for min', () => {
    expect(Object.is(bin('maximum', -0, 0), 0)).toBe(true);
    expect(Object.is(bin('minimum', 0, -0), -0)).toBe(true);
    expect(bin('maximum', NaN, 1)).toBeNaN();
    expect(bin('minimum', 1, NaN)).toBeNaN();
  });
  it('squaredDifference is (a − b)² rounded once: 3e38 − (−3e38) squares to +inf, 1 − 1e-8 gives 1', () => {
    expect(bin('squaredDifference', 3e38, -3e38)).toBe(Infinity);
    // (16777217 − 0)² in float64 is 2^48 + 2^25 + 1, rounded once to float32: 2^48 + 2^25.
    expect(bin('squaredDifference', 16777216, -1)).toBe(2 ** 48 + 2 ** 25);
  });
  it('preluTf selects on x < 0 (tfjs): -0 stays -0 with a negative alpha', () => {
    expect(Object.is(bin('preluTf', -0, -2), -0)).toBe(true);
    expect(bin('preluTf', -3, 0.5)).toBe(-1.5);
  });
  it('softplus keeps tfjs branches: exp(x) below log(2^-23)+2, x above its negation', () => {
    const sp = (x: number) => one((o) => k.softplus(new Float32Array([x]), o));
    expect(sp(-20)).toBe(Math.fround(Math.exp(-20)));
    expect(sp(20)).toBe(20);
    expect(sp(0)).toBe(Math.fround(Math.LN2));
  });
  it('step, clip, leakyReluTf, eluGradY, rsqrt on hand-worked values', () => {
    const u = (name: 'step' | 'clip' | 'leakyReluTf', x: number, ...p: number[]) => one((o) => (k[name] as (...a: unknown[]) => void)(new Float32Array([x]), o, ...p));
    expect(u('step', NaN, 0.5)).toBeNaN();
    expect(u('step', 0, 0.5)).toBe(0.5);
    expect(u('step', 2, 0.5)).toBe(1);
    expect(u('clip', 7, -1, 3)).toBe(3);
    expect(u('clip', NaN, -1, 3)).toBeNaN();
    // α = 0.1 in float64 times −3: −0.30000000000000004, rounded to float32.
    expect(u('leakyReluTf', -3, 0.1)).toBe(Math.fround(-0.30000000000000004));
    expect(one((o) => k.eluGradY(new Float32Array([-0.75]), new Float32Array([2]), o))).toBe(0.5);
    expect(one((o) => k.rsqrt(new Float32Array([4]), o))).toBe(0.5);
  });
});

describe('elementwise family lists', () => {
  it('the addon exports the C++ list, equal to the TS list in order', () => {
    const native = tryLoadNative() as unknown as { elementwiseKernels?: string[] } | undefined;
    if (!native) return void expect(process.env.CI).toBeFalsy();
    expect(native.elementwiseKernels).toEqual(ELEMENTWISE.map((e) => e.name));
  });
  it('broadcastPlan collapses same-shape, row and column cases', () => {
    expect(broadcastPlan([5, 37], [5, 37])!.plan).toBeUndefined();
    expect(broadcastPlan([5, 37], [])!.plan).toBeUndefined();
    expect(Array.from(broadcastPlan([5, 37], [37])!.plan!)).toEqual([2, 5, 37, 37, 1, 0, 1]);
    expect(Array.from(broadcastPlan([5, 37], [5, 1])!.plan!)).toEqual([2, 5, 37, 37, 1, 1, 0]);
    expect(broadcastPlan([2, 3], [4])).toBeUndefined();
    // Nine axes that cannot merge: beyond EW_MAX_RANK (the tfjs layer then uses the cpu kernel).
    expect(broadcastPlan([2, 3, 2, 3, 2, 3, 2, 3, 2], [3, 1, 3, 1, 3, 1, 3, 1])).toBeUndefined();
    expect(broadcastShape([2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
  });
  it('the binding rejects a plan that reads past an operand, never crashes', () => {
    const native = tryLoadNative();
    if (!native) return;
    const a = new Float32Array(4);
    expect(() => native.add(a, new Float32Array(3), new Float32Array(8), new Float64Array([2, 2, 4, 4, 1, 0, 1]))).toThrow(RangeError);
    expect(() => native.add(a, a, new Float32Array(4), new Float64Array([9]))).toThrow(RangeError);
    expect(() => native.add(a, a, new Float32Array(4), new Float32Array([1, 4, 1, 1]) as unknown as Float64Array)).toThrow(TypeError);
    expect(() => native.select(new Float32Array(4) as unknown as Uint8Array, a, a, a)).toThrow(TypeError);
  });
});
