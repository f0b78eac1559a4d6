// Comparison of float32 outputs, native against reference, with the rules
// of test/helpers/floats.ts and the kernel suites: a tolerance { ulps, abs? }
// passes an element when it is the same value (ulps 0: bitwise, the sign of
// zero included), or within `ulps` float32 ulps (+0 and -0 coincide), or
// when |native - reference| <= abs(i, reference) (rounding bounds of sums,
// which ulps cannot express near zero). A NaN matches a NaN (payloads may
// differ); infinities must match exactly.
// A tolerance may also be { scalar, simd }: the suites allow the SIMD paths
// more (polynomial exp, float32 intermediates) than the scalar C++ path.

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** Position on the ordered line of float32 values; +0 and -0 coincide. */
function ordinal(v) {
  f32[0] = v;
  const i = i32[0];
  return i < 0 ? -0x80000000 - i : i;
}

export function ulpDistance(a, b) {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return Math.abs(ordinal(a) - ordinal(b));
}

const sameValue = (a, b) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
const fmt = (v) => (Object.is(v, -0) ? '-0' : String(v));

export const exact = Object.freeze({ ulps: 0 });
export const ulps = (n) => Object.freeze({ ulps: n });
/** Within `n` ulps, or |native − reference| <= abs(i, reference). */
export const bounded = (n, abs) => Object.freeze({ ulps: n, abs });
/** Different tolerances for the scalar C++ path and the SIMD paths. */
export const perPath = (scalar, simd) => Object.freeze({ scalar, simd });

/** The spacing of float32 values at |v| (the subnormal spacing at least). */
export function ulp(v) {
  const a = Math.abs(v);
  if (!Number.isFinite(a)) return Infinity;
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** float32 unit roundoff. */
export const U = 2 ** -24;

// How much of its tolerance element i uses (0 = same value, > 1 = fails).
function usage(got, want, tol, i) {
  if (sameValue(got, want)) return 0;
  if (Number.isNaN(want) || Number.isNaN(got) || !Number.isFinite(want) || !Number.isFinite(got)) return Infinity;
  if (tol.ulps === 0 && !tol.abs) return Infinity;
  const d = ulpDistance(got, want);
  const byUlps = tol.ulps > 0 ? d / tol.ulps : d === 0 ? 0 : Infinity;
  if (!tol.abs) return byUlps;
  const allowed = tol.abs(i, want);
  return Math.min(byUlps, allowed > 0 ? Math.abs(got - want) / allowed : Infinity);
}

/**
 * { bad, worst }: `bad` is undefined when every element is within tolerance,
 * else a short description of the failures; `worst` is the largest fraction
 * of its tolerance any element uses (how tight the check is).
 */
export function compareArrays(got, want, tol) {
  if (got.length !== want.length) return { bad: `length ${got.length}, expected ${want.length}`, worst: Infinity };
  let bad = 0;
  let worst = 0;
  let first = '';
  for (let i = 0; i < got.length; i++) {
    const u = usage(got[i], want[i], tol, i);
    if (u > worst) worst = u;
    if (u <= 1) continue;
    if (bad++ === 0) {
      const allowed = tol.abs ? `, allowed ${tol.ulps} ulp or ${tol.abs(i, want[i]).toExponential(2)}` : `, allowed ${tol.ulps} ulp`;
      first = `[${i}] native ${fmt(got[i])}, reference ${fmt(want[i])} (${ulpDistance(got[i], want[i])} ulp${allowed})`;
    }
  }
  return { bad: bad === 0 ? undefined : `${bad} of ${got.length} elements differ; first ${first}`, worst };
}

/** A returned float64 (a loss, a sum of squares): |native − reference| <= bound. */
export function compareNumber(got, want, bound) {
  if (typeof got !== 'number') return `native returned ${typeof got}`;
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) && Number.isNaN(got) ? undefined : `native ${got}, reference ${want}`;
  if (!Number.isFinite(want) || !Number.isFinite(got)) return got === want ? undefined : `native ${got}, reference ${want}`;
  const d = Math.abs(got - want);
  return d <= bound ? undefined : `native ${got}, reference ${want}, |diff| ${d.toExponential(2)} > allowed ${bound.toExponential(2)}`;
}

/** Same bytes (any typed array; NaN payloads included). */
export function sameBits(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
