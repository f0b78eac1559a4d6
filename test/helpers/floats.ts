// Float32 comparison helpers for kernel tests.

const f32 = new Float32Array(1);
const u32 = new Int32Array(f32.buffer);

/** Position of a float32 on the ordered line of representable floats (+0 and -0 coincide). */
function ordinal(v: number): number {
  f32[0] = v;
  const i = u32[0]!;
  return i < 0 ? -0x80000000 - i : i;
}

/** Distance in float32 ulps; 0 when both are NaN, Infinity when only one is. */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return Math.abs(ordinal(a) - ordinal(b));
}

/** Same float32 value including the sign of zero; any NaN equals any NaN. */
export function sameValue(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

/** Largest |x|, by a loop: spreading a large array into Math.max overflows the call stack. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
