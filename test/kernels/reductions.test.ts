// The reductions family (lib/backend/families/reductions.ts) on every backend
// and, via npm test, every SIMD path: native against its reference twin
// (bitwise: the twin repeats the native arithmetic order, see
// native/kernels/reduce_body.inc), and both against float64 oracles written
// here from the definitions; the C++ list against the TS list; bad input.
import { describe, expect, it } from 'vitest';
import { backend, rawBackend, type RawBackend } from '../../lib/backend/index.js';
import { REDUCTIONS } from '../../lib/backend/families/reductions.js';
import { tryLoadNative } from '../../lib/backend/native.js';
import { referenceBackend } from '../../lib/backend/reference/index.js';
import { Rng } from '../../lib/random.js';
import { ulpDistance } from '../fuzz/tolerance.js';

const addon = tryLoadNative() as (ReturnType<typeof tryLoadNative> & { reductionKernels?: string[] }) | undefined;
const label = addon ? `native/${addon.isa}` : 'reference only';
const native: RawBackend | undefined = addon ? rawBackend('native') : undefined;
const ref = referenceBackend;

// Around every width (W = 1, 4, 8, 16), the 16 virtual lanes and the 256-column block.
const SHAPES: Array<[number, number]> = [
  [0, 0], [0, 5], [3, 0], [1, 1], [1, 3], [2, 4], [1, 15], [1, 16], [1, 17], [3, 31], [2, 32], [5, 33],
  [7, 64], [3, 255], [2, 256], [3, 257], [128, 10], [10, 128], [4, 1000], [1, 4099], [600, 3],
];

type Fill = 'normal' | 'edges' | 'ties';
function values(n: number, rng: Rng, fill: Fill): Float32Array {
  const edges = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38, 1, -1];
  return Float32Array.from({ length: n }, () => {
    if (fill === 'ties') return [0, -0, 1, -1, 2][Math.floor(rng.uniform() * 5)]!;
    if (fill === 'edges' && rng.uniform() < 0.05) return edges[Math.floor(rng.uniform() * edges.length)]!;
    return 3 * rng.normal();
  });
}

/** Same bits (NaN matches NaN), with the first offender in the message. */
function expectSameBits(name: string, a: ArrayLike<number>, e: ArrayLike<number>): void {
  expect(a.length, `${name} length`).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(a[i]!) && Number.isNaN(e[i]!)) continue;
    if (!Object.is(a[i], e[i])) expect.fail(`${name}[${i}]: ${a[i]} vs reference ${e[i]}`);
  }
}

function sumOracle(x: Float32Array, o: number, n: number, step: number): { sum: number; abs: number } {
  let sum = 0;
  let abs = 0;
  for (let j = 0; j < n; j++) {
    sum += x[o + j * step]!;
    abs += Math.abs(x[o + j * step]!);
  }
  return { sum, abs };
}

describe('reductions family list', () => {
  it.runIf(addon !== undefined)('C++ kernel list equals the TS list', () => {
    expect(addon!.reductionKernels).toEqual(REDUCTIONS.map((e) => e.name));
  });
  it('every entry exists raw on both backends; the public ones checked', () => {
    const checked = backend('reference') as unknown as Record<string, unknown>;
    for (const e of REDUCTIONS) {
      expect(typeof (ref as unknown as Record<string, unknown>)[e.name], e.name).toBe('function');
      if (native) expect(typeof (native as unknown as Record<string, unknown>)[e.name], e.name).toBe('function');
      expect(typeof checked[e.name], `checked ${e.name}`).toBe(e.public ? 'function' : 'undefined');
    }
  });
});

