// The normalisation family (lib/backend/families/norm.ts: BatchNorm1d,
// LayerNorm and Dropout kernels) on every backend and, via npm test, every
// SIMD path: native against its reference twin (bitwise: the twin repeats
// the native arithmetic order, native/kernels/norm_body.inc), both against
// float64 oracles written here from the definitions, dropout against the
// Rng's own draws; the C++ list against the TS list; bad direct calls.
import { describe, expect, it } from 'vitest';
import { rawBackend, type RawBackend } from '../../lib/backend/index.js';
import { NORM_KERNELS } from '../../lib/backend/families/norm.js';
import { tryLoadNative } from '../../lib/backend/native.js';
import { referenceBackend } from '../../lib/backend/reference/index.js';
import { Rng } from '../../lib/random.js';

const addon = tryLoadNative() as (ReturnType<typeof tryLoadNative> & { normKernels?: string[] }) | undefined;
const label = addon ? `native/${addon.isa}` : 'reference only';
const native: RawBackend | undefined = addon ? rawBackend('native') : undefined;
const ref = referenceBackend;
const backends: Array<[string, RawBackend]> = native ? [[label, native], ['reference', ref]] : [['reference', ref]];

// Around every width (W = 1, 4, 8, 16), the 16 virtual lanes and the 256-feature block.
const SHAPES: Array<[number, number]> = [
  [2, 1], [2, 3], [3, 7], [4, 8], [5, 15], [2, 16], [3, 17], [7, 31], [4, 33], [3, 255], [2, 256], [3, 257], [128, 100], [5, 600], [0, 4], [3, 0],
];

function normal(n: number, rng: Rng, scale = 1, shift = 0): Float32Array {
  return Float32Array.from({ length: n }, () => shift + scale * rng.normal());
}

/** Same bits (NaN matches NaN), with the first offender in the message. */
function expectSameBits(name: string, a: ArrayLike<number>, e: ArrayLike<number>): void {
  expect(a.length, `${name} length`).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(a[i]!) && Number.isNaN(e[i]!)) continue;
    if (!Object.is(a[i], e[i])) expect.fail(`${name}[${i}]: ${a[i]} vs reference ${e[i]}`);
  }
}

/**
 * |a − e| ≤ 2 float32 ulps of e plus 1e-10 of `scale` (the magnitude of the
 * terms that were summed or cancelled). Why: the oracle sums in float64 in
 * another order (error ~ n·2^-53 of the terms, < 1e-13 here), then both
 * round once to float32 (≤ ½ ulp each). A wrong formula is off by O(1).
 */
function expectClose(name: string, a: ArrayLike<number>, e: ArrayLike<number>, scale: (i: number) => number): void {
  for (let i = 0; i < e.length; i++) {
    const tol = 2 * 2 ** -23 * Math.abs(e[i]!) + 1e-10 * scale(i) + 1e-30;
    if (!(Math.abs(a[i]! - e[i]!) <= tol)) expect.fail(`${name}[${i}]: ${a[i]} vs oracle ${e[i]} (tolerance ${tol})`);
  }
}

interface Case {
  rows: number;
  f: number;
  x: Float32Array;
  dy: Float32Array;
  w: Float32Array;
  b: Float32Array;
  rm: Float32Array;
  rv: Float32Array;
  dw0: Float32Array;
  db0: Float32Array;
}

function makeCase(rows: number, f: number, seed: number): Case {
  const rng = new Rng(seed);
  return {
    rows,
    f,
    // An offset and a spread per run, so the mean is not ~0 and the variance not ~1.
    x: normal(rows * f, rng, 3, 1.5),
    dy: normal(rows * f, rng),
    w: normal(f, rng, 0.5, 1),
    b: normal(f, rng),
    rm: normal(f, rng, 0.1),
    rv: Float32Array.from({ length: f }, () => 0.5 + rng.uniform()),
    dw0: normal(f, rng, 0.1),
    db0: normal(f, rng, 0.1),
  };
}

