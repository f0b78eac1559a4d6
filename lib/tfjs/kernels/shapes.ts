// Shape helpers shared by the reductions-family tfjs kernels: which of a
// tfjs reduction's axes the native kernels take (a trailing block: "rows";
// a leading block: "cols"), and a permutation reduced to the batched 2-D
// transpose the native kernel does.
import { util } from '@tensorflow/tfjs-core';

/** A reduction of x viewed as rows x cols: over each row (`rows`) or each column (`cols`). */
export interface ReducePlan {
  over: 'rows' | 'cols';
  rows: number;
  cols: number;
  /** The output's shape with keepDims false (the kept axes in order). */
  outShape: number[];
  axes: number[];
}

/**
 * The plan for reducing `shape` over `axis` (tfjs's attribute: a number, a
 * list, or null/undefined for all), or null when the axes are neither a
 * trailing nor a leading block (the cpu kernel takes those) or nothing
 * would be reduced. parseAxisParam throws tfjs's own error for a bad axis.
 */
export function reducePlan(shape: readonly number[], axis: number | number[] | null | undefined): ReducePlan | null {
  const rank = shape.length;
  const axes = [...new Set(util.parseAxisParam((axis ?? null) as number, shape as number[]))].sort((a, b) => a - b);
  if (axes.length === 0 || rank === 0) return null;
  const k = axes.length;
  const size = util.sizeFromShape(shape as number[]);
  const trailing = axes.every((a, i) => a === rank - k + i);
  const leading = axes.every((a, i) => a === i);
  const kept = shape.filter((_, i) => !axes.includes(i));
  const reduced = util.sizeFromShape(axes.map((a) => shape[a]!));
  if (trailing) return { over: 'rows', rows: reduced === 0 ? util.sizeFromShape(kept) : size / reduced, cols: reduced, outShape: kept, axes };
  if (leading) return { over: 'cols', rows: reduced, cols: reduced === 0 ? util.sizeFromShape(kept) : size / reduced, outShape: kept, axes };
  return null;
}

/** keepDims: the reduced axes kept as 1s. */
export function keepDimsShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/**
 * `perm` on `shape` as y[b] = x[b]ᵀ over batch x rows x cols (axes of size 1
 * dropped, axes that stay adjacent merged), or null when it is another
 * permutation (the cpu kernel takes those). An identity gives rows or cols 1.
 */
export function transposePlan(shape: readonly number[], perm: readonly number[]): { batch: number; rows: number; cols: number } | null {
  // Drop size-1 axes: they do not change the memory order.
  const keep = perm.filter((p) => shape[p] !== 1);
  const rank = new Map([...keep].sort((a, b) => a - b).map((p, i) => [p, i]));
  const p = keep.map((a) => rank.get(a)!);
  const dims = [...keep].sort((a, b) => a - b).map((a) => shape[a]!);
  // Merge runs p[i+1] = p[i] + 1 (adjacent in input and output) into groups.
  const groups: Array<{ start: number; end: number }> = [];
  for (const a of p) {
    const last = groups[groups.length - 1];
    if (last && last.end === a) last.end = a + 1;
    else groups.push({ start: a, end: a + 1 });
  }
  const order = [...groups].sort((a, b) => a.start - b.start);
  const size = (g: { start: number; end: number }) => dims.slice(g.start, g.end).reduce((s, d) => s * d, 1);
  const q = groups.map((g) => order.indexOf(g));
  const d = order.map(size);
  if (q.length <= 1) return { batch: 1, rows: 1, cols: d[0] ?? 1 };
  if (q.length === 2 && q[0] === 1) return { batch: 1, rows: d[0]!, cols: d[1]! };
  if (q.length === 3 && q[0] === 0 && q[1] === 2 && q[2] === 1) return { batch: d[0]!, rows: d[1]!, cols: d[2]! };
  return null;
}
