// Comparison of float32 outputs, native against reference. A tolerance is
// { ulps, abs? }: an element passes when its distance in float32 ulps is at
// most `ulps`, or when |native - reference| <= abs(i) + ulps * ulp(reference)
// (abs bounds rounding-error sums, which ulps cannot express near zero).
// A NaN matches a NaN (payloads may differ); infinities must match exactly.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function ordered(v) {
  f32[0] = v;
  const b = u32[0];
  // Monotonic map of float32 bit patterns to integers; -0 and +0 are 1 apart.
  return b >= 0x80000000 ? 0xffffffff - b : b + 0x80000000;
}

export function ulpDistance(a, b) {
  return Math.abs(ordered(a) - ordered(b));
}

/** The spacing of float32 values at |v| (denormal spacing at least). */
export function ulp(v) {
  const a = Math.abs(v);
  if (!Number.isFinite(a)) return Infinity;
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

const fmt = (v) => (Object.is(v, -0) ? '-0' : String(v));

/** Bitwise: one rounding of one product on both sides (ReLU family). */
export const exact = Object.freeze({ ulps: 0 });
export const ulps = (n) => Object.freeze({ ulps: n });
/** `abs(i)` gives element i's allowed absolute error (on top of `n` ulps). */
export const bounded = (n, abs) => Object.freeze({ ulps: n, abs });

/** float32 unit roundoff. */
export const U = 2 ** -24;

// How much of its tolerance element i uses (0 = equal, > 1 = fails).
function usage(got, want, tol, i) {
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) && Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(want) || !Number.isFinite(got)) return got === want ? 0 : Infinity;
  const d = ulpDistance(got, want);
  if (d === 0) return 0;
  const byUlps = tol.ulps > 0 ? d / tol.ulps : Infinity;
  if (!tol.abs) return byUlps;
  return Math.min(byUlps, Math.abs(got - want) / (tol.abs(i) + tol.ulps * ulp(want)));
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
      const allowed = tol.abs ? `, allowed ${tol.ulps} ulp + ${tol.abs(i).toExponential(2)}` : `, allowed ${tol.ulps} ulp`;
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