/** Every output of one forward + backward of BatchNorm1d (mode: train / eval) or LayerNorm, on one backend. */
function run(k: RawBackend, c: Case, layer: 'bnTrain' | 'bnEval' | 'ln', affine: boolean, tracked = true) {
  const n = c.rows * c.f;
  const y = new Float32Array(n);
  const xhat = new Float32Array(n);
  const dx = new Float32Array(n);
  const rstd = new Float64Array(layer === 'ln' ? c.rows : c.f);
  const w = affine ? c.w : null;
  const b = affine ? c.b : null;
  const dw = affine ? c.dw0.slice() : null;
  const db = affine ? c.db0.slice() : null;
  const rm = c.rm.slice();
  const rv = c.rv.slice();
  if (layer === 'bnTrain') k.batchNormTrain(c.x, w, b, y, xhat, rstd, c.rows, c.f, 1e-5, 0.1, tracked ? rm : null, tracked ? rv : null);
  else if (layer === 'bnEval') k.batchNormEval(c.x, w, b, y, xhat, rstd, c.rows, c.f, 1e-5, rm, rv);
  else k.layerNormForward(c.x, w, b, y, xhat, rstd, c.rows, c.f, 1e-5);
  if (layer === 'ln') k.layerNormBackward(c.dy, xhat, rstd, w, dx, dw, db, c.rows, c.f);
  else k.batchNormBackward(c.dy, xhat, rstd, w, dx, dw, db, c.rows, c.f, layer === 'bnTrain');
  return { y, xhat, dx, rstd, dw, db, rm, rv };
}

/** The float64 oracle of run(), from the definitions (two-pass statistics, the textbook backward). */
function oracle(c: Case, layer: 'bnTrain' | 'bnEval' | 'ln', affine: boolean) {
  const { rows, f } = c;
  const groups = layer === 'ln' ? rows : f;
  const size = layer === 'ln' ? f : rows;
  const at = (g: number, k: number): number => (layer === 'ln' ? g * f + k : k * f + g);
  const feat = (i: number): number => i % f;
  const y = new Float64Array(rows * f);
  const xhat = new Float64Array(rows * f);
  const dx = new Float64Array(rows * f);
  const scaleDx = new Float64Array(rows * f);
  const rstd = new Float64Array(groups);
  const rm = Float64Array.from(c.rm);
  const rv = Float64Array.from(c.rv);
  for (let g = 0; g < groups; g++) {
    let mean: number;
    let variance: number;
    if (layer === 'bnEval') {
      mean = c.rm[g]!;
      variance = c.rv[g]!;
    } else {
      mean = 0;
      for (let k = 0; k < size; k++) mean += c.x[at(g, k)]!;
      mean /= size;
      let ss = 0;
      for (let k = 0; k < size; k++) ss += (c.x[at(g, k)]! - mean) ** 2;
      variance = ss / size;
      if (layer === 'bnTrain') {
        rm[g] = 0.9 * c.rm[g]! + 0.1 * mean;
        rv[g] = 0.9 * c.rv[g]! + 0.1 * (ss / (size - 1));
      }
    }
    rstd[g] = 1 / Math.sqrt(variance + 1e-5);
    for (let k = 0; k < size; k++) {
      const i = at(g, k);
      xhat[i] = (c.x[i]! - mean) * rstd[g]!;
      y[i] = affine ? xhat[i]! * c.w[feat(i)]! + c.b[feat(i)]! : xhat[i]!;
    }
    // dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·w (batch statistics); ĝ·rstd otherwise.
    const gh = (i: number): number => (affine ? c.dy[i]! * c.w[feat(i)]! : c.dy[i]!);
    let m1 = 0;
    let m2 = 0;
    for (let k = 0; k < size; k++) {
      m1 += gh(at(g, k));
      m2 += gh(at(g, k)) * Math.fround(xhat[at(g, k)]!);
    }
    m1 /= size;
    m2 /= size;
    for (let k = 0; k < size; k++) {
      const i = at(g, k);
      const h = Math.fround(xhat[i]!);
      dx[i] = layer === 'bnEval' ? gh(i) * rstd[g]! : rstd[g]! * (gh(i) - m1 - h * m2);
      scaleDx[i] = rstd[g]! * (Math.abs(gh(i)) + Math.abs(m1) + Math.abs(h * m2)) * size;
    }
  }
  const dw = new Float64Array(f);
  const db = new Float64Array(f);
  for (let j = 0; j < f; j++) {
    dw[j] = c.dw0[j]!;
    db[j] = c.db0[j]!;
    for (let r = 0; r < rows; r++) {
      dw[j]! += c.dy[r * f + j]! * Math.fround(xhat[r * f + j]!);
      db[j]! += c.dy[r * f + j]!;
    }
  }
  return { y, xhat, dx, scaleDx, rstd, dw, db, rm, rv };
}

