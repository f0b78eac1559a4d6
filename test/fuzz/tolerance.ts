// Comparators for fuzz results against the reference backend. Each returns
// undefined when `actual` is acceptable, else a description of the first
// mismatch. NaN matches NaN (payloads are not part of the contract).

export type Compare = (expected: Float32Array, actual: Float32Array, index: number) => string | undefined;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Float32 bits mapped onto a line where adjacent floats differ by 1 (-0 and +0 both 0). */
function ordered(v: number): number {
  f32[0] = v;
  const b = u32[0]!;
  return b & 0x80000000 ? -(b & 0x7fffffff) : b;
}

export function ulpDistance(a: number, b: number): number {
  return Math.abs(ordered(a) - ordered(b));
}

function show(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function mismatch(i: number, e: number, a: number, what: string): string {
  return `element ${i}: expected ${show(e)}, got ${show(a)} (${what})`;
}

/** Identical float32 values, -0 distinguished from +0. */
export const bitwise: Compare = (e, a, i) => {
  const ev = e[i]!;
  const av = a[i]!;
  if (Number.isNaN(ev) && Number.isNaN(av)) return undefined;
  return Object.is(ev, av) ? undefined : mismatch(i, ev, av, 'bitwise');
};

/** At most `n` float32 ulps apart; infinities and NaN must match exactly. */
export function ulps(n: number): Compare {
  return (e, a, i) => {
    const ev = e[i]!;
    const av = a[i]!;
    if (Number.isNaN(ev) || Number.isNaN(av)) return Number.isNaN(ev) && Number.isNaN(av) ? undefined : mismatch(i, ev, av, 'NaN');
    if (!Number.isFinite(ev) || !Number.isFinite(av)) return ev === av ? undefined : mismatch(i, ev, av, 'infinity');
    return ulpDistance(ev, av) <= n ? undefined : mismatch(i, ev, av, `${ulpDistance(ev, av)} ulp > ${n}`);
  };
}

/**
 * |actual − expected| ≤ bound(i): for sums, where the bound is written by the
 * spec from the sum of absolute terms and the length.
 */
export function absolute(bound: (i: number) => number): Compare {
  return (e, a, i) => {
    const ev = e[i]!;
    const av = a[i]!;
    if (Number.isNaN(ev) || Number.isNaN(av)) return Number.isNaN(ev) && Number.isNaN(av) ? undefined : mismatch(i, ev, av, 'NaN');
    if (!Number.isFinite(ev) || !Number.isFinite(av)) return ev === av ? undefined : mismatch(i, ev, av, 'infinity');
    const b = bound(i);
    return Math.abs(av - ev) <= b ? undefined : mismatch(i, ev, av, `|diff| ${Math.abs(av - ev)} > ${b}`);
  };
}

/** float32 unit roundoff. */
export const EPS32 = 2 ** -24;
