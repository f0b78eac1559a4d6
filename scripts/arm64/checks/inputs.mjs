// Deterministic inputs for the native-vs-reference checks, from the
// package's own PRNG (dist/random.js), so a failure reproduces bit for bit.
import { Rng } from '../../../dist/random.js';

/** Lengths around SIMD widths (4 lanes NEON, 8 AVX2) and unrolls, primes, one large. */
export const SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 61, 127, 1009, 65537];

/** Edge values every forward kernel must handle: ±0, subnormals, the normal
 * limit, huge, ±Inf, NaN, exp's overflow/underflow limits, the tanh polynomial's switch (0.55). */
export const SPECIALS = [
  0, -0, 1e-45, -1e-45, 1e-40, -1e-40, 1.1754942e-38, -1.1754942e-38, 1e-8, -1e-8, 0.55, -0.55, 1, -1, 9, -9, 20, -20, 88.5,
  -88.5, -87.5, 89, -89, 100, -100, -103, 1e30, -1e30, 3.4e38, -3.4e38, Infinity, -Infinity, NaN,
];

export function rng(seed) {
  return new Rng(seed);
}

export function uniform(r, n, lo, hi) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r.uniform();
  return a;
}

/** Uniform in [lo, hi) with the given specials spread over it (every third element, cycling). */
export function withSpecials(r, n, lo, hi, specials = SPECIALS) {
  const a = uniform(r, n, lo, hi);
  for (let i = 1, s = 0; i < n; i += 3, s++) a[i] = specials[s % specials.length];
  return a;
}

export function filled(n, v) {
  return new Float32Array(n).fill(v);
}

/** Deterministic per-case seed from a label, so adding a case leaves the others' inputs alone. */
export function seedOf(label) {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