describe('normalisation family list', () => {
  it.runIf(addon !== undefined)('C++ kernel list equals the TS list', () => {
    expect(addon!.normKernels).toEqual(NORM_KERNELS.map((e) => e.name));
  });
  it('every entry exists on both backends', () => {
    for (const e of NORM_KERNELS) {
      expect(typeof (ref as unknown as Record<string, unknown>)[e.name], `reference ${e.name}`).toBe('function');
      if (native) expect(typeof (native as unknown as Record<string, unknown>)[e.name], `native ${e.name}`).toBe('function');
    }
  });
});

describe.each(['bnTrain', 'bnEval', 'ln'] as const)(`%s forward + backward [${label}]`, (layer) => {
  it.each(SHAPES)(`rows %i x features %i: native = reference bit for bit, both close to the float64 oracle`, (rows, f) => {
    if (layer === 'bnTrain' && rows < 2 && rows !== 0) return; // the layer refuses it before any kernel runs
    for (const affine of [true, false]) {
      const c = makeCase(rows, f, 1000 * rows + f + (affine ? 7 : 0));
      const r = run(ref, c, layer, affine);
      if (native) {
        const nat = run(native, c, layer, affine);
        for (const k of ['y', 'xhat', 'dx', 'rstd', 'rm', 'rv'] as const) expectSameBits(`${layer} ${k}`, nat[k], r[k]);
        if (affine) {
          expectSameBits(`${layer} dw`, nat.dw!, r.dw!);
          expectSameBits(`${layer} db`, nat.db!, r.db!);
        }
      }
      if (rows === 0 || f === 0) continue;
      const o = oracle(c, layer, affine);
      const n = rows * f;
      const ones = (): number => 1;
      expectClose(`${layer} rstd`, r.rstd, o.rstd, (i) => o.rstd[i]!);
      expectClose(`${layer} xhat`, r.xhat, o.xhat, (i) => Math.abs(c.x[i]!) * o.rstd[layer === 'ln' ? Math.floor(i / f) : i % f]! + 1);
      expectClose(`${layer} y`, r.y, o.y, (i) => Math.abs(o.xhat[i]! * c.w[i % f]!) + Math.abs(c.b[i % f]!) + 1);
      expectClose(`${layer} dx`, r.dx, o.dx, (i) => o.scaleDx[i]!);
      expectClose(`${layer} running mean`, r.rm, o.rm, ones);
      expectClose(`${layer} running var`, r.rv, o.rv, ones);
      if (affine) {
        expectClose(`${layer} dw`, r.dw!, o.dw, () => n);
        expectClose(`${layer} db`, r.db!, o.db, () => n);
      }
    }
  });
});

