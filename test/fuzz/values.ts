// Shared fast-check arbitraries: lengths around SIMD/tile boundaries and
// float32 values that include the edges (±0, denormals, huge, NaN, ±Inf).
import fc from 'fast-check';

/** 0, 1, vector/tile sizes ±1, primes, and anything up to 70. */
export const length = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 13, 15, 16, 17, 23, 31, 32, 33, 37, 47, 48, 49, 63, 64, 65, 67) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 70 }) },
);

/** Small GEMM-ish dimension: 0, 1, tile edges (micro-kernel tiles are ≤ 16) and primes. */
export const dim = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 19, 23) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 24 }) },
);

export const EDGE_VALUES = [
  0, -0, 1, -1, NaN, Infinity, -Infinity,
  1e-45, -1e-45, // smallest denormals
  1.1754942e-38, -1.1754942e-38, // largest denormals
  3.4028234663852886e38, -3.4028234663852886e38, // float32 max
  88.72, -88.72, -103.97, 20, -20, 1e-7, -1e-7, 0.5, -0.5,
].map(Math.fround);

/** Any float32, weighted towards ordinary magnitudes, with the edges. */
export const f32 = fc.oneof(
  { weight: 8, arbitrary: fc.float({ min: -8, max: 8, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_VALUES) },
  { weight: 1, arbitrary: fc.float() },
);

/** Finite float32 of moderate magnitude: for sums, where float32 overflow would differ from float64. */
export const f32Finite = fc.oneof(
  { weight: 8, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-45, -1e-45, 1e-7, 1000, -1000) },
);

export function f32Array(n: number, values: fc.Arbitrary<number> = f32): fc.Arbitrary<Float32Array> {
  return fc.array(values, { minLength: n, maxLength: n }).map((a) => Float32Array.from(a));
}

/** A hyper-parameter: ordinary values plus finite edges (those may be accepted or refused, never crash). */
export function hyper(ordinary: fc.Arbitrary<number>): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 6, arbitrary: ordinary },
    { weight: 1, arbitrary: fc.constantFrom(0, -0, -1, 1e-45, 1e-30, 1e30, 1e39, -1e39, 3.4028234663852886e38) },
  );
}
