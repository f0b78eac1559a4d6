// Per-layer L1 and L2 penalties on weights (Keras's kernelRegularizer):
//   penalty = l1·Σ|w| + l2·Σw²,   ∂penalty/∂w = l1·sign(w) + 2·l2·w
// (Keras's L1L2 form: no ½ on the L2 term; sign(0) = 0). fit adds the
// penalty to each batch's loss and its gradient to the parameter's gradient
// after backward (after a data-parallel reduction, so every rank adds the
// same values), and reports it as `regularization` in the logs; evaluate
// adds it to the loss too, so `loss` and `val_loss` measure the same
// objective. Sums run in float64 in index order and each gradient element is
// rounded once, so the result is the same bits on every backend.
// Decoupled weight decay (AdamW) is the optimizer's, not this.
import { checkFiniteF32, checkKnownKeys, checkObject, rangeError } from '../errors.js';
import type { Parameter } from '../parameter.js';

/** L1 and/or L2 coefficients (each ≥ 0; a missing one is 0). */
export interface Regularizer {
  l1?: number;
  l2?: number;
}

/** Checks a regularizer option; undefined when not given (or both coefficients are 0). Returns a frozen copy. */
export function checkRegularizer(fn: string, arg: string, r: unknown): Regularizer | undefined {
  if (r === undefined || r === null) return undefined;
  checkObject(fn, arg, r, 'an object { l1?, l2? }');
  checkKnownKeys(fn, `${arg}.`, r, ['l1', 'l2']);
  const out: Regularizer = {};
  for (const k of ['l1', 'l2'] as const) {
    const v = (r as Regularizer)[k];
    if (v === undefined) continue;
    checkFiniteF32(fn, `${arg}.${k}`, v);
    if (!(v >= 0)) throw rangeError(fn, `${arg}.${k}`, 'a number >= 0', v);
    if (v > 0) out[k] = v;
  }
  return out.l1 === undefined && out.l2 === undefined ? undefined : Object.freeze(out);
}

/** A parameter with its penalty. */
export interface Regularized {
  readonly param: Parameter;
  readonly regularizer: Regularizer;
}

/**
 * The total penalty of `list` at the current values; with `addGradient`, also
 * adds each parameter's penalty gradient into its gradient.
 */
export function applyRegularizers(list: readonly Regularized[], addGradient: boolean): number {
  let total = 0;
  for (const { param, regularizer } of list) {
    const l1 = regularizer.l1 ?? 0;
    const l2 = regularizer.l2 ?? 0;
    const w = param.value.data;
    const g = param.grad.data;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < w.length; i++) {
      const v = w[i]!;
      s1 += Math.abs(v);
      s2 += v * v;
      if (addGradient) g[i] = g[i]! + (l1 * Math.sign(v) + 2 * l2 * v);
    }
    total += l1 * s1 + l2 * s2;
  }
  return total;
}