describe(`batchNormTrain without running statistics, and parameter gradients only [${label}]`, () => {
  it.each(backends)('%s: null running statistics stay untouched by design; dx null leaves dx alone and still accumulates dw, db', (_name, k) => {
    const c = makeCase(9, 20, 5);
    const full = run(k, c, 'bnTrain', true, false);
    expectSameBits('running mean unchanged', full.rm, c.rm);
    const xhat = new Float32Array(180);
    const y = new Float32Array(180);
    const rstd = new Float64Array(20);
    k.batchNormTrain(c.x, c.w, c.b, y, xhat, rstd, 9, 20, 1e-5, 0.1, null, null);
    const dw = c.dw0.slice();
    const db = c.db0.slice();
    k.batchNormBackward(c.dy, xhat, rstd, c.w, null, dw, db, 9, 20, true);
    expectSameBits('dw with dx null', dw, full.dw!);
    expectSameBits('db with dx null', db, full.db!);
    const dw2 = c.dw0.slice();
    const db2 = c.db0.slice();
    k.layerNormForward(c.x, c.w, c.b, y, xhat, new Float64Array(9), 9, 20, 1e-5);
    const lnFull = run(k, c, 'ln', true);
    k.layerNormBackward(c.dy, xhat, new Float64Array(9), c.w, null, dw2, db2, 9, 20);
    expectSameBits('LayerNorm dw with dx null', dw2, lnFull.dw!);
  });
});

/** The documented mask (norm_body.inc): key = one Rng.nextU32(), bits of element i = lowbias32(key + i·φ) >> 8. */
function maskOracle(seed: number, n: number, p: number, scale: number): { mask: Float32Array; rng: Rng } {
  const rng = new Rng(seed);
  const key = BigInt(rng.nextU32());
  const mul = (a: bigint, b: bigint): bigint => (a * b) & 0xffffffffn;
  const hash = (v: bigint): bigint => {
    v ^= v >> 16n;
    v = mul(v, 0x7feb352dn);
    v ^= v >> 15n;
    v = mul(v, 0x846ca68bn);
    return v ^ (v >> 16n);
  };
  const threshold = BigInt(Math.ceil(p * 2 ** 24));
  const mask = Float32Array.from({ length: n }, (_, i) => (hash((key + BigInt(i) * 0x9e3779b9n) & 0xffffffffn) >> 8n < threshold ? 0 : scale));
  return { mask, rng };
}

describe(`dropout [${label}]`, () => {
  it.each([[1], [7], [16], [33], [1000]])('n = %i: the documented counter-based mask from one draw of the Rng stream; native = reference', (n) => {
    for (const p of [0.1, 0.5, 0.9]) {
      const scale = Math.fround(1 / (1 - p));
      const x = normal(n, new Rng(n));
      const dy = normal(n, new Rng(n + 1));
      const want = maskOracle(42 + n, n, p, scale);
      for (const [name, k] of backends) {
        const rng = new Rng(42 + n);
        const y = new Float32Array(n);
        const mask = new Float32Array(n + 3); // longer than needed: only n are written
        k.dropoutForward(x, y, mask, p, scale, rng.state);
        expectSameBits(`${name} mask`, mask.subarray(0, n), want.mask);
        expect([...mask.subarray(n)], `${name} mask tail`).toEqual([0, 0, 0]);
        expect([...rng.state], `${name} state`).toEqual([...want.rng.state]);
        expectSameBits(`${name} y`, y, x.map((v, i) => Math.fround(v * want.mask[i]!)));
        const dx = new Float32Array(n);
        k.dropoutBackward(dy, mask, dx);
        expectSameBits(`${name} dx`, dx, dy.map((v, i) => Math.fround(v * want.mask[i]!)));
      }
    }
  });

  it.each(backends)('%s: drops a fraction p of 10^5 elements, independently across elements and calls', (_name, k) => {
    const n = 100_000;
    const x = new Float32Array(n).fill(1);
    for (const p of [0.05, 0.3, 0.5, 0.8]) {
      const rng = new Rng(7);
      const a = new Float32Array(n);
      const b = new Float32Array(n);
      const y = new Float32Array(n);
      k.dropoutForward(x, y, a, p, 2, rng.state);
      k.dropoutForward(x, y, b, p, 2, rng.state);
      // Binomial counts: 5 standard deviations (a false alarm once in ~1.7 million runs).
      const sd = (q: number): number => 5 * Math.sqrt(n * q * (1 - q));
      const dropped = a.filter((v) => v === 0).length;
      expect(Math.abs(dropped - n * p), `p=${p} dropped`).toBeLessThan(sd(p));
      // Consecutive calls agree where both drop or both keep: p² + (1−p)² if independent.
      const agree = a.filter((v, i) => v === b[i]).length;
      const q = p * p + (1 - p) * (1 - p);
      expect(Math.abs(agree - n * q), `p=${p} calls agree`).toBeLessThan(sd(q));
      // Neighbouring elements: both dropped at rate p².
      let pairs = 0;
      for (let i = 1; i < n; i++) if (a[i] === 0 && a[i - 1] === 0) pairs++;
      expect(Math.abs(pairs - (n - 1) * p * p), `p=${p} neighbours`).toBeLessThan(sd(p * p));
    }
  });
});