describe(`reductions [${label}]`, () => {
  const backends: Array<[string, RawBackend]> = [['reference', ref], ...(native ? [[label, native] as [string, RawBackend]] : [])];

  for (const fill of ['normal', 'edges', 'ties'] as const) {
    it(`rows/cols reductions equal the reference bitwise and the float64 definitions (${fill})`, () => {
      const rng = new Rng(fill === 'normal' ? 1 : fill === 'edges' ? 2 : 3);
      for (const [rows, cols] of SHAPES) {
        const x = values(rows * cols, rng, fill);
        const before = x.slice();
        const run = (b: RawBackend, k: 'sumRows' | 'meanRows' | 'maxRows' | 'minRows' | 'sumCols' | 'meanCols' | 'maxCols' | 'minCols', n: number) => {
          const y = new Float32Array(n).fill(12345);
          b[k](x, y, rows, cols);
          return y;
        };
        for (const k of ['sumRows', 'meanRows', 'maxRows', 'minRows', 'sumCols', 'meanCols', 'maxCols', 'minCols'] as const) {
          const n = k.endsWith('Rows') ? rows : cols;
          const e = run(ref, k, n);
          if (native) expectSameBits(`${k} ${rows}x${cols}`, run(native, k, n), e);
          // The definitions: sums within one float32 rounding plus the float64
          // reordering error n·2⁻⁵³·Σ|x| of the sequential sum; max/min exact
          // (NaN if any NaN).
          const perRow = k.endsWith('Rows');
          for (let i = 0; i < n; i++) {
            const o = perRow ? i * cols : i;
            const len = perRow ? cols : rows;
            const step = perRow ? 1 : cols;
            if (k.startsWith('sum') || k.startsWith('mean')) {
              const { sum, abs } = sumOracle(x, o, len, step);
              const want = k.startsWith('mean') ? sum / len : sum;
              const scale = k.startsWith('mean') ? 1 / len : 1;
              if (Number.isNaN(want) || !Number.isFinite(abs)) {
                if (!Number.isFinite(want)) expect(Object.is(e[i], Math.fround(want)) || Number.isNaN(e[i]!), `${k}[${i}]`).toBe(true);
                continue;
              }
              expect(Math.abs(e[i]! - want), `${k}[${i}] ${rows}x${cols}`).toBeLessThanOrEqual(2 ** -24 * Math.abs(want) + len * 2 ** -53 * abs * scale + 2 ** -149);
            } else {
              const vals = Array.from({ length: len }, (_, j) => x[o + j * step]!);
              const want = len === 0 || vals.some(Number.isNaN) ? NaN : k.startsWith('max') ? Math.max(...vals) : Math.min(...vals);
              if (Number.isNaN(want)) expect(e[i], `${k}[${i}]`).toBeNaN();
              else expect(e[i], `${k}[${i}]`).toBe(want === 0 ? vals.find((v) => v === 0) : want);
            }
          }
        }
        for (const k of ['argMaxRows', 'argMaxCols'] as const) {
          const n = k === 'argMaxRows' ? rows : cols;
          const e = new Int32Array(n).fill(-7);
          ref[k](x, e, rows, cols);
          if (native) {
            const a = new Int32Array(n).fill(-7);
            native[k](x, a, rows, cols);
            expectSameBits(`${k} ${rows}x${cols}`, a, e);
          }
          // tfjs-cpu's rule: the first index of the largest non-NaN value,
          // unless element 0 is NaN (then 0); 0 for an empty axis.
          for (let i = 0; i < n; i++) {
            const len = k === 'argMaxRows' ? cols : rows;
            const at = (j: number) => (k === 'argMaxRows' ? x[i * cols + j]! : x[j * cols + i]!);
            let want = 0;
            if (len > 0 && !Number.isNaN(at(0))) {
              const vals = Array.from({ length: len }, (_, j) => at(j)).filter((v) => !Number.isNaN(v));
              const m = Math.max(...vals);
              want = Array.from({ length: len }, (_, j) => at(j)).findIndex((v) => v === m);
            }
            expect(e[i], `${k}[${i}] ${rows}x${cols}`).toBe(want);
          }
        }
        expectSameBits('input', x, before);
      }
    });
  }

  // The float64 definitions against every path. Error sources: fl32(x − max)
  // (≤ 2⁻²⁴|d|, d = x − max, relative on exp(d)), the exp itself (1 ulp on the
  // SIMD paths, activations_body.inc; the C library's on scalar and in the
  // reference), the rounding of each e_j to float32, and the final rounding.
  // So per element: softmax relative (ULPS + |d|)·2⁻²⁴ + the row's sum error
  // Σ e_j(|d_j| + 2)·2⁻²⁴ / s; logSoftmax absolute ULPS·2⁻²⁴|y| + |d|·2⁻²⁴ +
  // that same sum error (log s absorbs it as an absolute one).
  // Measured (N(0, 9) logits, 128x10 to 4x1000, elements with |x − max| < 1,
  // where the x − max rounding is at most half an ulp): softmax 1 ulp from the
  // float64 value on every path (avx512, avx2, scalar) and in the reference;
  // logSoftmax 3 ulp native, 5 reference, both only on results near 0 (the
  // cancellation of d − log s, inside the absolute terms). ULPS = 2 leaves
  // one ulp of room for the exp.
  const ULPS = 2;
  it(`softmax/logSoftmax: within ${ULPS} ulp plus the x − max and sum roundings of float64, on every path`, () => {
    const rng = new Rng(4);
    for (const [rows, cols] of SHAPES) {
      const x = values(rows * cols, rng, 'normal');
      for (const [name, b] of backends) {
        for (const k of ['softmax', 'logSoftmax'] as const) {
          const y = new Float32Array(rows * cols);
          b[k](x, y, rows, cols);
          for (let r = 0; r < rows; r++) {
            const o = r * cols;
            let m = -Infinity;
            for (let j = 0; j < cols; j++) m = Math.max(m, x[o + j]!);
            let s = 0;
            let sumErr = 0;
            for (let j = 0; j < cols; j++) {
              const e = Math.exp(x[o + j]! - m);
              s += e;
              sumErr += e * (Math.abs(x[o + j]! - m) + 2) * 2 ** -24;
            }
            sumErr /= s;
            for (let j = 0; j < cols; j++) {
              const d = x[o + j]! - m;
              const want = k === 'softmax' ? Math.exp(d) / s : d - Math.log(s);
              const err = Math.abs(y[o + j]! - want);
              const bound =
                k === 'softmax'
                  ? ((ULPS + Math.abs(d)) * 2 ** -24 + sumErr) * Math.abs(want) + 2 ** -149
                  : ULPS * 2 ** -24 * Math.abs(want) + Math.abs(d) * 2 ** -24 + sumErr;
              if (!(err <= bound)) expect.fail(`${name} ${k}[${r},${j}] ${rows}x${cols}: ${y[o + j]} vs ${want} (${ulpDistance(y[o + j]!, Math.fround(want))} ulp)`);
            }
          }
        }
      }
    }
  });

  it('softmax: a NaN row gives NaN, -Inf entries 0, a +Inf row NaN (as tfjs-cpu)', () => {
    for (const [, b] of backends) {
      const x = Float32Array.from([1, NaN, 2, 3, -Infinity, 0, 1, 2, 0, Infinity, 1, 2]);
      const y = new Float32Array(12);
      b.softmax(x, y, 3, 4);
      expect([...y.slice(0, 4)].every(Number.isNaN)).toBe(true);
      expect(y[4]).toBe(0);
      expect(y[7]! > y[6]!).toBe(true);
      expect([...y.slice(8)].every(Number.isNaN)).toBe(true);
    }
  });

  it('transpose, gather, casts and one-hot equal the reference bitwise', () => {
    const rng = new Rng(5);
    for (const [rows, cols] of SHAPES) {
      for (const batch of [1, 3]) {
        const x = values(batch * rows * cols, rng, 'edges');
        const e = new Float32Array(x.length);
        ref.transpose(x, e, batch, rows, cols);
        for (let b = 0; b < batch; b++) {
          for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
            const want = x[b * rows * cols + i * cols + j]!;
            const got = e[b * rows * cols + j * rows + i]!;
            if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want))) expect.fail(`transpose ${batch}x${rows}x${cols} at ${b},${i},${j}`);
          }
        }
        if (native) {
          const a = new Float32Array(x.length);
          native.transpose(x, a, batch, rows, cols);
          expect(new Uint32Array(a.buffer)).toEqual(new Uint32Array(e.buffer));
        }
      }
      if (rows === 0) continue;
      const x = values(rows * cols, rng, 'edges');
      const idx = Int32Array.from({ length: 37 }, () => Math.floor(rng.uniform() * rows));
      const e = new Float32Array(idx.length * cols);
      ref.gatherRows(x, idx, e, rows, cols);
      for (let i = 0; i < idx.length; i++) for (let j = 0; j < cols; j++) expect(Object.is(e[i * cols + j], x[idx[i]! * cols + j]) || Number.isNaN(e[i * cols + j]!)).toBe(true);
      if (native) {
        const a = new Float32Array(e.length);
        native.gatherRows(x, idx, a, rows, cols);
        expect(new Uint32Array(a.buffer)).toEqual(new Uint32Array(e.buffer));
      }
    }
    const f = Float32Array.from([0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, 2147483520, -2147483648, 2147483648, 4294967296, 5e9, -5e9, 1e20, 3.4e38, NaN, Infinity, -Infinity, 16777217]);
    const i32 = Int32Array.from([0, 1, -1, 16777217, -16777217, 2147483647, -2147483648, 123456789]);
    const u8 = Uint8Array.from([0, 1, 1, 0, 1]);
    const cases: Array<[keyof RawBackend, ArrayLike<number>, () => Float32Array | Int32Array | Uint8Array, number[]]> = [
      ['castFloat32ToInt32', f, () => new Int32Array(f.length), Array.from(f, (v) => v | 0)],
      ['castInt32ToFloat32', i32, () => new Float32Array(i32.length), Array.from(i32, (v) => Math.fround(v))],
      ['castBoolToFloat32', u8, () => new Float32Array(u8.length), [0, 1, 1, 0, 1]],
      ['castBoolToInt32', u8, () => new Int32Array(u8.length), [0, 1, 1, 0, 1]],
      ['castFloat32ToBool', f, () => new Uint8Array(f.length), Array.from(f, (v) => (v !== 0 ? 1 : 0))],
    ];
    for (const [k, x, make, want] of cases) {
      for (const [name, b] of backends) {
        const y = make();
        (b[k] as unknown as (x: unknown, y: unknown) => void)(x, y);
        expect([...y], `${name} ${k}`).toEqual(want);
      }
    }
    for (const [name, b] of backends) {
      const idx = Int32Array.from([2, -1, 0, 5, 4]);
      const y = new Float32Array(5 * 5).fill(9);
      b.oneHot(idx, y, 5, 1.5, -0.25);
      const want = Array.from({ length: 25 }, (_, p) => (p % 5 === idx[Math.floor(p / 5)] ? 1.5 : -0.25));
      expect([...y], name).toEqual(want);
    }
  });

  it.runIf(native !== undefined)('direct native calls with bad arguments throw, never read out of bounds', () => {
    const n = native!;
    const x = new Float32Array(6);
    expect(() => n.gatherRows(x, Int32Array.from([0, 3]), new Float32Array(4), 3, 2)).toThrow(/indices\[1\] must be in \[0, 3\)/);
    expect(() => n.gatherRows(x, Int32Array.from([-1]), new Float32Array(2), 3, 2)).toThrow(RangeError);
    expect(() => n.gatherRows(x, Int32Array.from([0]), new Float32Array(2), 4, 2)).toThrow(RangeError);
    expect(() => n.sumRows(x, new Float32Array(2), 2, 4)).toThrow(RangeError);
    expect(() => n.sumRows(x, new Float32Array(2), 2 ** 40, 2 ** 40)).toThrow(RangeError);
    expect(() => n.transpose(x, new Float32Array(6), 2 ** 31, 2 ** 31, 2)).toThrow(RangeError);
    expect(() => (n.castFloat32ToInt32 as (a: unknown, b: unknown) => void)(x, new Float32Array(6))).toThrow(TypeError);
    expect(() => n.oneHot(Int32Array.from([1]), new Float32Array(3), 2, 1, 0)).toThrow(RangeError);
  });

  it('checked kernels name the argument, the expected and the actual value', () => {
    for (const [name, k] of [['reference', backend('reference')], ...(native ? [[label, backend('native')] as const] : [])] as const) {
      const x = new Float32Array(6);
      expect(() => k.sumRows(x, new Float32Array(3), 2, 3), name).toThrow(/^sumRows: y must be of length 2, got length 3$/);
      expect(() => k.maxCols(x, new Float32Array(3), 3, 3), name).toThrow(/^maxCols: x must be of length 9, got length 6$/);
      expect(() => k.softmax(x, x, 2, 3), name).toThrow(/^softmax: y must be memory separate from x, got the same memory as x$/);
      expect(() => k.transpose(x, new Float32Array(6), 1, 2, -3), name).toThrow(RangeError);
      expect(() => k.meanRows(new Int32Array(6) as unknown as Float32Array, new Float32Array(2), 2, 3), name).toThrow(/^meanRows: x must be a Float32Array, got Int32Array\(6\)$/);
    }
  });
});
