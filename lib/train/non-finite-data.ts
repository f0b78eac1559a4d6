// Why a batch's loss is not finite, when the data is the reason, and the one
// message both training paths (step by step in fit.ts, the native plan in
// plan-fit.ts) give for it. The data is examined only after a non-finite
// loss: an up-front scan of every fit's x costs 4-85 % of an epoch
// (bench/integrity/run.mjs), this costs nothing until it is needed.
import type { DataSet } from './targets.js';

function firstNonFinite(a: Float32Array, from: number, to: number): number {
  // x − x is 0 for finite x and NaN for NaN and ±Inf.
  for (let i = from; i < to; i++) {
    const v = a[i]!;
    if (v - v !== 0) return i;
  }
  return -1;
}

/** The first NaN/±Inf in the rows order[begin..end) of `d` (x, then value targets), named by data row and column. */
export function nonFiniteRows(d: DataSet, order: ArrayLike<number>, begin: number, end: number): string | undefined {
  const f = d.features;
  for (let i = begin; i < end; i++) {
    const r = order[i]!;
    const j = firstNonFinite(d.x, r * f, (r + 1) * f);
    if (j >= 0) return `x holds ${d.x[j]} at row ${r}, column ${j - r * f}`;
  }
  if (d.targets.kind === 'values') {
    const w = d.targetWidth;
    const t = d.targets.values;
    for (let i = begin; i < end; i++) {
      const r = order[i]!;
      const j = firstNonFinite(t, r * w, (r + 1) * w);
      if (j >= 0) return `y holds ${t[j]} at row ${r}, column ${j - r * w}`;
    }
  }
  return undefined;
}

/** fit's error for a non-finite loss that no callback handled. */
export function nonFiniteLossError(loss: number, epoch: number, batch: number, steps: number, data: string | undefined): Error {
  // The data first: NaN in x is not cured by a lower learning rate.
  const why = data ? `: ${data}` : '';
  const advice = data ? 'clean the data' : 'lower the learning rate';
  return new Error(
    `fit: the loss became ${loss} at epoch ${epoch + 1}, batch ${batch + 1} of ${steps}${why}; that batch's update was not applied (${advice}, or decide with a callback's onNonFiniteLoss)`,
  );
}