describe.runIf(native !== undefined)(`bad direct calls are refused, nothing written [${label}]`, () => {
  const f = 4;
  const rows = 3;
  const x = new Float32Array(rows * f).fill(1);
  const ok = (): [Float32Array, Float32Array, Float64Array] => [new Float32Array(rows * f), new Float32Array(rows * f), new Float64Array(f)];
  it('wrong lengths: RangeError naming the argument', () => {
    const [y, xhat, rstd] = ok();
    const k = native!;
    expect(() => k.batchNormTrain(x, null, null, new Float32Array(5), xhat, rstd, rows, f, 1e-5, 0.1, null, null)).toThrow(/^y must have length 12, got 5$/);
    expect(() => k.batchNormTrain(x, null, null, y, xhat, new Float64Array(3), rows, f, 1e-5, 0.1, null, null)).toThrow(/rstd must have length >= 4, got 3/);
    expect(() => k.batchNormTrain(x, null, null, y, xhat, rstd, rows, 5, 1e-5, 0.1, null, null)).toThrow(RangeError);
    expect(() => k.layerNormForward(x, new Float32Array(3), new Float32Array(4), y, xhat, rstd, rows, f, 1e-5)).toThrow(/^w must have length 4, got 3$/);
    expect(() => k.dropoutForward(x, y, new Float32Array(2), 0.5, 2, new Uint32Array(4))).toThrow(/mask must have length >= 12, got 2/);
    expect(() => k.dropoutForward(x, y, new Float32Array(12), 0.5, 2, new Uint32Array(3))).toThrow(/state must have length 4, got 3/);
    expect(() => k.batchNormBackward(x, xhat, rstd, null, new Float32Array(1), null, null, rows, f, true)).toThrow(/^dx must have length 12, got 1$/);
    expect([...y, ...xhat, ...rstd].every((v) => v === 0)).toBe(true);
  });
  it('half a pair, or the wrong element type: TypeError', () => {
    const [y, xhat, rstd] = ok();
    const k = native!;
    expect(() => k.batchNormTrain(x, new Float32Array(4), null, y, xhat, rstd, rows, f, 1e-5, 0.1, null, null)).toThrow(/^w and b must both be given or both be null$/);
    expect(() => k.batchNormTrain(x, null, null, y, xhat, rstd, rows, f, 1e-5, 0.1, new Float32Array(4), null)).toThrow(/runningMean and runningVar/);
    expect(() => k.batchNormBackward(x, xhat, rstd, null, null, new Float32Array(4), null, rows, f, true)).toThrow(/dw and db/);
    expect(() => k.layerNormForward(x, null, null, y, xhat, new Float32Array(4) as unknown as Float64Array, rows, f, 1e-5)).toThrow(/rstd must be a Float64Array/);
    expect(() => k.dropoutForward(x, y, new Float32Array(12), 0.5, 2, new Int32Array(4) as unknown as Uint32Array)).toThrow(/state must be a Uint32Array/);
    expect([...y, ...xhat, ...rstd].every((v) => v === 0)).toBe(true);
  });
});
